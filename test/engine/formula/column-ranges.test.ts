/**
 * Range aggregates through shared column snapshots (column-ranges.ts) give the same values, to
 * the bit, as the plain evaluation that reads every cell: on random sheets with every kind of
 * value aggregates meet (numbers including -0 and overflowing ones, text, booleans, empty,
 * PENDING, NO_RESULT, errors, non-finite numbers), random ranges (past the last row and column,
 * several columns, several arguments) and every aggregate, while cells change between reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Evaluator, type FormulaValue, NO_RESULT, PENDING, columnLetters, evaluate, formulaError, isFormulaError, parseFormula,
} from '../../../src/engine/formula/index.ts';

const COLUMNS = ['a', 'b', 'c', 'd'];

const value: fc.Arbitrary<FormulaValue> = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -50, max: 50 }) },
  { weight: 1, arbitrary: fc.constantFrom<FormulaValue>(-0, 0, 1e308, -1e308, 0.1, 0.2, 0.3, Infinity, NaN) },
  { weight: 1, arbitrary: fc.constantFrom<FormulaValue>(null, null, 'text', '3', true, false) },
  { weight: 1, arbitrary: fc.constantFrom<FormulaValue>(PENDING, NO_RESULT, formulaError('#DIV/0!', 'x / 0'), formulaError('#VALUE!', 'bad')) },
);

/** Mostly one kind per sheet, so that some ranges hold no error, some only pending cells. */
const sheetValues = (rows: number) => fc.oneof(
  fc.array(value, { minLength: rows * 4, maxLength: rows * 4 }),
  fc.array(fc.oneof({ weight: 20, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }, { weight: 1, arbitrary: value }), { minLength: rows * 4, maxLength: rows * 4 }),
  fc.array(fc.constantFrom<FormulaValue>(PENDING, NO_RESULT, null, 'x', 1.5), { minLength: rows * 4, maxLength: rows * 4 }),
);

const range = (rows: number) => fc.record({
  c1: fc.integer({ min: 0, max: 4 }), c2: fc.integer({ min: 0, max: 5 }),
  r1: fc.integer({ min: 1, max: rows + 10 }), r2: fc.integer({ min: 1, max: rows + 10 }),
}).map(({ c1, c2, r1, r2 }) => `$${columnLetters(c1)}$${r1}:${columnLetters(c2)}${r2}`);

/** One column from a few shared starts, as a running total filled down writes them: the kept running sums. */
const running = (rows: number) => fc.record({
  c: fc.integer({ min: 0, max: 3 }), from: fc.constantFrom(1, 2, 5, 9, 40), to: fc.integer({ min: 1, max: rows + 10 }),
}).map(({ c, from, to }) => `$${columnLetters(c)}$${from}:${columnLetters(c)}${to}`);

const FUNCTIONS = ['MIN', 'MAX', 'SUM', 'AVERAGE', 'STDEV', 'COUNT'] as const;

const formula = (rows: number) => fc.oneof(
  fc.record({
    fn: fc.constantFrom(...FUNCTIONS),
    args: fc.array(fc.oneof({ weight: 6, arbitrary: range(rows) }, { weight: 1, arbitrary: fc.constantFrom('2', 'a1', 'B3', '"7"') }), { minLength: 1, maxLength: 3 }),
  }).map(({ fn, args }) => `=${fn}(${args.join(', ')})`),
  fc.record({ fn: fc.constantFrom(...FUNCTIONS), arg: running(rows) }).map(({ fn, arg }) => `=${fn}(${arg})`),
);

/** Bit equality for numbers (-0 is not 0), code and message for errors. */
function same(a: FormulaValue, b: FormulaValue): boolean {
  if (isFormulaError(a) || isFormulaError(b)) return isFormulaError(a) && isFormulaError(b) && a.code === b.code && a.message === b.message;
  return Object.is(a, b);
}

type Step =
  | { kind: 'eval'; formula: number }
  | { kind: 'set'; row: number; column: number; value: FormulaValue; tell: 'row' | 'column' | 'forget' };

describe('range aggregates over shared column snapshots', () => {
  it('equal the plain evaluation on random sheets, ranges and aggregates, as cells change', () => {
    const sheetCase = fc.integer({ min: 1, max: 300 }).chain((rows) => fc.record({
      rows: fc.constant(rows),
      values: sheetValues(rows),
      formulas: fc.array(formula(rows), { minLength: 1, maxLength: 12 }),
      steps: fc.array(fc.oneof(
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('eval' as const), formula: fc.nat(11) }) },
        { weight: 1, arbitrary: fc.record({
          kind: fc.constant('set' as const), row: fc.nat(rows - 1), column: fc.nat(3), value,
          tell: fc.constantFrom('row' as const, 'row' as const, 'column' as const, 'forget' as const),
        }) },
      ), { maxLength: 30 }),
    }));
    fc.assert(fc.property(sheetCase, ({ rows, values, formulas, steps }) => {
      const cells = values.slice();
      const ctx = { columns: COLUMNS, rowCount: rows, get: (r: number, c: string) => cells[r * 4 + COLUMNS.indexOf(c)] ?? null };
      const asts = formulas.map((f) => {
        const p = parseFormula(f, { columns: COLUMNS });
        if (!p.ok) throw new Error(`${f}: ${p.error.message}`);
        return p.value;
      });
      const shared = new Evaluator(ctx, { remember: true });
      const check = (i: number) => {
        const ast = asts[i % asts.length]!;
        const fast = shared.evaluate(ast, 0);
        const plain = evaluate(ast, { ...ctx, row: 0 });
        if (!same(fast, plain)) expect({ formula: formulas[i % asts.length], fast }).toEqual({ formula: formulas[i % asts.length], fast: plain });
      };
      for (let i = 0; i < asts.length; i++) check(i);
      for (const s of steps) {
        if (s.kind === 'eval') check(s.formula);
        else {
          cells[s.row * 4 + s.column] = s.value;
          if (s.tell === 'row') shared.changed(COLUMNS[s.column]!, s.row);
          else if (s.tell === 'column') shared.changed(COLUMNS[s.column]!);
          else shared.forget();
        }
      }
      for (let i = 0; i < asts.length; i++) check(i);
    }), { numRuns: 300 });
  });

  it('a running total keeps the same additions as the plain sum: 0.1 + 0.2 + 0.3 is not 0.6', () => {
    const cells = Array.from({ length: 200 }, (_, i) => [0.1, 0.2, 0.3][i % 3]!);
    const ctx = { columns: ['a'], rowCount: 200, get: (r: number) => cells[r]! };
    const shared = new Evaluator(ctx, { remember: true });
    for (let k = 1; k <= 200; k++) {
      const p = parseFormula(`=SUM($A$1:A${k}) + AVERAGE(A${k}:$A$200) * 0 + STDEV($A$1:A${Math.max(2, k)}) * 0`, { columns: ['a'] });
      if (!p.ok) throw new Error(p.error.message);
      expect(Object.is(shared.evaluate(p.value, 0), evaluate(p.value, { ...ctx, row: 0 }))).toBe(true);
    }
  });

  it('past the running sums it keeps (many long ranges from different starts) it adds up each range, to the same bits', () => {
    const cells = Array.from({ length: 300 }, (_, i) => Math.sin(i) * 1000);
    const ctx = { columns: ['a'], rowCount: 300, get: (r: number) => cells[r]! };
    const shared = new Evaluator(ctx, { remember: true });
    for (let k = 1; k <= 200; k++) {
      const p = parseFormula(`=SUM(A${k}:$A$300) + AVERAGE(A${k}:A${k + 80})`, { columns: ['a'] });
      if (!p.ok) throw new Error(p.error.message);
      expect(Object.is(shared.evaluate(p.value, 0), evaluate(p.value, { ...ctx, row: 0 }))).toBe(true);
    }
  });
});
