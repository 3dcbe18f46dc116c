/**
 * Epoch records → the columns uPlot draws: epochs on x, training and validation on y. A value
 * that does not apply or is not finite (no validation split, a diverged loss) is a gap (null).
 */
import type uPlot from 'uplot';
import type { EpochRecord } from '../../engine/job.ts';

export type CurveKind = 'loss' | 'acc';

const VAL: Record<CurveKind, 'valLoss' | 'valAcc'> = { loss: 'valLoss', acc: 'valAcc' };

const gap = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Steps between ticks on an epoch axis: whole epochs only. uPlot's default steps put ticks at
 * 1.2, 1.4, … on a one- or two-epoch curve, and an epoch 1.4 does not exist.
 */
export const EPOCH_TICK_STEPS: number[] = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000];

export function curveData(records: readonly EpochRecord[], kind: CurveKind): uPlot.AlignedData {
  return [records.map((_, i) => i + 1), records.map((r) => gap(r[kind])), records.map((r) => gap(r[VAL[kind]]))];
}

/** Whether any epoch has this quantity (accuracy is NaN throughout for regression). */
export function hasValues(records: readonly EpochRecord[], key: keyof EpochRecord): boolean {
  return records.some((r) => Number.isFinite(r[key]));
}

/** Whether the losses span so many decades (a divergence, or a loss near zero) that a log axis reads better. */
export function wantsLogScale(records: readonly EpochRecord[]): boolean {
  let lo = Infinity, hi = 0;
  for (const r of records) {
    for (const v of [r.loss, r.valLoss]) {
      if (!Number.isFinite(v)) continue;
      if (v <= 0) return false;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return hi / lo >= 100;
}

/** Whether two sets of columns hold the same values (null and NaN alike). */
export function sameData(a: uPlot.AlignedData | undefined, b: uPlot.AlignedData): boolean {
  if (a === b) return true;
  if (!a || a.length !== b.length) return false;
  for (let c = 0; c < a.length; c++) {
    const x = a[c]!, y = b[c]!;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  }
  return true;
}
