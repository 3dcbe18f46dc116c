/**
 * Sweeps in cells: a cell that holds several values makes its row a grid search.
 *
 *   0.1, 0.01, 0.001          a list (number, choice and dataset columns)
 *   dense(8) | dense(16, tanh) a list separated by | (any column; needed where values contain commas)
 *   1..5                      whole numbers from 1 to 5
 *   range(16, 128, 16)        16, 32, ..., 128 (the stop is included when the steps land on it)
 *   linspace(0, 0.5, 3)       0, 0.25, 0.5
 *   logspace(1e-4, 1e-1, 4)   0.0001, 0.001, 0.01, 0.1
 *
 * The row expands into the cartesian product of its sweep cells, one child row per combination.
 */
import type { InputColumn } from '../columns.ts';
import { INPUT_COLUMNS, expectedText } from '../columns.ts';
import { type CellError, type Result, cellError, err, ok } from '../errors.ts';

export const SWEEP_LIMITS = { valuesPerCell: 64, children: 256 } as const;

const NUM = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?`;
const GENERATOR = new RegExp(String.raw`^(range|linspace|logspace)\s*\(\s*(${NUM})\s*,\s*(${NUM})\s*,\s*(${NUM})\s*\)$`, 'i');
const INT_RANGE = /^([+-]?\d+)\s*\.\.\s*([+-]?\d+)$/;

/** Whether a cell's text asks for several values (without checking them). */
export function looksLikeSweep(col: InputColumn, text: string): boolean {
  const t = text.trim();
  if (t.startsWith('=')) return false;
  if (t.includes('|')) return true;
  if (col.type === 'number') return t.includes(',') || INT_RANGE.test(t) || GENERATOR.test(t);
  return (col.type === 'enum' || col.type === 'dataset') && t.includes(',');
}

/**
 * The values of one cell: null when it holds a single value, else the texts to substitute,
 * each still to be parsed by its column. Generators apply to number columns only.
 */
export function sweepValues(col: InputColumn, text: string): Result<string[] | null, string> {
  if (!col.spec || !looksLikeSweep(col, text)) return ok(null);
  const t = text.trim();
  let values: string[];
  const gen = GENERATOR.exec(t);
  const ints = INT_RANGE.exec(t);
  if (gen) {
    const r = generate(gen[1]!.toLowerCase(), Number(gen[2]), Number(gen[3]), Number(gen[4]));
    if (!r.ok) return r;
    values = r.value;
  } else if (ints) {
    const a = Number(ints[1]);
    const b = Number(ints[2]);
    if (b < a) return err(`${t}: the end is below the start`);
    if (b - a + 1 > SWEEP_LIMITS.valuesPerCell) return err(`${t} makes ${b - a + 1} values; at most ${SWEEP_LIMITS.valuesPerCell} per cell`);
    values = Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  } else {
    values = t.split(t.includes('|') ? '|' : ',').map((v) => v.trim());
    if (values.some((v) => v === '')) return err('a list has an empty value: remove the extra separator');
  }
  if (values.length > SWEEP_LIMITS.valuesPerCell) return err(`${values.length} values; at most ${SWEEP_LIMITS.valuesPerCell} per cell`);
  return ok([...new Set(values)]);
}

function generate(kind: string, a: number, b: number, n: number): Result<string[], string> {
  if (kind === 'range') {
    if (n <= 0) return err('range(start, stop, step) needs a step above 0');
    if (b < a) return err('range(start, stop, step) needs stop >= start');
    const count = Math.floor((b - a) / n + 1e-9) + 1;
    if (count > SWEEP_LIMITS.valuesPerCell) return err(`range makes ${count} values; at most ${SWEEP_LIMITS.valuesPerCell} per cell`);
    return ok(Array.from({ length: count }, (_, i) => formatNumber(a + i * n)));
  }
  if (!Number.isInteger(n) || n < 2 || n > SWEEP_LIMITS.valuesPerCell) {
    return err(`${kind}(start, stop, count) needs a whole count from 2 to ${SWEEP_LIMITS.valuesPerCell}`);
  }
  if (kind === 'logspace' && (a <= 0 || b <= 0)) return err('logspace(start, stop, count) needs start and stop above 0');
  return ok(Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    return formatNumber(kind === 'linspace' ? a + (b - a) * t : Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * t));
  }));
}

/** Short, exact-looking text for generated numbers: 0.1 rather than 0.10000000000000002. */
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(10)));
}

export interface Expansion {
  /** Columns that sweep, in column order. */
  readonly swept: readonly string[];
  /** One set of cells per combination, the first swept column varying slowest. */
  readonly combos: readonly Record<string, string>[];
}

/** Expand a row's cells; null when no cell sweeps. Every bad sweep cell is reported. */
export function expandRow(cells: Readonly<Record<string, string>>): Result<Expansion | null, CellError[]> {
  const axes: [string, string[]][] = [];
  const errors: CellError[] = [];
  for (const col of INPUT_COLUMNS) {
    const r = sweepValues(col, cells[col.key] ?? '');
    if (!r.ok) errors.push(cellError(col.key, r.error, `a single value, or a list of ${expectedText(col)}`, 'bad-sweep', { detail: r.error }));
    else if (r.value) axes.push([col.key, r.value]);
  }
  if (errors.length > 0) return err(errors);
  if (axes.length === 0) return ok(null);
  const total = axes.reduce((n, [, v]) => n * v.length, 1);
  if (total > SWEEP_LIMITS.children) {
    return err([cellError(axes[axes.length - 1]![0], `the sweep makes ${total} runs; at most ${SWEEP_LIMITS.children} per row`, 'fewer values, or split the sweep over several rows',
      'sweep-too-large', { total: String(total), max: String(SWEEP_LIMITS.children) })]);
  }
  let combos: Record<string, string>[] = [{ ...cells }];
  for (const [key, values] of axes) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return ok({ swept: axes.map(([k]) => k), combos });
}
