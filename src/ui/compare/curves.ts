/**
 * The selected rows' learning curves overlaid in one uPlot chart, a legend naming the rows.
 * The chart is created once per set of series (rows and metric) and otherwise fed new data in
 * place with setData, at most once per engine tick: cheap enough while rows train. Creating one
 * costs several milliseconds (DOM, a forced style recalc, the first draw), so a new chart — other
 * rows, metric or width, or a loss axis turning logarithmic as a run's loss falls by decades — is
 * built in a task after the frame, not inside it.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RowState } from '../../engine/scheduler/sheet-engine.ts';
import { type CurveMetric, curveValues, spansDecades } from './compare-data.ts';
import { EPOCH_TICK_STEPS, tickLabels } from '../charts/curve-data.ts';
import { later } from './later.ts';
import { timed } from './timings.ts';

/**
 * Distinct colours for up to ten rows (Tableau 10), then repeated. Lines are 1 px, Skia's hairline
 * path: ten curves of 500 epochs rasterize (on the main thread, without a GPU) in 2.9 ms, 14.7 at 1.5 px.
 */
export const SERIES_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface CurveSeries {
  readonly row: RowState;
  readonly label: string;
}

export class CurvesChart {
  private plot: uPlot | null = null;
  private shape = '';
  private dataKey = '';
  /** The chart to build next, with the latest data for it. */
  private pending: (() => void) | null = null;
  private readonly rebuild = later(() => {
    const build = this.pending;
    this.pending = null;
    if (build) timed('compare-curves-rebuild', build);
  });

  constructor(private readonly host: HTMLElement, private readonly xLabel: () => string) {}

  /** Draw `series` for `metric`; recreate the chart only when the rows, labels, metric or axis kind changed. */
  update(series: readonly CurveSeries[], metric: CurveMetric, width: number): void {
    const ys = series.map((s) => curveValues(s.row, metric));
    const key = series.map((s, i) => `${s.row.id}:${s.row.version}:${s.row.result?.jobId ?? ''}:${ys[i]!.length}`).join('|');
    const isLoss = metric === 'loss' || metric === 'valLoss';
    const log = isLoss && spansDecades(ys.flat());
    // The axis label is read here, in the caller's effect, so a language change redraws the chart
    // in the new language (it kept 'epoch' on a Korean page: the label was read only at creation).
    const xLabel = this.xLabel();
    const shape = JSON.stringify([series.map((s) => [s.row.id, s.label]), metric, log, width, xLabel]);
    if (shape === this.shape && key === this.dataKey) return;
    const n = Math.max(0, ...ys.map((y) => y.length));
    const x = Array.from({ length: n }, (_, i) => i + 1);
    // uPlot wants aligned columns: a shorter curve ends in nulls; a non-finite loss breaks the line.
    const data: uPlot.AlignedData = [x, ...ys.map((y) => x.map((_, i) => (Number.isFinite(y[i]) && (!log || y[i]! > 0) ? y[i]! : null)))];
    this.dataKey = key;
    if (shape === this.shape && this.plot) {
      // Back to the chart we have: a new one asked for meanwhile is not wanted any more.
      this.pending = null;
      // Drawn now rather than in uPlot's microtask: the caller's timing and task include the redraw.
      const plot = this.plot;
      plot.batch(() => plot.setData(data));
      return;
    }
    this.pending = () => this.create(series, data, log, width, shape, xLabel);
    this.rebuild.request();
  }

  private create(series: readonly CurveSeries[], data: uPlot.AlignedData, log: boolean, width: number, shape: string, xLabel: string): void {
    this.shape = shape;
    this.plot?.destroy();
    this.plot = null;
    // The label uPlot draws on its canvas, for tests to read.
    this.host.dataset.xLabel = xLabel;
    if (series.length === 0) return;
    this.plot = new uPlot({
      width, height: 240,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [{ label: xLabel, incrs: EPOCH_TICK_STEPS }, { size: 56, values: tickLabels }],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        ...series.map((s, i) => ({ label: s.label, stroke: SERIES_COLORS[i % SERIES_COLORS.length]!, width: 1, spanGaps: false, points: { show: false } })),
      ],
    }, data, this.host);
  }

  destroy(): void {
    this.rebuild.cancel();
    this.pending = null;
    this.plot?.destroy();
    this.plot = null;
    this.shape = '';
  }
}
