/**
 * An aggregate that reads the same cells in every row (`=SUM(b)`, `=MAX($B$1:$B$9)`) is read once
 * per update, not once per row: a formula column `=b - MAX(b)` over 10,000 rows read 10,000 cells
 * in each of them (1e8 reads; seconds on every edit and every result that landed). And what it
 * remembers is read again as soon as a cell it covers changes.
 */
import { describe, expect, it } from 'vitest';
import { FormulaCells } from '../../../src/engine/graph/formula-cells.ts';
import { type FormulaValue, isFormulaText } from '../../../src/engine/formula/index.ts';

const N = 2_000;

/** Columns a, b, c; b holds numbers 1..N; every plain read is counted. */
function sheet() {
  const rowIds = Array.from({ length: N }, (_, i) => `r${i + 1}`);
  const columns = ['a', 'b', 'c'];
  const text = new Map<string, string>();
  let reads = 0;
  const graph = new FormulaCells({
    columns: () => columns,
    rowIds: () => rowIds,
    plainValue: (row, column): FormulaValue => {
      reads++;
      const t = text.get(`${column}:${row}`);
      if (t !== undefined) return Number.isFinite(Number(t)) ? Number(t) : t;
      return column === 'b' ? Number(row.slice(1)) : null;
    },
  });
  const set = (row: string, column: string, t: string) => {
    text.set(`${column}:${row}`, t);
    graph.define(row, column, isFormulaText(t) ? t : null);
  };
  return { graph, set, reads: () => reads, resetReads: () => { reads = 0; } };
}

describe('aggregates over the same cells in every row', () => {
  it.each([
    ['a whole column', '=b - MAX(b)'],
    ['an absolute range', '=b - MAX($B$1:$B$2000)'],
  ])('a formula column over %s reads each cell about once', (_what, formula) => {
    const { graph, reads } = sheet();
    graph.defineColumn('c', formula);
    graph.update([]);
    expect(graph.value('r1', 'c')).toBe(1 - N);
    expect(graph.value(`r${N}`, 'c')).toBe(0);
    // Before: N x N = 4,000,000 reads.
    expect(reads()).toBeLessThan(4 * N);
  });

  it('cell formulas with the same aggregate read its column about once, and see a change to it', () => {
    const { graph, set, reads, resetReads } = sheet();
    for (let i = 1; i <= N; i++) set(`r${i}`, 'a', '=SUM(b) / 1000');
    graph.update(graph.all());
    const total = (N * (N + 1)) / 2;
    expect(graph.value('r7', 'a')).toBe(total / 1000);
    expect(reads()).toBeLessThan(4 * N);
    // One of the cells the sum covers becomes a formula: every row's sum takes its value.
    resetReads();
    set('r3', 'b', '=1003');
    graph.update([{ row: 'r3', column: 'b' }]);
    expect(graph.value('r1', 'a')).toBe((total + 1000) / 1000);
    expect(graph.value(`r${N}`, 'a')).toBe((total + 1000) / 1000);
    expect(reads()).toBeLessThan(4 * N);
  });

  it('a column aggregating another formula column reads it after it changed, in the same update', () => {
    const { graph, set } = sheet();
    graph.defineColumn('a', '=b * 2');
    graph.defineColumn('c', '=MAX(a) - a');
    graph.update([]);
    expect(graph.value('r1', 'c')).toBe(2 * N - 2);
    set(`r${N}`, 'b', '5000');
    graph.update([{ row: `r${N}`, column: 'b' }]);
    expect(graph.value('r1', 'c')).toBe(10_000 - 2);
    expect(graph.value(`r${N}`, 'c')).toBe(0);
  });
});
