/**
 * What a sweep's row shows: each metric over its finished children as mean ± sample sd —
 * across seeds, the spread that says whether a difference between settings is real.
 */
import type { TrainResult } from '../job.ts';
import type { RowState } from './row-state.ts';

export type SweptMetric = 'trainLoss' | 'trainAcc' | 'valLoss' | 'valAcc' | 'testLoss' | 'testAcc' | 'testMae' | 'seconds';

export const SWEPT_METRICS: readonly SweptMetric[] = ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'testMae', 'seconds'];

/** Result columns a sweep's row summarizes, and the metric each shows. */
export const SWEPT_COLUMN_METRICS: Readonly<Record<string, SweptMetric>> = {
  train_loss: 'trainLoss', train_acc: 'trainAcc', val_loss: 'valLoss', val_acc: 'valAcc',
  test_loss: 'testLoss', test_acc: 'testAcc', test_mae: 'testMae', time: 'seconds',
};

export interface Spread {
  readonly mean: number;
  /** Sample standard deviation; NaN with fewer than two values. */
  readonly sd: number;
  readonly n: number;
}

/** Mean ± sd of each metric over children with a current result; metrics no child has are absent. */
export function sweepSummary(children: readonly RowState[]): Partial<Record<SweptMetric, Spread>> {
  const results = children
    .filter((c) => (c.status.state === 'done' || c.status.state === 'diverged') && c.result !== null)
    .map((c) => c.result as TrainResult);
  const out: Partial<Record<SweptMetric, Spread>> = {};
  for (const m of SWEPT_METRICS) {
    const xs = results.map((r) => r[m]).filter((x) => Number.isFinite(x));
    if (xs.length === 0) continue;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = xs.length < 2 ? NaN : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    out[m] = { mean, sd, n: xs.length };
  }
  return out;
}

/** `0.9712 ± 0.0031` (or just the mean when there is one value). */
export function formatSpread(s: Spread, digits = 4): string {
  return Number.isNaN(s.sd) ? s.mean.toFixed(digits) : `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}`;
}
