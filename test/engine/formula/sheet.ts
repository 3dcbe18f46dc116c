/** A tiny in-memory sheet for the formula tests: rows of values keyed by column. */
import { evaluate, parseFormula, type FormulaValue } from '../../../src/engine/formula/index.ts';

/** A = name, B = lr, C = epochs, D = train_acc, E = test_acc, F = notes. */
export const COLS = ['name', 'lr', 'epochs', 'train_acc', 'test_acc', 'notes'] as const;

export type Row = Partial<Record<(typeof COLS)[number], FormulaValue>>;

//   row   A name  B lr   C epochs  D train_acc  E test_acc  F notes
//   1     a       0.1    10        0.9          0.8         "3"
//   2     b       0.01   20        0.95         (empty)     "high"
//   3     c       0.001  30        0.7          0.6         TRUE
export const ROWS: readonly Row[] = [
  { name: 'a', lr: 0.1, epochs: 10, train_acc: 0.9, test_acc: 0.8, notes: '3' },
  { name: 'b', lr: 0.01, epochs: 20, train_acc: 0.95, test_acc: null, notes: 'high' },
  { name: 'c', lr: 0.001, epochs: 30, train_acc: 0.7, test_acc: 0.6, notes: true },
];

/** Parses and evaluates `text` in `row` (0-based) of `rows`; a parse error fails the test. */
export function calc(text: string, rows: readonly Row[] = ROWS, row = 0): FormulaValue {
  const parsed = parseFormula(text, { columns: COLS });
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return evaluate(parsed.value, {
    row,
    columns: COLS,
    rowCount: rows.length,
    get: (r, c) => rows[r]?.[c as (typeof COLS)[number]] ?? null,
  });
}

/** The error code of a value, or the value itself, for compact expectations. */
export function codeOf(v: FormulaValue): FormulaValue | string {
  return typeof v === 'object' && v !== null ? v.code : v;
}
