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

/**
 * A value axis' tick labels. uPlot's own (Intl.NumberFormat, at most three decimals) wrote every
 * tick of a log axis below 0.001 as "0": a regression loss falling from 0.1 to 1e-14 showed the
 * ticks 1, 0, 0, 0, and a swept rate of 0.0001 sat at "0" on the scatter. Ticks from 0.001 up read
 * as plain numbers (float noise rounded off), smaller ones in exponent form: 1e-5, 2.5e-10.
 */
export function tickLabel(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e-3) return v.toLocaleString('en-US', { maximumSignificantDigits: 6 });
  return Number(v.toPrecision(3)).toExponential();
}

/** What tickLabels reads of a uPlot instance: where a value is drawn, and each axis' scale. */
interface PlotLike {
  valToPos?: (value: number, scale: string) => number;
  axes?: readonly { scale?: string }[];
}

/** Labels closer than this, in CSS pixels, would overlap (11-12 px text). */
const LABEL_GAP = 14;

/**
 * `tickLabel` for each of an axis' ticks, as uPlot's axis `values` option calls it. A label that
 * would be drawn over the one before it is left out: uPlot labels every decade of a log axis, and a
 * loss falling fifteen decades stacked fifteen labels into 150 pixels.
 */
export function tickLabels(u: unknown, splits: readonly (number | null)[], axisIdx?: number): string[] {
  const labels = splits.map((v) => (v === null ? '' : tickLabel(v)));
  const plot = u as PlotLike | null;
  const scale = axisIdx === undefined ? undefined : plot?.axes?.[axisIdx]?.scale;
  if (!plot?.valToPos || scale === undefined) return labels;
  let last = -Infinity;
  return labels.map((label, i) => {
    const v = splits[i];
    if (label === '' || v === null || v === undefined) return label;
    const at = plot.valToPos!(v, scale);
    if (Math.abs(at - last) < LABEL_GAP) return '';
    last = at;
    return label;
  });
}

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
