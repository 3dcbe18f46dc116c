/**
 * What dragging the fill handle down (or up) a column of numbers extends to, as a spreadsheet
 * user expects and as learning rates are swept:
 *
 *   one cell            copied                          0.03 -> 0.03, 0.03
 *   two cells, x10^k    a growth series (log steps)     0.1, 0.01 -> 0.001, 0.0001
 *   constant step       a linear series                 1, 2 -> 3, 4;  16, 32, 48 -> 64
 *   constant ratio      a growth series                 16, 32, 64 -> 128, 256
 *   anything else       the least-squares line          1, 2, 4, 5 -> 6.5 ...
 *
 * Two cells alone always have "a constant ratio", so a growth series from two cells is kept to
 * factors of ten, the one step people mean on a log scale; 1, 2 (seeds, epochs) stays linear.
 * Text, formulas, sweeps and blanks are not series: the caller falls back to copying.
 */
import { formatNumber } from '../engine/grammar/sweep.ts';
import { parseNumericText } from '../engine/formula/values.ts';

const TOLERANCE = 1e-9;

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

function isPowerOfTen(ratio: number): boolean {
  const k = Math.log10(ratio);
  return Math.round(k) !== 0 && near(k, Math.round(k));
}

/**
 * The next `count` values after `source` (top to bottom), or null when `source` is not a column
 * of numbers of at least two cells. With `backward`, the `count` values before it, top to bottom.
 */
export function fillSeries(source: readonly string[], count: number, backward = false): string[] | null {
  if (source.length < 2 || count <= 0) return null;
  const xs: number[] = [];
  for (const s of source) {
    const n = parseNumericText(s);
    if (n === undefined) return null;
    xs.push(n);
  }
  const at = series(xs);
  const n = xs.length;
  const out: string[] = [];
  for (let i = 1; i <= count; i++) out.push(formatNumber(backward ? at(-(count - i + 1)) : at(n - 1 + i)));
  return out;
}

/** The value at index i (0 = the first source cell) of the series the source makes. */
function series(xs: readonly number[]): (i: number) => number {
  const n = xs.length;
  const first = xs[0]!;
  const allPositive = xs.every((x) => x > 0);
  const ratios = allPositive ? xs.slice(1).map((x, i) => x / xs[i]!) : [];
  const steps = xs.slice(1).map((x, i) => x - xs[i]!);
  const constantStep = steps.every((d) => near(d, steps[0]!));
  const constantRatio = allPositive && ratios.every((r) => near(r, ratios[0]!)) && !near(ratios[0]!, 1);
  const growth = n === 2 ? allPositive && isPowerOfTen(ratios[0]!) : constantRatio && !constantStep;
  if (growth) {
    const r = ratios[0]!;
    return (i) => first * r ** i;
  }
  if (constantStep) return (i) => first + steps[0]! * i;
  // Least squares over index -> value, as spreadsheets extend a trend.
  const meanI = (n - 1) / 2;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  xs.forEach((x, i) => { num += (i - meanI) * (x - meanX); den += (i - meanI) ** 2; });
  const slope = num / den;
  return (i) => meanX + slope * (i - meanI);
}
