import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormulaCells } from '../../../src/engine/graph/formula-cells.ts';
import { type FormulaValue, formatValue, isFormulaText } from '../../../src/engine/formula/index.ts';

/** A little sheet: columns a..d, rows r1..rN, plain text cells, some formulas. */
function sheet(rows: number, cells: Record<string, string>) {
  const columns = ['a', 'b', 'c', 'd'];
  const rowIds = Array.from({ length: rows }, (_, i) => `r${i + 1}`);
  const text = new Map(Object.entries(cells));
  const graph = new FormulaCells({
    columns: () => columns,
    rowIds: () => rowIds,
    plainValue: (row, column) => {
      const t = text.get(`${column}${row.slice(1)}`) ?? '';
      if (t === '') return null;
      const n = Number(t);
      return Number.isFinite(n) ? n : t;
    },
  });
  const defineAll = () => {
    for (const [k, t] of text) if (isFormulaText(t)) graph.define(`r${k.slice(1)}`, k[0]!, t);
  };
  defineAll();
  graph.update(graph.all());
  const show = (ref: string) => {
    const v = graph.value(`r${ref.slice(1)}`, ref[0]!);
    return v === undefined ? text.get(ref) ?? '' : formatValue(v);
  };
  const edit = (ref: string, t: string) => {
    const row = `r${ref.slice(1)}`;
    const column = ref[0]!;
    text.set(ref, t);
    graph.define(row, column, isFormulaText(t) ? t : null);
    return graph.update([{ row, column }]).map((c) => `${c.column}${c.row.slice(1)}`);
  };
  return { graph, show, edit, text, columns, rowIds };
}

describe('formula cells: values and recomputation', () => {
  //  a1=2 ──> b1 (=a1*10) ──> c1 (=b1+1)
  it('recomputes exactly what is downstream of an edit, in order', () => {
    const s = sheet(2, { a1: '2', b1: '=a1*10', c1: '=b1+1', d2: '=a2+1' });
    expect([s.show('b1'), s.show('c1'), s.show('d2')]).toEqual(['20', '21', '1']);
    expect(s.edit('a1', '3')).toEqual(['b1', 'c1']);
    expect(s.show('c1')).toBe('31');
  });

  //  a1 ──> b1 (=ROUND(a1/100, 0)) ──> c1 (=b1*2)
  it('stops propagating where a value did not change', () => {
    const s = sheet(1, { a1: '10', b1: '=ROUND(a1/100, 0)', c1: '=b1*2' });
    expect(s.edit('a1', '20')).toEqual([]);
    expect(s.edit('a1', '60')).toEqual(['b1', 'c1']);
  });

  //  same-row names and whole columns:  d1 (=a + b)   d2 (=MAX(a))
  it('reads same-row columns by name and whole columns in aggregates', () => {
    const s = sheet(3, { a1: '1', b1: '2', a2: '5', a3: '4', d1: '=a + b', d2: '=MAX(a)' });
    expect([s.show('d1'), s.show('d2')]).toEqual(['3', '5']);
    expect(s.edit('a3', '9')).toEqual(['d2']);
    expect(s.show('d2')).toBe('9');
  });

  //  b1 ──> c1 ──> b1  (a cycle)   d1 (=c1+1) reads it   a2 (=1+1) computes regardless
  it('marks each cell of a cycle with the path while the rest computes', () => {
    const s = sheet(2, { b1: '=c1', c1: '=b1+1', d1: '=c1+1', a2: '=1+1' });
    expect(s.show('a2')).toBe('2');
    const v = s.graph.value('r1', 'b1'.slice(0, 1)) as { code: string; message: string };
    expect(v.code).toBe('#CYCLE!');
    expect(v.message).toMatch(/circular reference: (B1 → C1 → B1|C1 → B1 → C1)/);
    expect(s.show('c1')).toBe('#CYCLE!');
    expect(s.show('d1')).toBe('#CYCLE!');
    s.edit('c1', '5'); // breaking the cycle heals every cell
    expect([s.show('b1'), s.show('d1')]).toEqual(['5', '6']);
  });

  it('a formula that reads itself is a cycle too', () => {
    const s = sheet(1, { a1: '=a1+1' });
    expect(s.show('a1')).toBe('#CYCLE!');
  });

  it('a formula that does not parse is an error value in its cell, naming the problem', () => {
    const s = sheet(1, { a1: '=1+', b1: '=a1*2' });
    expect(s.show('a1')).toBe('#NAME?');
    expect(s.show('b1')).toBe('#NAME?');
  });
});

describe('formula cells: incremental equals from scratch (property)', () => {
  const refs = ['a1', 'b1', 'c1', 'd1', 'a2', 'b2', 'c2', 'd2', 'a3', 'b3', 'c3', 'd3'];
  const cellText = fc.oneof(
    fc.integer({ min: -5, max: 5 }).map(String),
    fc.tuple(fc.constantFrom(...refs), fc.constantFrom('+', '*', '-'), fc.integer({ min: 0, max: 3 })).map(([r, op, n]) => `=${r.toUpperCase()}${op}${n}`),
    fc.tuple(fc.constantFrom(...refs), fc.constantFrom(...refs)).map(([x, y]) => `=${x.toUpperCase()}+${y.toUpperCase()}`),
    fc.constantFrom('=SUM(a)', '=MAX(b)', '=a+b', '=COUNT(c)', ''),
  );
  it('for random sheets and random edits, every value equals a fresh evaluation', () => {
    fc.assert(fc.property(
      fc.dictionary(fc.constantFrom(...refs), cellText, { maxKeys: 12 }),
      fc.array(fc.tuple(fc.constantFrom(...refs), cellText), { maxLength: 12 }),
      (initial, edits) => {
        const live = sheet(3, initial);
        for (const [ref, t] of edits) live.edit(ref, t);
        const fresh = sheet(3, Object.fromEntries(live.text));
        for (const ref of refs) {
          const a: FormulaValue | string = live.show(ref);
          const b: FormulaValue | string = fresh.show(ref);
          if (a !== b) throw new Error(`${ref}: incremental ${a} vs fresh ${b} after ${JSON.stringify(edits)} on ${JSON.stringify(initial)}`);
        }
      },
    ), { numRuns: 300 });
  });
});

describe('formula cells: order behind a cycle', () => {
  //  c1 <──> a3 (a cycle);  d1 (=C1) ──> a1 (=D1) ──> c3 (=A1+A1);  a2 (=COUNT(c)) reads c1 and c3
  it('a cell reading a cycle member and a cell behind it computes after both (found by the property test)', () => {
    const s = sheet(3, { a3: '=C1+D3', c3: '=A1+A1', d1: '=C1+0', a1: '=D1+0', a2: '=COUNT(c)' });
    expect(s.show('a2')).toBe('1');
    s.edit('c1', '=A3+0');
    expect([s.show('c1'), s.show('c3')]).toEqual(['#CYCLE!', '#CYCLE!']);
    expect(s.show('a2')).toBe('0');
  });
});
