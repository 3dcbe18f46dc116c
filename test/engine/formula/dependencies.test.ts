import { describe, expect, it } from 'vitest';
import { dependencies, dependencySpans, parseFormula, type Dependencies } from '../../../src/engine/formula/index.ts';
import { COLS } from './sheet.ts';

// Columns A..F = name, lr, epochs, train_acc, test_acc, notes; three rows; the formula is in row 2 (index 1).
function deps(text: string, row = 1, rowCount = 3): Dependencies {
  const parsed = parseFormula(text, { columns: COLS });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return dependencies(parsed.value, { columns: COLS, rowCount, row });
}

const cell = (row: number, column: string) => ({ row, column });

describe('dependencies', () => {
  it.each<[string, Dependencies]>([
    ['=1 + 2', { cells: [], columns: [] }],
    ['=B3', { cells: [cell(2, 'lr')], columns: [] }],
    ['=$B$3 + B3 + b$3', { cells: [cell(2, 'lr')], columns: [] }],
    ['=A1', { cells: [cell(0, 'name')], columns: [] }],
    ['=SUM(B2:C3)', { cells: [cell(1, 'lr'), cell(2, 'lr'), cell(1, 'epochs'), cell(2, 'epochs')], columns: [] }],
    ['=train_acc - test_acc', { cells: [cell(1, 'train_acc'), cell(1, 'test_acc')], columns: [] }],
    ['=MAX(test_acc)', { cells: [], columns: ['test_acc'] }],
    ['=MAX(test_acc) - test_acc + COUNT(test_acc)', { cells: [cell(1, 'test_acc')], columns: ['test_acc'] }],
    ['=MAX(test_acc * 2)', { cells: [cell(1, 'test_acc')], columns: [] }],
    // Both branches of IF: edges must not depend on values.
    ['=IF(lr > 0.01, epochs, B1)', { cells: [cell(1, 'lr'), cell(1, 'epochs'), cell(0, 'lr')], columns: [] }],
    // Outside the sheet: single cells are left out, ranges are cut.
    ['=G1 + B9', { cells: [], columns: [] }],
    ['=SUM(E1:Z100)', { cells: [cell(0, 'test_acc'), cell(1, 'test_acc'), cell(2, 'test_acc'), cell(0, 'notes'), cell(1, 'notes'), cell(2, 'notes')], columns: [] }],
  ])('%s', (text, expected) => {
    expect(deps(text)).toEqual(expected);
  });

  it('a bare name follows the formula row', () => {
    expect(deps('=lr * 10', 0)).toEqual({ cells: [cell(0, 'lr')], columns: [] });
    expect(deps('=lr * 10', 2)).toEqual({ cells: [cell(2, 'lr')], columns: [] });
  });

  it('leaves out names the columns lack (they evaluate to #NAME?)', () => {
    const parsed = parseFormula('=lr + MAX(test_acc)', { columns: COLS });
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(dependencies(parsed.value, { columns: ['name'], rowCount: 3, row: 0 })).toEqual({ cells: [], columns: [] });
  });

  it('expands a range of the largest size', () => {
    expect(deps('=SUM(B1:B100000)', 0, 100_000).cells).toHaveLength(100_000);
  });
});

describe('dependencySpans', () => {
  const spans = (text: string, row = 1, rowCount = 3) => {
    const parsed = parseFormula(text, { columns: COLS });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return dependencySpans(parsed.value, { columns: COLS, rowCount, row });
  };

  it.each<[string, ReturnType<typeof spans>]>([
    ['=SUM(B2:C3) + B1', { cells: [cell(0, 'lr')], columns: [], spans: [{ fromColumn: 1, toColumn: 2, fromRow: 1, toRow: 2 }] }],
    // Cut to the sheet; the same range twice is one span; a range wholly outside is none.
    ['=SUM(E1:Z100) + MAX(E1:Z100) + SUM(A7:B9)', { cells: [], columns: [], spans: [{ fromColumn: 4, toColumn: 5, fromRow: 0, toRow: 2 }] }],
    ['=MAX(test_acc) - test_acc', { cells: [cell(1, 'test_acc')], columns: ['test_acc'], spans: [] }],
  ])('%s', (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it('keeps a range of the largest size as one span', () => {
    expect(spans('=SUM(B1:B100000)', 0, 100_000)).toEqual({ cells: [], columns: [], spans: [{ fromColumn: 1, toColumn: 1, fromRow: 0, toRow: 99_999 }] });
  });
});
