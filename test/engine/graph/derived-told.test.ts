/**
 * When the cell pass tells the host that a row's derived cells may be read from its sources
 * (nodes.ts DerivedCells.sourceChanged), every source cell of that row already holds the value it
 * ends the pass with: a host reading a row's results "as its placing will make them" must not read
 * them from one new setting and one old (8e696f9; review-23 F4). And it tells only for derived
 * cells on a path back to a source: a reader leading nowhere (a note) reads the row as placed and
 * is told after placing (review-23 F3).
 *
 *   r1: c (typed) ──> r1: a, r1: b ──> r1: r ··> r2: a (=D1) ──> r2: r ··> r3: a (=D2)
 *
 * Columns a, b (sources), c (plain), r (D: derived from a and b), e (a column formula).
 */
import { describe, expect, it } from 'vitest';
import { FormulaCells } from '../../../src/engine/graph/formula-cells.ts';
import type { FormulaValue } from '../../../src/engine/formula/index.ts';

const num = (v: FormulaValue | undefined) => (typeof v === 'number' ? v : 0);

function sheet(n: number) {
  const rowIds = Array.from({ length: n }, (_, i) => `r${i + 1}`);
  const typed = new Map<string, number>();
  /** Rows the pass told of, with their sources' values when first told. */
  const told = new Map<string, { a: number; b: number }>();
  /** Each read of a told row's r, with the sources it was read from. */
  const reads: { row: string; a: number; b: number }[] = [];
  const sources = (row: string) => ({ a: num(graph.value(row, 'a')), b: num(graph.value(row, 'b')) });
  const graph: FormulaCells = new FormulaCells({
    columns: () => ['a', 'b', 'c', 'r', 'e'],
    rowIds: () => rowIds,
    plainValue: (row, column): FormulaValue => {
      if (column !== 'r') return typed.get(`${row}:${column}`) ?? 1;
      if (!told.has(row)) return 0;
      const s = sources(row);
      reads.push({ row, ...s });
      return s.a + s.b;
    },
    derived: {
      columns: ['r'], sources: new Set(['a', 'b']), sourceRow: (row) => row, fedRows: (row) => [row],
      // The first time counts: a row must not be told before its last source has its value.
      sourceChanged: (row) => {
        if (!told.has(row)) told.set(row, sources(row));
      },
    },
  });
  return { graph, typed, told, reads, sources };
}

type Case = {
  readonly name: string;
  readonly formulas: readonly (readonly [string, string, string])[];
  /** A typed cell edited after the first update (null: only the first update, every formula just defined). */
  readonly edit: readonly [string, string, number] | null;
  readonly column?: string;
  /** The rows the edit's pass tells of. */
  readonly told: readonly string[];
};

const CASES: Case[] = [
  { name: 'two settings reading one typed cell', formulas: [['r1', 'a', '=C1 + 1'], ['r1', 'b', '=C1 * 2'], ['r2', 'a', '=D1']], edit: ['r1', 'c', 5], told: ['r1'] },
  { name: 'the second setting reading the first', formulas: [['r1', 'a', '=C1 + 1'], ['r1', 'b', '=A1 * 2'], ['r2', 'a', '=D1']], edit: ['r1', 'c', 5], told: ['r1'] },
  { name: 'the first setting reading the second', formulas: [['r1', 'b', '=C1 + 1'], ['r1', 'a', '=B1 * 2'], ['r2', 'b', '=D1']], edit: ['r1', 'c', 5], told: ['r1'] },
  {
    name: 'a chain of rows with two settings each',
    formulas: [['r1', 'a', '=C1'], ['r1', 'b', '=C1 * 2'], ['r2', 'a', '=D1'], ['r2', 'b', '=A2 + D1'], ['r3', 'a', '=D2']],
    edit: ['r1', 'c', 5], told: ['r1', 'r2'],
  },
  {
    name: 'settings defined in the same pass',
    formulas: [['r1', 'a', '=C1 + 1'], ['r1', 'b', '=C1 * 2'], ['r2', 'b', '=D1 * 3'], ['r2', 'a', '=B2 + 1'], ['r3', 'a', '=D2']],
    edit: null, told: ['r1', 'r2'],
  },
  {
    name: 'a column formula between the settings and a reader',
    formulas: [['r1', 'a', '=C1 + 1'], ['r1', 'b', '=E1 * 2'], ['r2', 'a', '=D1']], column: '=a * 10',
    edit: ['r1', 'c', 5], told: ['r1'],
  },
  { name: 'a reader leading nowhere: not told', formulas: [['r1', 'a', '=C1 + 1'], ['r1', 'b', '=C1 * 2'], ['r2', 'c', '=D1']], edit: ['r1', 'c', 5], told: [] },
  {
    name: 'a column formula leading nowhere: not told',
    formulas: [['r1', 'a', '=C1 + 1'], ['r1', 'b', '=C1 * 2']], column: '=r * 2', edit: ['r1', 'c', 5], told: [],
  },
];

describe('the host is told of a row once all of its sources have their value', () => {
  it.each(CASES)('$name', ({ formulas, edit, column, told }) => {
    const s = sheet(3);
    if (column) s.graph.defineColumn('e', column);
    for (const [row, col, text] of formulas) s.graph.define(row, col, text);
    s.graph.update(s.graph.all());
    if (edit) {
      s.told.clear();
      s.reads.length = 0;
      s.typed.set(`${edit[0]}:${edit[1]}`, edit[2]);
      s.graph.update([{ row: edit[0], column: edit[1] }]);
    }
    expect([...s.told.keys()].sort()).toEqual(told);
    for (const [row, then] of s.told) expect(then, `${row} when told`).toEqual(s.sources(row));
    for (const r of s.reads) expect({ a: r.a, b: r.b }, `${r.row} read`).toEqual(s.sources(r.row));
    // A reader of a told row read it from its final sources.
    if (told.includes('r1')) expect(s.graph.value('r2', formulas.find(([row]) => row === 'r2')![1])).not.toBe(0);
  });
});
