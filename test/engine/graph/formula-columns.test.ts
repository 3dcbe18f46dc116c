import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormulaCells } from '../../../src/engine/graph/formula-cells.ts';
import { formatValue, isFormulaText } from '../../../src/engine/formula/index.ts';

/**
 * A sheet with typed columns a..d (cells may hold their own formulas) and formula columns e, f
 * (one formula for every row), rows r1..rN that can be inserted and removed.
 */
function sheet(init: { rows: number; cells: Record<string, string>; columns: Record<string, string | null> }) {
  const columns = ['a', 'b', 'c', 'd', 'e', 'f'];
  let rowIds = Array.from({ length: init.rows }, (_, i) => `r${i + 1}`);
  let nextRow = init.rows + 1;
  const text = new Map(Object.entries(init.cells)); // key: `${rowId}:${column}`
  const columnText = new Map<string, string | null>(Object.entries(init.columns));
  const graph = new FormulaCells({
    columns: () => columns,
    rowIds: () => rowIds,
    plainValue: (row, column) => {
      const t = text.get(`${row}:${column}`) ?? '';
      if (t === '') return null;
      const n = Number(t);
      return Number.isFinite(n) ? n : t;
    },
  });
  for (const [k, t] of text) if (isFormulaText(t)) graph.define(k.split(':')[0]!, k.split(':')[1]!, t);
  for (const [c, t] of columnText) graph.defineColumn(c, t);
  graph.update(graph.all());
  return {
    graph,
    rows: () => rowIds,
    /** What every cell shows, row by row, as text. */
    snapshot(): string[] {
      return rowIds.map((r) => columns.map((c) => {
        const v = graph.value(r, c);
        return v === undefined ? text.get(`${r}:${c}`) ?? '' : formatValue(v);
      }).join(' | '));
    },
    state() {
      const cells: Record<string, string> = {};
      for (const [k, t] of text) if (rowIds.includes(k.split(':')[0]!)) cells[k] = t;
      return { rows: rowIds, cells, columns: Object.fromEntries(columnText) };
    },
    edit(rowAt: number, column: string, t: string) {
      const row = rowIds[rowAt % rowIds.length]!;
      text.set(`${row}:${column}`, t);
      graph.define(row, column, isFormulaText(t) ? t : null);
      return graph.update([{ row, column }]);
    },
    setColumn(column: string, t: string | null) {
      columnText.set(column, t);
      graph.defineColumn(column, t);
      return graph.update([]);
    },
    insertRow(at: number) {
      const id = `r${nextRow++}`;
      rowIds = [...rowIds.slice(0, at % (rowIds.length + 1)), id, ...rowIds.slice(at % (rowIds.length + 1))];
      graph.relink();
      return graph.update([]);
    },
    removeRow(at: number) {
      if (rowIds.length <= 1) return [];
      const id = rowIds[at % rowIds.length]!;
      for (const c of columns) graph.define(id, c, null);
      rowIds = rowIds.filter((r) => r !== id);
      graph.relink();
      return graph.update([]);
    },
  };
}

/** Rebuild from a state with row ids renamed to their positions, so two sheets compare cell by cell. */
function fresh(state: { rows: readonly string[]; cells: Record<string, string>; columns: Record<string, string | null> }) {
  const rename = new Map(state.rows.map((r, i) => [r, `r${i + 1}`]));
  const cells: Record<string, string> = {};
  for (const [k, t] of Object.entries(state.cells)) cells[`${rename.get(k.split(':')[0]!)}:${k.split(':')[1]}`] = t;
  return sheet({ rows: state.rows.length, cells, columns: state.columns });
}

describe('formula columns: one formula for every row', () => {
  //  a (typed) ──> e (=a*2) ──> f (=e+1)      edit a in row 2: e2 then f2, nothing else
  it('an edit recomputes its own row of each column downstream, in column order', () => {
    const s = sheet({ rows: 3, cells: { 'r1:a': '1', 'r2:a': '2', 'r3:a': '3' }, columns: { f: '=e+1', e: '=a*2' } });
    expect(s.snapshot().map((l) => l.split(' | ').slice(4).join(','))).toEqual(['2,3', '4,5', '6,7']);
    const changed = s.edit(1, 'a', '10');
    expect(changed).toEqual([{ row: 'r2', column: 'e', value: 20 }, { row: 'r2', column: 'f', value: 21 }]);
    expect(s.graph.value('r2', 'f')).toBe(21);
  });

  //  a (every row) ──> e (=MAX(a)) in every row
  it('a column reading a whole column recomputes every row when one cell changes, and stops where nothing changed', () => {
    const s = sheet({ rows: 3, cells: { 'r1:a': '1', 'r2:a': '5', 'r3:a': '3' }, columns: { e: '=MAX(a)', f: '=e*0' } });
    expect(s.edit(0, 'a', '2').length).toBe(0); // the max is still 5
    const changed = s.edit(2, 'a', '9');
    expect(changed.filter((c) => c.column === 'e').length).toBe(3);
    expect(changed.filter((c) => c.column === 'f').length).toBe(0); // e*0 did not change
  });

  //  e (=f+1) <──> f (=e+1): a cycle between two columns
  it('columns that read each other are a cycle, named on every cell, while the typed cells still read', () => {
    const s = sheet({ rows: 2, cells: { 'r1:a': '1' }, columns: { e: '=f+1', f: '=e+1' } });
    const v = s.graph.value('r1', 'e') as { code: string; message: string };
    expect(v.code).toBe('#CYCLE!');
    expect(v.message).toMatch(/circular reference: (E1 → F1 → E1|F1 → E1 → F1)/);
    s.setColumn('f', '=a+1');
    expect(s.graph.value('r1', 'e')).toBe(3);
  });

  //  r1:b (=E2) reads the column formula's row 2: a cell formula downstream of a column
  it('cell formulas reading a formula column recompute with it', () => {
    const s = sheet({ rows: 2, cells: { 'r2:a': '4', 'r1:b': '=E2+1' }, columns: { e: '=a*10' } });
    expect(s.graph.value('r1', 'b')).toBe(41);
    s.edit(1, 'a', '5');
    expect(s.graph.value('r1', 'b')).toBe(51);
  });

  it('new rows get the column formula; A1 references follow the rows they name', () => {
    const s = sheet({ rows: 2, cells: { 'r1:a': '1', 'r2:a': '2' }, columns: { e: '=a+A1' } });
    expect([s.graph.value('r1', 'e'), s.graph.value('r2', 'e')]).toEqual([2, 3]);
    s.insertRow(0); // the new first row is empty, so A1 now reads empty
    const [r0, r1, r2] = s.rows();
    expect([s.graph.value(r0!, 'e'), s.graph.value(r1!, 'e'), s.graph.value(r2!, 'e')]).toEqual([0, 1, 2]);
  });

  it('a bad column formula is an error value in every row, not a crash', () => {
    const s = sheet({ rows: 2, cells: {}, columns: { e: '=a +* 2' } });
    expect(formatValue(s.graph.value('r2', 'e')!)).toBe('#NAME?');
  });

  //  a ──> e (=a*2)     a ──> f (bad)     e and f redefined together, neither reads the other
  it('columns redefined together report each column once, every row, in row order', () => {
    const s = sheet({ rows: 3, cells: { 'r1:a': '1', 'r2:a': '2', 'r3:a': 'x' }, columns: { e: '=a', f: '=a' } });
    s.graph.defineColumn('e', '=a*2');
    s.graph.defineColumn('f', '=a +* 2');
    const { columns, cells } = s.graph.changes([]);
    expect(cells).toEqual([]);
    expect(columns.map((c) => [c.column, c.rows, c.values.map(formatValue)])).toEqual([
      ['e', ['r1', 'r2', 'r3'], ['2', '4', '#VALUE!']],
      ['f', ['r1', 'r2', 'r3'], ['#NAME?', '#NAME?', '#NAME?']],
    ]);
    expect(s.graph.value('r2', 'e')).toBe(4);
    // The same formulas again: still every row (a redefinition recomputes and reports all of them).
    s.graph.defineColumn('e', '=a*2');
    expect(s.graph.update([]).filter((u) => u.column === 'e').length).toBe(3);
  });
});

describe('formula columns: incremental equals from scratch (property)', () => {
  const cols = ['a', 'b', 'c', 'd'] as const;
  const refText = fc.tuple(fc.constantFrom('A', 'B', 'E', 'F'), fc.integer({ min: 1, max: 4 })).map(([c, r]) => `${c}${r}`);
  const cellText = fc.oneof(
    fc.integer({ min: -5, max: 5 }).map(String),
    fc.tuple(refText, fc.constantFrom('+', '*', '-'), fc.integer({ min: 0, max: 3 })).map(([r, op, n]) => `=${r}${op}${n}`),
    fc.constantFrom('=SUM(a)', '=MAX(e)', '=a+b', '=e+1', '=f*2', ''),
  );
  const columnText = fc.oneof(
    fc.constant(null),
    fc.constantFrom('=a+b', '=a*2', '=e+1', '=f-1', '=MAX(a)', '=SUM(b)+a', '=A1+a', '=E1+1', '=F2*2', '=IF(a>0, b, c)', '=COUNT(e)', '=e'),
  );
  const step = fc.oneof(
    fc.record({ kind: fc.constant('edit' as const), row: fc.nat(5), column: fc.constantFrom(...cols), text: cellText }),
    fc.record({ kind: fc.constant('column' as const), column: fc.constantFrom('e', 'f'), text: columnText }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(5) }),
    fc.record({ kind: fc.constant('remove' as const), at: fc.nat(5) }),
  );
  it('for random sheets, column formulas and edits, every value equals a fresh evaluation', () => {
    fc.assert(fc.property(
      fc.dictionary(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(...cols)).map(([r, c]) => `r${r}:${c}`), cellText, { maxKeys: 8 }),
      columnText, columnText,
      fc.array(step, { maxLength: 10 }),
      (cells, e, f, steps) => {
        const live = sheet({ rows: 3, cells, columns: { e, f } });
        const values = () => new Map(live.rows().flatMap((r) => ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => {
          const v = live.graph.value(r, c);
          return [`${r}:${c}`, v === undefined ? undefined : formatValue(v)] as const;
        })));
        for (const s of steps) {
          const before = values();
          const updates = s.kind === 'edit' ? live.edit(s.row, s.column, s.text)
            : s.kind === 'column' ? live.setColumn(s.column, s.text)
            : s.kind === 'insert' ? live.insertRow(s.at)
            : live.removeRow(s.at);
          // What an update reports is what the graph then holds (the sheet engine copies it into rows).
          const reported = new Map(updates.map((u) => [`${u.row}:${u.column}`, u.value]));
          for (const [k, v] of reported) {
            const [row, column] = k.split(':') as [string, string];
            if (live.rows().includes(row)) expect(formatValue(v)).toBe(formatValue(live.graph.value(row, column) ?? null));
          }
          // ...and every formula cell whose value changed is reported.
          for (const [k, v] of values()) if (v !== undefined && v !== before.get(k)) expect(reported.has(k), k).toBe(true);
        }
        const a = live.snapshot();
        const b = fresh(live.state()).snapshot();
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          throw new Error(`incremental ${JSON.stringify(a)}\nfresh       ${JSON.stringify(b)}\nafter ${JSON.stringify(steps)} on ${JSON.stringify({ cells, e, f })}`);
        }
      },
    ), { numRuns: 400 });
  });
});
