import { describe, expect, it } from 'vitest';
import { parseFormula, SHEET_COLUMN_KEYS, columnIndex, columnLetters, formatCellRef } from '../../../src/engine/formula/index.ts';
import { COLS } from './sheet.ts';

const parse = (text: string) => parseFormula(text, { columns: COLS });

/** The AST in a short prefix form, to check structure without positions. */
function show(text: string): string {
  const r = parse(text);
  if (!r.ok) return `error: ${r.error.message}`;
  const s = (n: typeof r.value): string => {
    switch (n.kind) {
      case 'number': return String(n.value);
      case 'string': return JSON.stringify(n.value);
      case 'boolean': return n.value ? 'TRUE' : 'FALSE';
      case 'cell': return formatCellRef(n.ref);
      case 'range': return `${formatCellRef(n.from)}:${formatCellRef(n.to)}`;
      case 'name': return n.column;
      case 'column': return `[${n.column}]`;
      case 'unary': return `(${n.op}${s(n.operand)})`;
      case 'binary': return `(${s(n.left)} ${n.op} ${s(n.right)})`;
      case 'call': return `${n.name}(${n.args.map(s).join(', ')})`;
    }
  };
  return s(r.value);
}

describe('parseFormula: good input', () => {
  it.each([
    ['=1', '1'],
    ['=0.5', '0.5'],
    ['=.5', '0.5'],
    ['=1e-3', '0.001'],
    ['=2.5E+2', '250'],
    ['=5.', '5'],
    ['="hi"', '"hi"'],
    ['="say ""hi"""', '"say \\"hi\\""'],
    ['=""', '""'],
    ['=TRUE', 'TRUE'],
    ['=false', 'FALSE'],
    ['= 1 + 2 ', '(1 + 2)'],
    ['=1+2*3', '(1 + (2 * 3))'],
    ['=(1+2)*3', '((1 + 2) * 3)'],
    ['=1-2-3', '((1 - 2) - 3)'],
    ['=8/4/2', '((8 / 4) / 2)'],
    ['=2^3^2', '(2 ^ (3 ^ 2))'],
    ['=-2^2', '(-(2 ^ 2))'],
    ['=(-2)^2', '((-2) ^ 2)'],
    ['=2^-1', '(2 ^ (-1))'],
    ['=--1', '(-(-1))'],
    ['=+1', '(+1)'],
    ['=2*-3', '(2 * (-3))'],
    ['=1+2=3', '((1 + 2) = 3)'],
    ['=1<2<>FALSE', '((1 < 2) <> FALSE)'],
    ['=a1<=b2', '(A1 <= B2)'],
    ['=1>=2', '(1 >= 2)'],
    ['=1>2', '(1 > 2)'],
    ['=B3', 'B3'],
    ['=$B$3', '$B$3'],
    ['=$B3+B$3', '($B3 + B$3)'],
    ['=AA10', 'AA10'],
    ['=SUM(B2:B9)', 'SUM(B2:B9)'],
    ['=SUM(B9:B2)', 'SUM(B2:B9)'],
    ['=SUM(C1:A3)', 'SUM(A1:C3)'],
    ['=train_acc - test_acc', '(train_acc - test_acc)'],
    ['=lr * 10', '(lr * 10)'],
    ['=LR*10', '(lr * 10)'],
    ['=MAX(test_acc)', 'MAX([test_acc])'],
    ['=MAX(test_acc, lr)', 'MAX([test_acc], [lr])'],
    ['=MAX(test_acc * 2)', 'MAX((test_acc * 2))'],
    ['=ROUND(lr, 2)', 'ROUND(lr, 2)'],
    ['=IF(test_acc > 0.9, "good", "")', 'IF((test_acc > 0.9), "good", "")'],
    ['=if(1,2)', 'IF(1, 2)'],
    ['=sum(1, 2, 3)', 'SUM(1, 2, 3)'],
    ['=Log10(100)', 'LOG10(100)'],
    ['=AND(TRUE, NOT(FALSE), OR(1, 0))', 'AND(TRUE, NOT(FALSE), OR(1, 0))'],
    ['=POW(2, 3) + SQRT(4) + ABS(-1) + LN(1) + EXP(0)', '((((POW(2, 3) + SQRT(4)) + ABS((-1))) + LN(1)) + EXP(0))'],
    ['=COUNT(A1:F3) + AVERAGE(B1:B3) + STDEV(B1:B3)', '((COUNT(A1:F3) + AVERAGE(B1:B3)) + STDEV(B1:B3))'],
  ])('%s', (text, expected) => {
    expect(show(text)).toBe(expected);
  });

  it('records positions: the = is at 0', () => {
    const r = parse('=1 + lr');
    expect(r.ok && r.value.kind === 'binary' && [r.value.at, r.value.left.at, r.value.right.at]).toEqual([3, 1, 5]);
  });

  it('checks names against the sheet columns by default', () => {
    expect(parseFormula('=test_acc - train_acc').ok).toBe(true);
    expect(SHEET_COLUMN_KEYS).toContain('lr');
    expect(parseFormula('=MAX(test_accc)')).toEqual({ ok: false, error: { message: 'unknown column test_accc — did you mean test_acc?', at: 5, kind: 'name' } });
  });
});

describe('parseFormula: every error message', () => {
  it.each([
    ['1+2', "a formula starts with '='", 0, 'syntax'],
    ['=', "empty formula: write something after '='", 1, 'syntax'],
    ['=   ', "empty formula: write something after '='", 1, 'syntax'],
    ['=(1+2))', "unexpected ')' at 6", 6, 'syntax'],
    ['=SUM(1))', "unexpected ')' at 7", 7, 'syntax'],
    ['=1 2', 'unexpected number 2 at 3', 3, 'syntax'],
    ['=1 "x"', 'unexpected text "x" at 3', 3, 'syntax'],
    ['=1 lr', 'unexpected lr at 3', 3, 'syntax'],
    ['=1+', 'unexpected end of formula at 3', 3, 'syntax'],
    ['=*2', "unexpected '*' at 1", 1, 'syntax'],
    ['=SUM(1,,2)', "unexpected ',' at 7", 7, 'syntax'],
    ['=SUM(1 2)', 'unexpected number 2 at 7', 7, 'syntax'],
    ['=(1+2', "missing ')' to close the '(' at 1", 1, 'syntax'],
    ['=SUM(1, 2', "missing ')' to close the '(' at 4", 4, 'syntax'],
    ['=[1]', "unexpected '[' at 1", 1, 'syntax'],
    ['=a.b', "unexpected '.' at 2", 2, 'syntax'],
    ['=1 & 2', "unexpected '&' at 3", 3, 'syntax'],
    ['=1\u00a0+ 2', 'unexpected character U+00A0 at 2', 2, 'syntax'],
    ['="abc', 'text starting at 1 has no closing \'"\'', 1, 'syntax'],
    ['=1e', 'number 1e has no digits after the exponent at 1', 1, 'syntax'],
    ['=1e+', 'number 1e+ has no digits after the exponent at 1', 1, 'syntax'],
    ['=1.2.3', "unexpected '.' after the number 1.2 at 4", 4, 'syntax'],
    ['=2x', "unexpected 'x' after the number 2 at 2", 2, 'syntax'],
    ['=1e999', 'number 1e999 is too large at 1', 1, 'syntax'],
    ['=FOO(1)', 'unknown function FOO', 1, 'name'],
    ['=SUMM(1)', 'unknown function SUMM — did you mean SUM?', 1, 'name'],
    ['=averge(1)', 'unknown function averge — did you mean AVERAGE?', 1, 'name'],
    ['=lr(2)', 'lr is a column, not a function; to multiply, write lr * (…)', 1, 'name'],
    ['=ln(2', "missing ')' to close the '(' at 3", 3, 'syntax'],
    ['=lrr', 'unknown column lrr — did you mean lr?', 1, 'name'],
    ['=1 + tset_acc', 'unknown column tset_acc — did you mean test_acc?', 5, 'name'],
    ['=accuracy', 'unknown column accuracy', 1, 'name'],
    ['=SUM', 'SUM is a function: write it as SUM(values…)', 1, 'name'],
    ['=$lr', '$lr is not a reference; write one like B3 or $B$3', 1, 'syntax'],
    ['=B$', 'B$ is not a reference; write one like B3 or $B$3', 1, 'syntax'],
    ['=B0', 'row 0 in B0 does not exist; rows start at 1', 1, 'syntax'],
    ['=B99999999999999999', 'row 99999999999999999 in B99999999999999999 is too large', 1, 'syntax'],
    ['=SUM(B1:B0)', 'row 0 in B0 does not exist; rows start at 1', 8, 'syntax'],
    ['=SUM(B1:)', "expected a cell such as B9 after ':' but found ')' at 8", 8, 'syntax'],
    ['=SUM(B1:lr)', "expected a cell such as B9 after ':' but found lr at 8", 8, 'syntax'],
    ['=MIN(B:B)', 'unknown column B', 5, 'name'],
    ['=1:2', "unexpected ':' at 2", 2, 'syntax'],
    ['=B1:B3', 'the range B1:B3 at 1 can only be an argument of MIN, MAX, SUM, AVERAGE, STDEV or COUNT', 1, 'syntax'],
    ['=SUM(B1:B3 * 2)', 'the range B1:B3 at 5 can only be an argument of MIN, MAX, SUM, AVERAGE, STDEV or COUNT', 5, 'syntax'],
    ['=ABS(B1:B3)', 'the range B1:B3 at 5 can only be an argument of MIN, MAX, SUM, AVERAGE, STDEV or COUNT', 5, 'syntax'],
    ['=IF(1)', 'IF takes 2 to 3 arguments, got 1: IF(condition, then, else)', 1, 'syntax'],
    ['=IF(1,2,3,4)', 'IF takes 2 to 3 arguments, got 4: IF(condition, then, else)', 1, 'syntax'],
    ['=SQRT()', 'SQRT takes 1 argument, got 0: SQRT(x)', 1, 'syntax'],
    ['=SQRT(1, 2)', 'SQRT takes 1 argument, got 2: SQRT(x)', 1, 'syntax'],
    ['=POW(2)', 'POW takes 2 arguments, got 1: POW(x, y)', 1, 'syntax'],
    ['=ROUND(1,2,3)', 'ROUND takes 1 to 2 arguments, got 3: ROUND(x, digits)', 1, 'syntax'],
    ['=SUM()', 'SUM takes at least 1 argument, got 0: SUM(values…)', 1, 'syntax'],
    ['=COUNT()', 'COUNT takes at least 1 argument, got 0: COUNT(values…)', 1, 'syntax'],
    ['=SUM(A1:Z5000)', 'range A1:Z5000 has 130,000 cells; the limit is 100,000', 5, 'limit'],
    ['=SUM(B1:B100001)', 'range B1:B100001 has 100,001 cells; the limit is 100,000', 5, 'limit'],
  ])('%s → %s', (text, message, at, kind) => {
    expect(parse(text)).toEqual({ ok: false, error: { message, at, kind } });
  });

  it('accepts a range of exactly the limit', () => {
    expect(parse('=SUM(B1:B100000)').ok).toBe(true);
  });
});

describe('A1 columns', () => {
  it.each([
    ['A', 0], ['B', 1], ['Z', 25], ['AA', 26], ['AZ', 51], ['BA', 52], ['ZZ', 701], ['AAA', 702], ['XFD', 16383],
  ])('%s is column %i and back', (letters, index) => {
    expect(columnIndex(letters)).toBe(index);
    expect(columnLetters(index)).toBe(letters);
  });

  it('lowercase letters are the same column', () => {
    expect(columnIndex('ab')).toBe(27);
  });

  it('four letters are a name, not a reference', () => {
    expect(parse('=ABCD1')).toEqual({ ok: false, error: { message: 'unknown column ABCD1', at: 1, kind: 'name' } });
  });

  it('LOG10( is a function even though LOG10 looks like a cell', () => {
    expect(show('=LOG10(10) + LOG10')).toBe('(LOG10(10) + LOG10)');
  });
});
