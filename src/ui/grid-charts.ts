/**
 * Small charts inside grid cells: a loss sparkline per row and a decision-boundary thumbnail for
 * 2-D rows. Handsontable calls a renderer for every visible cell on every render (once per engine
 * tick while rows train), so each row keeps one element of each kind, redrawn only when its data
 * changed (a new epoch, a new result, a new boundary); otherwise the cached element is moved back
 * into the cell, which costs no drawing at all. Neither is a canvas: chromium composites every
 * canvas as a layer of its own, and with the rows on screen training those layers cost each frame
 * more paint than everything else. The sparkline is an inline SVG path (grid-svg.ts), the
 * thumbnail a tiny BMP (boundary-bmp.ts) drawn as the cell's own background, as the status cell's
 * progress bar is.
 *
 * Nothing in a chart cell appears, vanishes or changes its bounds as a row goes from queued to
 * running to done: chromium re-layerizes the whole page (PaintArtifactCompositor::Update, 3-6 ms
 * with the grid on screen) whenever a piece of paint does, and an <svg> or an <img> is a piece of
 * its own. So every row's curve cell holds its <svg> (empty until the first epoch: its invisible
 * box keeps the bounds), and the thumbnail is a background of the cell, which paints with the
 * cell whether it has an image or not.
 */
import { baseRenderer } from 'handsontable/renderers';
import { DATASETS } from '../engine/datasets.ts';
import type { Boundary } from '../engine/job.ts';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { boundaryDataUrl } from './boundary-bmp.ts';
import { shownEpochs, showsLive } from './compare/compare-data.ts';
import { timed } from './compare/timings.ts';
import { type SparkData, type SparkSize, type Sparkline, createSparkline, drawSparkline } from './grid-svg.ts';
import { t } from './i18n/index.ts';
import { applyAttributes } from './grid-patch.ts';
import { type CellRenderer, type RowLookup, reset } from './renderers.ts';

/** A chart cell's size in CSS pixels (the sparkline's, which the thumbnail shares). */
export type ChartSize = SparkSize;

/** A row's loss curve (training and, with a validation split, validation loss), with its cache key. */
export interface LossCurve extends SparkData {
  /** Changes whenever the points change: the cache key. */
  readonly key: string;
}

/** A row's loss sparkline: the epochs its curves show (compare-data.ts), keyed by run and length. */
export function lossCurve(row: RowState): LossCurve {
  // Asked for at every render of the row's curve cell (every scroll step re-renders the rows on
  // screen), where it copied two arrays of every epoch only for the cache key to say "unchanged".
  // A row object's curve changes only as its live epochs grow (they are appended in place).
  const live = showsLive(row) ? row.live.length : -1;
  const memo = curveMemo.get(row);
  if (memo && memo.live === live) return memo.curve;
  const epochs = shownEpochs(row);
  const val = epochs.map((e) => e.valLoss);
  const key = showsLive(row) ? `live:${row.version}:${epochs.length}` : `done:${row.result?.jobId ?? ''}:${epochs.length}`;
  const curve = { loss: epochs.map((e) => e.loss), val: val.some(Number.isFinite) ? val : null, key };
  curveMemo.set(row, { live, curve });
  return curve;
}

const curveMemo = new WeakMap<RowState, { live: number; curve: LossCurve }>();

/** The boundary to show: the live one while training, else the finished run's. */
export function rowBoundary(row: RowState): Boundary | null {
  if (row.status.state === 'running' && row.liveBoundary) return row.liveBoundary;
  return row.result?.insights?.boundary ?? row.liveBoundary ?? null;
}

interface Cached<E> {
  el: E;
  key: unknown;
}

const curves = new Map<string, Cached<Sparkline>>();
/** Per row, the thumbnail's CSS value (the BMP's url() over its frame), or null for an empty boundary. */
const boundaries = new Map<string, Cached<string | null>>();
/** Counters the benchmark and tests read: how many charts were actually redrawn. */
export const chartStats = { curveDraws: 0, boundaryDraws: 0 };

function cachedFor<E>(cache: Map<string, Cached<E>>, id: string, create: () => E): Cached<E> {
  let entry = cache.get(id);
  if (!entry) {
    entry = { el: create(), key: null };
    cache.set(id, entry);
  }
  return entry;
}

/** The custom property a boundary cell's background reads its images from (styles.css td.ss-thumb). */
export const THUMB_PROPERTY = '--ss-thumb';
/** A grey square under the thumbnail, a pixel wider on each side: its frame. */
const THUMB_FRAME = 'linear-gradient(#d0d7de, #d0d7de)';

/** Forget the charts of rows that are gone. */
export function pruneCellCharts(ids: ReadonlySet<string>): void {
  for (const cache of [curves, boundaries] as Map<string, unknown>[]) for (const id of cache.keys()) if (!ids.has(id)) cache.delete(id);
}

/**
 * What every chart cell shares: the base renderer, the reset, and no chart for a sweep or a missing
 * row. Classes and attributes are drawn on a detached cell and only those that differ are copied
 * (grid-patch.ts applyAttributes): the reset removes every class and the renderer adds them back,
 * which on the live cell restyled every chart cell redrawn, changed or not. `draw` returns the
 * element to show, which stays in the cell if it is there already: taken out and put back, it
 * gets a new box, and the table is laid out again.
 */
function chartCell(lookup: RowLookup, key: string, draw: (td: HTMLTableCellElement, state: NonNullable<ReturnType<RowLookup>> | null) => Element | null): CellRenderer {
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    const drawn = td.ownerDocument.createElement('td');
    drawn.className = td.className;
    baseRenderer(instance, drawn, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(drawn, key, state, true);
    drawn.classList.add('ss-chart');
    const el = draw(drawn, state && !state.sweep ? state : null);
    applyAttributes(drawn, td);
    if (el === null) {
      if (td.firstChild) td.replaceChildren();
    } else if (td.childNodes.length !== 1 || td.firstChild !== el) td.replaceChildren(el);
  };
}

export function curveRenderer(lookup: RowLookup, key: string, size: ChartSize): CellRenderer {
  return chartCell(lookup, key, (td, state) => {
    if (!state) return null;
    const curve = lossCurve(state);
    // A row with no epoch yet shows an empty sparkline rather than none (see the top of the file).
    const entry = cachedFor(curves, state.id, () => createSparkline(size));
    if (entry.key !== curve.key) {
      timed('cell-sparkline', () => drawSparkline(entry.el, curve, size));
      entry.key = curve.key;
      chartStats.curveDraws++;
    }
    if (curve.loss.length > 0) {
      const first = curve.loss[0]!;
      const last = curve.loss.at(-1)!;
      td.title = t('grid.curve.title', { first: fmt(first), last: fmt(last), epochs: curve.loss.length });
    }
    return entry.el.svg;
  });
}

/** The thumbnail is the cell's background image (styles.css: td.ss-thumb reads THUMB_PROPERTY). */
export function boundaryRenderer(lookup: RowLookup, key: string): CellRenderer {
  return chartCell(lookup, key, (td, state) => {
    const b = state ? rowBoundary(state) : null;
    let css: string | null = null;
    if (state && b) {
      const entry = cachedFor<string | null>(boundaries, state.id, () => null);
      if (entry.key !== b) {
        const url = timed('cell-boundary', () => boundaryDataUrl(b));
        entry.el = url ? `url("${url}"), ${THUMB_FRAME}` : null;
        entry.key = b;
        chartStats.boundaryDraws++;
      }
      css = entry.el;
      const regression = state.parsed.ok && DATASETS[state.parsed.spec.dataset.name]?.task === 'regression';
      td.title = regression ? t('grid.boundary.titleRegression') : t('grid.boundary.title', { classes: b.classes });
    }
    td.classList.add('ss-thumb');
    if (css !== null) td.style.setProperty(THUMB_PROPERTY, css);
    return null;
  });
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}
