/**
 * A setting against a result over the finished runs: one point per run, in uPlot. A log x axis
 * (uPlot's distr 3) for settings spread over decades, such as the learning rate. Points are
 * sorted by x, as uPlot's aligned data wants; the chart is rebuilt only when the axes change.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RowState } from '../../engine/scheduler/sheet-engine.ts';
import type { Dimension } from './compare-data.ts';
import { tickLabels } from '../charts/curve-data.ts';

export interface ScatterPoints {
  readonly x: number[];
  readonly y: number[];
}

/** The runs with finite values on both axes (positive x on a log axis), sorted by x. */
export function scatterPoints(runs: readonly RowState[], xDim: Dimension, yDim: Dimension, log: boolean): ScatterPoints {
  const pts: [number, number][] = [];
  for (const r of runs) {
    const x = xDim.value(r);
    const y = yDim.value(r);
    if (Number.isFinite(x) && Number.isFinite(y) && (!log || x > 0)) pts.push([x, y]);
  }
  pts.sort((a, b) => a[0] - b[0]);
  return { x: pts.map((p) => p[0]), y: pts.map((p) => p[1]) };
}

export class ScatterChart {
  private plot: uPlot | null = null;
  private shape = '';
  private dataKey = '';

  constructor(private readonly host: HTMLElement) {}

  update(points: ScatterPoints, xLabel: string, yLabel: string, log: boolean, width: number): void {
    const shape = JSON.stringify([xLabel, yLabel, log, width]);
    const key = `${points.x.join(',')};${points.y.join(',')}`;
    if (shape === this.shape && key === this.dataKey) return;
    this.dataKey = key;
    const data: uPlot.AlignedData = [points.x, points.y];
    if (shape === this.shape && this.plot) {
      // Drawn now rather than in uPlot's microtask: the caller's timing and task include the redraw.
      const plot = this.plot;
      plot.batch(() => plot.setData(data));
      return;
    }
    this.shape = shape;
    this.plot?.destroy();
    this.plot = new uPlot({
      width, height: 240,
      // With one point, or all runs at one x, give the axis some room around it.
      scales: {
        x: log ? { time: false, distr: 3 } : { time: false, range: (_u, lo, hi) => (lo === hi ? [lo - 1, hi + 1] : [lo, hi]) },
        y: { range: (_u, lo, hi) => (lo === hi ? [lo - 0.5, hi + 0.5] : [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05]) },
      },
      axes: [{ label: xLabel, values: tickLabels }, { label: yLabel, size: 56, values: tickLabels }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      series: [{}, { label: yLabel, stroke: '#4e79a7', fill: '#4e79a7', paths: () => null, points: { show: true, size: 8, stroke: '#4e79a7', fill: '#4e79a7aa' } }],
    }, data, this.host);
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
    this.shape = '';
  }
}
