/**
 * Comparing runs: the selected rows' learning curves overlaid, a setting against a result over
 * every finished run, and parallel coordinates whose brushes filter the grid. Every chart is fed
 * from the engine tick (at most once per animation frame) and only when what it shows changed:
 * curves when a selected row gains an epoch (in the frame, so live curves move smoothly), the
 * scatter and the parallel coordinates when runs finish — in a task of their own after that frame
 * (which already holds the grid's pass and the browser's paint), runs finishing close together
 * drawn in one rebuild. A chart scrolled out of sight is not updated until it comes back into view.
 * Charts are created once and updated in place.
 */
import { For, Show, createEffect, createMemo, createSignal, onCleanup, onMount, untrack } from 'solid-js';
import type { RowState, SheetEngine } from '../../engine/scheduler/sheet-engine.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import {
  type Brush, CURVE_METRICS, type Dimension, type CurveMetric, METRICS, SETTINGS, brushedRows, dimLabelKey, finishedRuns, rowName, runsSignature,
  spansDecades, usefulDimensions,
} from './compare-data.ts';
import { CurvesChart } from './curves.ts';
import { later, onScreen } from './later.ts';
import { ParallelChart } from './parallel.ts';
import { ScatterChart, scatterPoints } from './scatter.ts';
import { timed } from './timings.ts';
import './compare.css';

/** More curves than this in one chart are unreadable; the first ones selected are drawn. */
const MAX_CURVES = 10;

export interface ComparePanelProps {
  engine: SheetEngine;
  tick: () => number;
  /** Rows selected in the grid, in grid order. */
  selected: () => readonly string[];
  /** The rows the parallel coordinates' brushes keep, or null when nothing is brushed. */
  onFilter: (rows: ReadonlySet<string> | null) => void;
}

const METRIC_KEYS: Record<CurveMetric, MessageKey> = {
  loss: 'compare.metric.loss', acc: 'compare.metric.acc', valLoss: 'compare.metric.valLoss', valAcc: 'compare.metric.valAcc',
};

/**
 * The panel starts closed, one line under the grid: closed, it costs nothing (no chart exists)
 * and the page ends where the grid and the row details end.
 */
export function ComparePanel(props: ComparePanelProps) {
  const [open, setOpen] = createSignal(false);
  return (
    <section class="ss-compare" data-testid="compare" data-open={open() ? 'true' : 'false'}>
      <h2>
        <button type="button" class="ss-compare-toggle" data-testid="compare-toggle" aria-expanded={open()} onClick={() => setOpen(!open())}>
          {open() ? '▾' : '▸'} {t('compare.title')}
        </button>
      </h2>
      <Show when={open()}>
        <CompareCharts {...props} />
      </Show>
    </section>
  );
}

function CompareCharts(props: ComparePanelProps) {
  let curvesHost!: HTMLDivElement;
  let scatterHost!: HTMLDivElement;
  let parallelHost!: HTMLDivElement;
  let panel!: HTMLDivElement;
  const [width, setWidth] = createSignal(900);
  const [metric, setMetric] = createSignal<CurveMetric>('loss');
  const [xKey, setXKey] = createSignal('lr');
  const [yKey, setYKey] = createSignal('test_acc');
  const [logChoice, setLogChoice] = createSignal<boolean | null>(null);
  const [brushed, setBrushed] = createSignal(false);
  /** How many finished runs the brushes keep (null: nothing brushed), said beside Clear filters. */
  const [keptCount, setKeptCount] = createSignal<number | null>(null);
  const source = (id: string) => props.engine.row(id);
  let parallelChart: ParallelChart | undefined;

  // Finished runs, recomputed per tick but compared by signature so charts redraw only on change.
  const latest = createMemo<{ sig: string; runs: RowState[] }>((prev) => {
    props.tick();
    const list = finishedRuns(props.engine.rows());
    const sig = runsSignature(list);
    return prev && prev.sig === sig ? prev : { sig, runs: list };
  });
  // What the parallel coordinates and the scatter show: `latest`, taken over after the frame, each
  // chart in a task of its own (one task rebuilding both reached 20-30 ms when runs finished).
  const [runs, setRuns] = createSignal(untrack(latest));
  const [scatterRuns, setScatterRuns] = createSignal(untrack(latest));
  const catchUp = later(() => timed('compare-rebuild', () => setRuns(latest())));
  const catchUpScatter = later(() => timed('compare-rebuild', () => setScatterRuns(latest())));
  createEffect(() => {
    const now = latest();
    if (now !== untrack(runs)) catchUp.request();
    if (now !== untrack(scatterRuns)) catchUpScatter.request();
  });
  onCleanup(() => { catchUp.cancel(); catchUpScatter.cancel(); });
  const settingDims = createMemo(() => usefulDimensions(runs().runs, SETTINGS));
  const metricDims = createMemo(() => usefulDimensions(runs().runs, METRICS));
  const xDim = () => SETTINGS.find((d) => d.key === xKey()) ?? SETTINGS[0]!;
  const yDim = () => METRICS.find((d) => d.key === yKey()) ?? METRICS[0]!;
  const xLog = () => logChoice() ?? (xDim().logByDefault === true && spansDecades(scatterRuns().runs.map((r) => xDim().value(r))));
  const points = createMemo(() => scatterPoints(scatterRuns().runs, xDim(), yDim(), xLog()));

  const dims = createMemo(() => [...settingDims(), ...metricDims()]);
  // The parallel coordinates colour each run by the first metric axis (parallel.ts): say which.
  const colourDim = () => dims().find((d) => d.kind === 'metric');

  onMount(() => {
    const curves = new CurvesChart(curvesHost, () => t('compare.curves.epoch'));
    const scatter = new ScatterChart(scatterHost);
    const [curvesSeen, scatterSeen, parallelSeen] = [onScreen(curvesHost), onScreen(scatterHost), onScreen(parallelHost)];
    let lastKept: ReadonlySet<string> | null = null;
    const emit = (brushes: ReadonlyMap<string, Brush>) => {
      const kept = brushedRows(untrack(runs).runs, untrack(dims), brushes);
      setBrushed(kept !== null);
      // The kept set also holds the sweeps over kept runs (their grid rows): count the runs.
      setKeptCount(kept === null ? null : untrack(runs).runs.filter((r) => kept.has(r.id)).length);
      // Filtering re-renders the whole grid: only when the rows kept changed.
      if (sameRows(kept, lastKept)) return;
      lastKept = kept;
      props.onFilter(kept);
    };
    // A hovered line's tooltip: the run's name and row id, then each axis' value (text only).
    const describe = (run: RowState, ds: readonly Dimension[]) => {
      // The name as it is now: the chart's runs are redrawn when results change, not names.
      const name = rowName(source(run.id) ?? run, source);
      return {
        title: name === run.id ? t('compare.parallel.tipId', { id: run.id }) : t('compare.parallel.tip', { name, id: run.id }),
        lines: ds.map((d) => `${t(dimLabelKey(d.key))}: ${tipValue(d.value(run))}`),
      };
    };
    const parallel = new ParallelChart(parallelHost, (key) => t(dimLabelKey(key)), emit, describe);
    parallelChart = parallel;
    const measure = () => setWidth(Math.max(480, Math.floor(panel.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(panel);
    onCleanup(() => {
      observer.disconnect();
      curves.destroy();
      scatter.destroy();
      parallel.destroy();
      props.onFilter(null);
    });

    createEffect(() => {
      if (!curvesSeen()) return;
      props.tick();
      const half = Math.max(320, Math.floor((width() - 24) / 2));
      const ids = props.selected().flatMap((id) => {
        const row = source(id);
        return row?.sweep ? row.sweep.children : [id];
      });
      const series = [...new Set(ids)].slice(0, MAX_CURVES).map(source).filter((r): r is RowState => r !== undefined && r.sweep === null)
        .map((row) => ({ row, label: rowName(row, source) }));
      timed('compare-curves', () => curves.update(series, metric(), half));
    });
    createEffect(() => {
      if (!scatterSeen()) return;
      const half = Math.max(320, Math.floor((width() - 24) / 2));
      const [xl, yl, log] = [t(dimLabelKey(xDim().key)), t(dimLabelKey(yDim().key)), xLog()];
      timed('compare-scatter', () => scatter.update(points(), xl, yl, log, half));
    });
    createEffect(() => {
      if (!parallelSeen()) return;
      const r = runs();
      const d = dims();
      t('compare.title'); // redraw the axis names when the language changes
      const w = width() - 2;
      timed('compare-parallel', () => parallel.setData(r.runs, d, w));
    });
    // Runs that finish inside the brushed ranges join the grid, whether or not the chart is in view.
    createEffect(() => {
      runs();
      dims();
      if (parallel.brushMap().size > 0) emit(parallel.brushMap());
    });
  });

  const curveCount = () => props.selected().length;

  return (
    <div class="ss-compare-body" ref={panel}>
      <div class="ss-compare-row">
        <div class="ss-compare-block" data-testid="compare-curves">
          <div class="ss-compare-head">
            <h3>{t('compare.curves.title')}</h3>
            <label>
              {t('compare.curves.metric')}{' '}
              <select data-testid="curves-metric" value={metric()} onChange={(e) => setMetric(e.currentTarget.value as CurveMetric)}>
                <For each={CURVE_METRICS}>{(m) => <option value={m}>{t(METRIC_KEYS[m])}</option>}</For>
              </select>
            </label>
          </div>
          <Show when={curveCount() === 0}>
            <p class="ss-compare-hint">{t('compare.curves.hint')}</p>
          </Show>
          <div ref={curvesHost} class="ss-compare-chart" />
        </div>
        <div class="ss-compare-block" data-testid="compare-scatter">
          <div class="ss-compare-head">
            <h3>{t('compare.scatter.title')}</h3>
            <label>
              {t('compare.scatter.x')}{' '}
              <select data-testid="scatter-x" value={xKey()} onChange={(e) => { setXKey(e.currentTarget.value); setLogChoice(null); }}>
                <For each={SETTINGS}>{(d) => <option value={d.key}>{t(dimLabelKey(d.key))}</option>}</For>
              </select>
            </label>
            <label>
              {t('compare.scatter.y')}{' '}
              <select data-testid="scatter-y" value={yKey()} onChange={(e) => setYKey(e.currentTarget.value)}>
                <For each={METRICS}>{(d) => <option value={d.key}>{t(dimLabelKey(d.key))}</option>}</For>
              </select>
            </label>
            <label>
              <input type="checkbox" data-testid="scatter-log" checked={xLog()} onChange={(e) => setLogChoice(e.currentTarget.checked)} />
              {' '}{t('compare.scatter.log')}
            </label>
          </div>
          <p class="ss-compare-hint ss-compare-count" data-testid="scatter-count">
            {points().x.length === 0 ? t('compare.scatter.empty') : t('compare.scatter.count', { n: points().x.length })}
          </p>
          <div ref={scatterHost} class="ss-compare-chart" />
        </div>
      </div>
      <div class="ss-compare-block" data-testid="compare-parallel">
        <div class="ss-compare-head">
          <h3>{t('compare.parallel.title')}</h3>
          <button type="button" class="ss-button" data-testid="parallel-clear" disabled={!brushed()} onClick={() => parallelChart?.clear()}>
            {t('compare.parallel.clear')}
          </button>
          <Show when={keptCount() !== null}>
            <span class="ss-compare-hint" data-testid="parallel-kept">{t('compare.parallel.kept', { kept: keptCount()!, total: runs().runs.length })}</span>
          </Show>
        </div>
        <p class="ss-compare-hint">{runs().runs.length === 0 ? t('compare.parallel.empty') : t('compare.parallel.hint')}</p>
        <div ref={parallelHost} class="ss-compare-chart" />
        {/* Under the chart, not above it: a line above moved the chart down, below a view scrolled to the panel, where it is not drawn (compare-live). */}
        <Show when={runs().runs.length > 0 && colourDim()}>
          {(d) => (
            <p class="ss-compare-hint" data-testid="parallel-colour">
              {t(d().better ? 'compare.parallel.colourBetter' : 'compare.parallel.colourHigher', { metric: t(dimLabelKey(d().key)) })}
            </p>
          )}
        </Show>
        <Show when={runs().runs.length > 0}>
          <p class="ss-compare-hint">{t('compare.parallel.hover')}</p>
        </Show>
      </div>
    </div>
  );
}

function sameRows(a: ReadonlySet<string> | null, b: ReadonlySet<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}

/** A value in the parallel coordinates' tooltip: four significant digits, a dash when missing. */
function tipValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
