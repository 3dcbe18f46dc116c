/**
 * The decision boundary of a model trained by the fused dense step, from its own forward pass:
 * the grid, classes and confidences insights.ts computeBoundary draws from tfjs' predict, with
 * no tfjs op (fit.ts draws one most epochs of a 2-D job; through tfjs that was most of what a
 * small job still allocated once the steps were fused).
 */
import type { Boundary } from '../../job.ts';
import { BOUNDARY_SIZE, boundaryGrid } from '../insights.ts';
import type { LoadedData } from '../toy-data.ts';
import type { DenseTrainer } from './trainer.ts';

const f = Math.fround;
/** As insights.ts: two decimals; a diverged model's NaN becomes 0. */
const round2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

/**
 * The model's prediction at every grid cell, as computeBoundary gives it: argmax and max of the
 * softmax (first maximum on ties, as tfjs' argMax), or for regression class 1 where the output is
 * ≥ 0 with confidence min(|v|, 1) / 2 + 0.5.
 */
export function denseBoundary(trainer: DenseTrainer, data: LoadedData, extent: readonly [number, number, number, number], size = BOUNDARY_SIZE): Boundary {
  const grid = gridOf(size, extent);
  const n = size * size;
  const regression = data.task === 'regression';
  const k = regression ? 1 : data.classes;
  const predicted = new Array<number>(n);
  const confidence = new Array<number>(n);
  trainer.predict(grid, n, (h, at, m, first) => {
    for (let r = 0; r < m; r++) {
      const row = at + r * k;
      if (regression) {
        const v = h[row]!;
        predicted[first + r] = v >= 0 ? 1 : 0;
        confidence[first + r] = round2(f(f(Math.min(Math.abs(v), 1)) / 2) + 0.5);
        continue;
      }
      let best = 0;
      for (let j = 1; j < k; j++) if (h[row + j]! > h[row + best]!) best = j;
      predicted[first + r] = best;
      confidence[first + r] = round2(h[row + best]!);
    }
  });
  return { size, extent: [...extent] as [number, number, number, number], classes: regression ? 2 : data.classes, predicted, confidence };
}

let last: { key: string; grid: Float32Array } | null = null;

/**
 * The grid of the last extent asked for: a job draws many boundaries over one extent, and a
 * worker's jobs over a dataset share it (predict only reads the grid).
 */
function gridOf(size: number, extent: readonly [number, number, number, number]): Float32Array {
  const key = `${size} ${extent.join(' ')}`;
  if (last?.key !== key) last = { key, grid: boundaryGrid(size, extent) };
  return last.grid;
}
