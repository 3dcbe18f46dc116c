import { describe, expect, it } from 'vitest';
import { evaluate, formatValue, formulaError, parseFormula, type FormulaValue } from '../../../src/engine/formula/index.ts';
import { COLS, ROWS, calc, codeOf, type Row } from './sheet.ts';

/** Numbers compare to 12 digits; everything else (error codes included) exactly. */
function expectValue(actual: FormulaValue, expected: FormulaValue | string): void {
  if (typeof expected === 'number' && typeof actual === 'number') expect(actual).toBeCloseTo(expected, 12);
  else expect(codeOf(actual)).toEqual(expected);
}

type Case = [formula: string, expected: FormulaValue | string, row?: number];

const table = (cases: Case[]) =>
  it.each(cases)('%s → %j', (text, expected, row = 0) => expectValue(calc(text, ROWS, row), expected));

// The sheet (test/engine/formula/sheet.ts), columns A..F = name, lr, epochs, train_acc, test_acc, notes:
//   1  a  0.1    10  0.9   0.8      "3"
//   2  b  0.01   20  0.95  (empty)  "high"
//   3  c  0.001  30  0.7   0.6      TRUE

describe('arithmetic, precedence and associativity', () => {
  table([
    ['=1+2*3', 7], ['=(1+2)*3', 9], ['=7/2', 3.5], ['=10-4-3', 3], ['=64/4/2', 8],
    ['=2^10', 1024], ['=2^3^2', 512], ['=(2^3)^2', 64],
    // Unary minus binds looser than ^ (as in mathematics and Python; Excel gives 4).
    ['=-2^2', -4], ['=(-2)^2', 4], ['=2^-1', 0.5], ['=-2^-2', -0.25], ['=2*-3', -6], ['=1--1', 2],
    ['=--3', 3], ['=+-3', -3], ['=.5+.25', 0.75], ['=1e-3*1000', 1], ['=1E3', 1000],
    ['=0^0', 1], ['=4^0.5', 2],
  ]);
});

describe('arithmetic errors and coercion', () => {
  table([
    ['=1/0', '#DIV/0!'], ['=0/0', '#DIV/0!'], ['=1/(2-2)', '#DIV/0!'], ['=0^-1', '#DIV/0!'],
    ['=1e308*10', '#NUM!'], ['=10^400', '#NUM!'], ['=(-8)^(1/3)', '#NUM!'], ['=-1e308-1e308', '#NUM!'],
    ['=TRUE+1', 2], ['=FALSE*5', 0], ['="2"*3', 6], ['=" 2.5 "+1', 3.5], ['="1e2"/4', 25],
    ['="abc"+1', '#VALUE!'], ['=-"x"', '#VALUE!'], ['="0x10"+0', '#VALUE!'], ['=""+1', '#VALUE!'],
  ]);

  it('says what text was not a number', () => {
    expect(calc('="abc"+1')).toEqual(formulaError('#VALUE!', 'expected a number but got the text "abc"'));
    expect(calc('=1/0')).toEqual(formulaError('#DIV/0!', '1 / 0 divides by zero'));
  });
});

describe('comparisons', () => {
  table([
    ['=1<2', true], ['=2<=2', true], ['=3>4', false], ['=3>=4', false], ['=1=1', true], ['=1<>1', false],
    ['=1+1=2', true], ['=2>1=TRUE', true], ['=1<2<3', '#VALUE!'],
    ['="abc"="ABC"', true], ['="a"<"b"', true], ['="b">="B"', true], ['=TRUE>FALSE', true],
    ['=1="1"', false], ['=1<>"1"', true], ['=TRUE=1', false],
    ['="a"<1', '#VALUE!'], ['=TRUE<1', '#VALUE!'],
    // Empty takes the other side's kind: 0, "" or FALSE.
    ['=test_acc=0', true, 1], ['=test_acc=""', true, 1], ['=test_acc=FALSE', true, 1], ['=test_acc<0.5', true, 1],
    ['=E2=E2', true],
  ]);
});

describe('functions', () => {
  table([
    // IF takes only one branch.
    ['=IF(TRUE, 1, 2)', 1], ['=IF(0, 1, 2)', 2], ['=IF(FALSE, 1)', false], ['=IF(1>0, "y", 1/0)', 'y'],
    ['=IF(1<0, 1/0, "n")', 'n'], ['=IF(1/0, 1, 2)', '#DIV/0!'], ['=IF("abc", 1, 2)', '#VALUE!'],
    ['=IF("true", 1, 2)', 1], ['=IF(test_acc, 1, 2)', 2, 1], ['=IF(TRUE, E2, 0)', null],
    // MIN / MAX
    ['=MIN(3, 1, 2)', 1], ['=MIN(test_acc)', 0.6], ['=MIN(E1:E3)', 0.6], ['=MIN(F1:F3)', 0], ['=MIN(-1, lr)', -1],
    ['=MAX(3, 1, 2)', 3], ['=MAX(test_acc)', 0.8], ['=MAX(-1, -5)', -1], ['=MAX(F1:F3)', 0], ['=MAX(E2)', 0],
    // SUM: from ranges only numbers count; direct arguments are coerced.
    ['=SUM(1, 2, 3)', 6], ['=SUM(epochs)', 60], ['=SUM(C1:C3, 1)', 61], ['=SUM(B1:C3)', 60.111],
    ['=SUM(F1:F3)', 0], ['=SUM(F1)', 0], ['=SUM("3", TRUE)', 4], ['=SUM("x")', '#VALUE!'], ['=SUM(E2)', 0],
    // AVERAGE
    ['=AVERAGE(2, 4)', 3], ['=AVERAGE(test_acc)', 0.7], ['=AVERAGE(F1:F3)', '#DIV/0!'], ['=AVERAGE(E2)', '#DIV/0!'],
    // STDEV is the sample standard deviation.
    ['=STDEV(2, 4, 4, 4, 5, 5, 7, 9)', Math.sqrt(32 / 7)], ['=STDEV(E1:E3)', Math.sqrt(0.02)],
    ['=STDEV(1)', '#DIV/0!'], ['=STDEV(E2)', '#DIV/0!'], ['=STDEV(F1:F3)', '#DIV/0!'], ['=STDEV(3, 3)', 0],
    // COUNT counts numbers and never fails.
    ['=COUNT(test_acc)', 2], ['=COUNT(A1:F3)', 11], ['=COUNT(1, "x", 1/0, TRUE)', 2], ['=COUNT(1/0)', 0], ['=COUNT(E2)', 0],
    // ROUND halves away from zero.
    ['=ROUND(1.005, 2)', 1.01], ['=ROUND(2.5)', 3], ['=ROUND(-2.5)', -3], ['=ROUND(1234.5678, -2)', 1200],
    ['=ROUND(0.125, 2)', 0.13], ['=ROUND(1.23456, 2.9)', 1.23], ['=ROUND(1e300, 400)', 1e300], ['=ROUND(5, -400)', 0],
    ['=ROUND(lr, 1)', 0, 2], ['=ROUND("x")', '#VALUE!'], ['=ROUND(1, "x")', '#VALUE!'],
    ['=ABS(-3)', 3], ['=ABS(test_acc)', 0, 1], ['=ABS("x")', '#VALUE!'],
    ['=LOG10(1000)', 3], ['=LOG10(0)', '#NUM!'], ['=LOG10(-1)', '#NUM!'],
    ['=LN(EXP(2))', 2], ['=LN(0)', '#NUM!'], ['=LN(-1)', '#NUM!'],
    ['=EXP(0)', 1], ['=EXP(1000)', '#NUM!'],
    ['=POW(2, 10)', 1024], ['=POW(-1, 0.5)', '#NUM!'], ['=POW(0, -1)', '#DIV/0!'], ['=POW("x", 1)', '#VALUE!'], ['=POW(1, "x")', '#VALUE!'],
    ['=SQRT(16)', 4], ['=SQRT(0)', 0], ['=SQRT(-1)', '#NUM!'],
    ['=AND(TRUE, 1, "true")', true], ['=AND(TRUE, 0)', false], ['=AND(E2)', false],
    ['=OR(FALSE, 0)', false], ['=OR(0, 2)', true], ['=NOT(TRUE)', false], ['=NOT(0)', true], ['=NOT("x")', '#VALUE!'],
    ['=AND(1, "x")', '#VALUE!'], ['=OR(TRUE, 1/0)', '#DIV/0!'],
  ]);

  it('explains the domain errors', () => {
    expect(calc('=SQRT(-1)')).toEqual(formulaError('#NUM!', 'SQRT needs a number of at least 0, got -1'));
    expect(calc('=LOG10(0)')).toEqual(formulaError('#NUM!', 'LOG10 needs a number above 0, got 0'));
    expect(calc('=STDEV(1)')).toEqual(formulaError('#DIV/0!', 'STDEV needs at least 2 numbers, got 1'));
    expect(calc('=SUM("x")')).toEqual(formulaError('#VALUE!', 'SUM expected numbers but got the text "x"'));
  });
});

describe('references', () => {
  table([
    ['=B1', 0.1], ['=$B$1', 0.1], ['=$C2+C$3', 50], ['=b1*10', 1], ['=A1', 'a'], ['=A1+1', '#VALUE!'],
    ['=F1*2', 6], ['=F3+1', 2],
    // A bare column name is this row's value.
    ['=lr*10', 1], ['=lr*10', 0.1, 1], ['=train_acc - test_acc', 0.1], ['=train_acc - test_acc', 0.95, 1],
    ['=MAX(test_acc) - test_acc', 0.2, 2],
    // ...also inside an aggregate when it is part of a bigger argument.
    ['=MAX(test_acc * 2)', 1.6], ['=MAX(test_acc * 2, 0)', 0, 1],
    // An empty cell read alone stays empty; in arithmetic it is 0.
    ['=E2', null], ['=E2+1', 1], ['=-E2', 0],
    // Past the sheet: a single cell is #REF!; a range is cut to the sheet.
    ['=G1', '#REF!'], ['=B4', '#REF!'], ['=SUM(B1:B100)', 0.111], ['=SUM(B4:B9)', 0], ['=COUNT(B4:B9)', 0],
    ['=SUM(G1:H3)', '#REF!'], ['=SUM(E1:G3)', 1.4], ['=SUM(B4)', '#REF!'], ['=COUNT(B4)', 0],
  ]);

  it('names the missing row or column', () => {
    expect(calc('=B4')).toEqual(formulaError('#REF!', 'B4 is past the last row of the sheet (row 3)'));
    expect(calc('=$G$1')).toEqual(formulaError('#REF!', '$G$1 is past the last column of the sheet (F)'));
  });

  it('a column name that the evaluation context lacks is #NAME? with a suggestion', () => {
    const parsed = parseFormula('=test_acc + 1', { columns: ['test_acc'] });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const v = evaluate(parsed.value, { row: 0, columns: ['test_ac', 'lr'], rowCount: 1, get: () => 1 });
    expect(v).toEqual(formulaError('#NAME?', 'unknown column test_acc — did you mean test_ac?'));
    const whole = parseFormula('=MAX(test_acc)', { columns: ['test_acc'] });
    if (!whole.ok) throw new Error(whole.error.message);
    expect(codeOf(evaluate(whole.value, { row: 0, columns: ['lr'], rowCount: 1, get: () => 1 }))).toBe('#NAME?');
  });

  it('column keys that are JavaScript property names are ordinary columns', () => {
    const columns = ['__proto__', 'constructor', 'toString'];
    const parsed = parseFormula('=__proto__ + constructor * toString', { columns });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const values = new Map([['__proto__', 1], ['constructor', 2], ['toString', 3]]);
    expect(evaluate(parsed.value, { row: 0, columns, rowCount: 1, get: (_r, c) => values.get(c) ?? null })).toBe(7);
  });

  it('reads every row of a whole column, once each', () => {
    const reads: string[] = [];
    const parsed = parseFormula('=SUM(epochs)', { columns: COLS });
    if (!parsed.ok) throw new Error(parsed.error.message);
    evaluate(parsed.value, { row: 0, columns: COLS, rowCount: 3, get: (r, c) => { reads.push(`${r}:${c}`); return 1; } });
    expect(reads).toEqual(['0:epochs', '1:epochs', '2:epochs']);
  });

  it('a whole column on a sheet above the range limit is #REF!', () => {
    const parsed = parseFormula('=SUM(epochs)', { columns: COLS });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const v = evaluate(parsed.value, { row: 0, columns: COLS, rowCount: 100_001, get: () => 1 });
    expect(v).toEqual(formulaError('#REF!', 'column epochs has 100,001 rows; a range can have at most 100,000 cells'));
  });
});

describe('error propagation', () => {
  const cycle = formulaError('#CYCLE!', 'circular: E2 → F2 → E2');
  const rows: Row[] = [{ test_acc: 0.5, lr: 1 }, { test_acc: cycle, lr: 2 }, { test_acc: 0.7, lr: 3 }];
  it.each<Case>([
    ['=test_acc + 1', '#CYCLE!', 1], ['=1 + test_acc', '#CYCLE!', 1], ['=-test_acc', '#CYCLE!', 1],
    ['=test_acc = 1', '#CYCLE!', 1], ['=ABS(test_acc)', '#CYCLE!', 1], ['=ROUND(1, test_acc)', '#CYCLE!', 1],
    ['=AND(TRUE, test_acc)', '#CYCLE!', 1], ['=IF(test_acc, 1, 2)', '#CYCLE!', 1],
    ['=MAX(test_acc)', '#CYCLE!'], ['=SUM(E1:E3)', '#CYCLE!'], ['=AVERAGE(1, E2)', '#CYCLE!'], ['=STDEV(test_acc)', '#CYCLE!'],
    ['=COUNT(test_acc)', 2], ['=COUNT(E1:E3, E2)', 2],
    ['=IF(TRUE, 1, test_acc)', 1, 1], ['=IF(FALSE, test_acc, lr)', 2, 1],
    // The leftmost error wins.
    ['=1/0 + SQRT(-1)', '#DIV/0!'], ['=SQRT(-1) + 1/0', '#NUM!'], ['=SUM(1/0, "x")', '#DIV/0!'], ['=POW(1/0, SQRT(-1))', '#DIV/0!'],
  ])('%s → %j', (text, expected, row = 0) => expectValue(calc(text, rows, row), expected));

  it('passes the error value through unchanged, message and all', () => {
    expect(calc('=test_acc * 2', rows, 1)).toBe(cycle);
  });

  it('treats what get returns defensively: undefined is empty, Infinity and NaN are #NUM!', () => {
    const parsed = parseFormula('=lr + 1', { columns: COLS });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const run = (v: unknown) => evaluate(parsed.value, { row: 0, columns: COLS, rowCount: 1, get: () => v as FormulaValue });
    expect(run(undefined)).toBe(1);
    expect(codeOf(run(Infinity))).toBe('#NUM!');
    expect(codeOf(run(NaN))).toBe('#NUM!');
  });
});

describe('formatValue', () => {
  it.each<[FormulaValue, string]>([
    [null, ''], [true, 'TRUE'], [false, 'FALSE'], ['text', 'text'], ['', ''],
    [42, '42'], [-0, '0'], [0, '0'], [0.1 + 0.2, '0.3'], [1 / 3, '0.333333333333'], [-2.5, '-2.5'],
    [0.000001, '0.000001'], [1e-7, '1e-7'], [1.5e-7, '1.5e-7'], [123456789012345678, '1.23456789012e17'],
    [1e15, '1e15'], [999999999999999, '1e15'], [123456789012345, '123456789012000'], [-1e-9, '-1e-9'],
    [formulaError('#DIV/0!', 'x'), '#DIV/0!'], [formulaError('#NAME?', 'x'), '#NAME?'],
  ])('%j → %s', (v, shown) => {
    expect(formatValue(v)).toBe(shown);
  });
});
