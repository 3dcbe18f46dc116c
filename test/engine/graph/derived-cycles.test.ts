/**
 * Derived cells in the formula graph (nodes.ts DerivedCells): a host says column `r` of a row is
 * made from its cells in columns `a` and `b` (as a result is trained from settings). A formula in
 * a or b that reads an r leading back to it is a cycle, though no formula text names the edge:
 *
 *   r1: a (=D2) ──> r2: r ··from··> r2: a (=D1) ──> r1: r ··from··> r1: a
 *
 * The graph never computes r (the host's plain value); it orders and finds cycles through it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormulaCells } from '../../../src/engine/graph/formula-cells.ts';
import { type FormulaValue, formatValue, isFormulaText } from '../../../src/engine/formula/index.ts';

/** Columns a, b (sources), c (a plain column), r (D, derived from a and b of its row), e (for a column formula). */
function sheet(n: number) {
  const rowIds = Array.from({ length: n }, (_, i) => `r${i + 1}`);
  const graph = new FormulaCells({
    columns: () => ['a', 'b', 'c', 'r', 'e'],
    rowIds: () => rowIds,
    plainValue: (_row, column): FormulaValue => (column === 'r' ? 0.5 : 2),
    derived: { columns: ['r'], sources: new Set(['a', 'b']), sourceRow: (row) => row, fedRows: (row) => [row] },
  });
  const texts = new Map<string, string>();
  const set = (row: string, column: string, text: string | null) => {
    if (text === null) texts.delete(`${row}:${column}`);
    else texts.set(`${row}:${column}`, text);
    graph.define(row, column, text !== null && isFormulaText(text) ? text : null);
  };
  const show = (row: string, column: string) => {
    const v = graph.value(row, column);
    return v === undefined ? '(none)' : formatValue(v);
  };
  const message = (row: string, column: string) => (graph.value(row, column) as { message?: string }).message;
  return { graph, set, show, message, rowIds, texts };
}

describe('cycles through derived cells', () => {
  it.each([
    ['a row reading its own derived cell', [['r1', 'a', '=r + 1']], { r1a: '#CYCLE!' }, 'A1 → D1 (r of row 1\'s run) → A1'],
    ['two rows reading each other\'s', [['r1', 'a', '=D2'], ['r2', 'b', '=D1 * 2']], { r1a: '#CYCLE!', r2b: '#CYCLE!' }, 'A1 → D2 (r of row 2\'s run) → B2 → D1 (r of row 1\'s run) → A1'],
    ['a derived cell and a plain reference', [['r1', 'a', '=D2'], ['r2', 'b', '=A1']], { r1a: '#CYCLE!', r2b: '#CYCLE!' }, 'A1 → D2 (r of row 2\'s run) → B2 → A1'],
    ['a range of derived cells', [['r1', 'a', '=SUM(D1:D3)'], ['r3', 'a', '=1']], { r1a: '#CYCLE!', r3a: '1' }, 'A1 → D1 (r of row 1\'s run) → A1'],
    ['no cycle: a row reading another\'s, whose sources read nothing', [['r1', 'a', '=D2 * 2'], ['r2', 'a', '=3']], { r1a: '1', r2a: '3' }, null],
    ['no cycle: another row\'s derived cell read through a plain column', [['r1', 'c', '=r * 4'], ['r2', 'a', '=C1']], { r1c: '2', r2a: '2' }, null],
    ['a derived cell read through a plain column of its own row', [['r1', 'c', '=r * 4'], ['r1', 'a', '=C1']], { r1c: '#CYCLE!', r1a: '#CYCLE!' }, 'A1 → C1 → D1 (r of row 1\'s run) → A1'],
  ] as const)('%s', (_what, formulas, expected, path) => {
    const s = sheet(3);
    for (const [row, column, text] of formulas) s.set(row, column, text);
    s.graph.update(s.graph.all());
    for (const [cell, want] of Object.entries(expected)) expect(s.show(cell.slice(0, 2), cell.slice(2))).toBe(want);
    if (path) expect(s.message('r1', 'a')).toBe(`circular reference: ${path}`);
  });

  it('a column formula reading derived cells closes no cycle; a source reading it does, and the column\'s cell is on it', () => {
    const s = sheet(3);
    s.graph.defineColumn('e', '=r * 2');
    s.graph.update([]);
    expect(s.rowIds.map((r) => s.show(r, 'e'))).toEqual(['1', '1', '1']);
    s.set('r2', 'a', '=E2 + 1');
    s.graph.update([{ row: 'r2', column: 'a' }]);
    expect(s.message('r2', 'a')).toBe('circular reference: A2 → E2 → D2 (r of row 2\'s run) → A2');
    expect([s.show('r1', 'e'), s.show('r2', 'e'), s.show('r3', 'e')]).toEqual(['1', '#CYCLE!', '1']);
    // The source made plain: the column's cell left on the cycle computes again.
    s.set('r2', 'a', '5');
    s.graph.update([{ row: 'r2', column: 'a' }]);
    expect([s.show('r2', 'a'), s.show('r2', 'e')]).toEqual(['(none)', '1']);
  });

  it('a row\'s derived cells may come from another row\'s sources (a sweep\'s runs from the sweep\'s row)', () => {
    // Rows p, p/1, p/2: the runs' r comes from p's a and b, as a sweep's children's results do.
    const rowIds = ['p', 'p/1', 'p/2', 'q'];
    const graph = new FormulaCells({
      columns: () => ['a', 'b', 'c', 'r'],
      rowIds: () => rowIds,
      plainValue: (_row, column): FormulaValue => (column === 'r' ? 0.5 : 2),
      derived: {
        columns: ['r'], sources: new Set(['a', 'b']),
        sourceRow: (row) => (row.startsWith('p/') ? 'p' : row),
        fedRows: (row) => (row === 'p' ? ['p', 'p/1', 'p/2'] : row.startsWith('p/') ? [] : [row]),
      },
    });
    graph.define('p', 'b', '=D3 * 2');
    graph.define('q', 'a', '=D2 * 2');
    graph.update(graph.all());
    expect((graph.value('p', 'b') as { message: string }).message).toBe('circular reference: B1 → D3 (r of row 3\'s run) → B1');
    // q reads a run of p, whose settings do not read q: no cycle.
    expect(graph.value('q', 'a')).toBe(1);
    // p's b now reads q's r, and q's a reads a run of p: a cycle through both rows.
    graph.define('p', 'b', '=D4');
    graph.update([{ row: 'p', column: 'b' }]);
    expect((graph.value('p', 'b') as { message: string }).message).toBe('circular reference: B1 → D4 (r of row 4\'s run) → A4 → D2 (r of row 2\'s run) → B1');
    expect(formatValue(graph.value('q', 'a')!)).toBe('#CYCLE!');
    // q's a typed: p's b reads q's r (0.5), and q computes nothing.
    graph.define('q', 'a', null);
    graph.update([{ row: 'q', column: 'a' }]);
    expect(graph.value('p', 'b')).toBe(0.5);
  });

  const N = 10_000;
  it.each([
    ['an aggregate of the column', '=MAX(r) / 10'],
    ['a range over the column', `=SUM($D$1:$D$${N}) / 10`],
  ])('10,000 rows each reading %s: every row on the cycle, each message from its own cell and short', (_how, formula) => {
    const s = sheet(N);
    for (const row of s.rowIds) s.set(row, 'a', formula);
    s.graph.update(s.graph.all());
    for (const i of [1, 2, 5000, N]) {
      const m = s.message(`r${i}`, 'a')!;
      expect(m.startsWith(`circular reference: A${i} → `)).toBe(true);
      expect(m.endsWith(` → A${i}`)).toBe(true);
      expect(m.length).toBeLessThan(200);
    }
    // A row whose source is typed leaves the cycle; the others stay on it.
    s.set('r7', 'a', '0.1');
    s.graph.update([{ row: 'r7', column: 'a' }]);
    expect([s.show('r7', 'a'), s.show('r8', 'a')]).toEqual(['(none)', '#CYCLE!']);
  });

  it('a chain of 10,000 rows through derived cells: #CYCLE! on each with a shortened path; breaking it computes the chain', () => {
    const s = sheet(N);
    for (let i = 1; i <= N; i++) s.set(`r${i}`, 'a', `=D${i === N ? 1 : i + 1} + 1`);
    expect(() => s.graph.update(s.graph.all())).not.toThrow();
    for (const i of [1, 5000, N]) {
      const m = s.message(`r${i}`, 'a')!;
      expect(m).toMatch(new RegExp(`^circular reference: A${i} → D\\d+ \\(r of row \\d+'s run\\) → .* → … → .* → A${i}$`));
      expect(m.length).toBeLessThan(600);
    }
    s.set(`r${N}`, 'a', '7');
    s.graph.update([{ row: `r${N}`, column: 'a' }]);
    // Each a reads the next row's r (0.5, the host's), not its a: the chain is gone.
    for (const i of [1, 5000, N - 1]) expect(s.show(`r${i}`, 'a')).toBe('1.5');
  });

  it('incremental equals fresh, for random formulas reading sources, derived cells and ranges (property)', () => {
    const cell = fc.record({ row: fc.constantFrom('r1', 'r2', 'r3', 'r4'), column: fc.constantFrom('a', 'b', 'c') });
    const text = fc.constantFrom(
      '=D1', '=D2 + A1', '=r * 2', '=MAX(r)', '=SUM(D1:D2)', '=SUM($D$3:$D$4)', '=A2', '=B3 * 2', '=C1', '=c + 1', '=1', '3', null,
    );
    const column = fc.constantFrom(null, '=r * 2', '=a + 1', '=MAX(r)', '=D1');
    fc.assert(fc.property(fc.array(fc.tuple(cell, text), { maxLength: 14 }), column, (edits, col) => {
      const live = sheet(4);
      live.graph.defineColumn('e', col);
      live.graph.update([]);
      for (const [{ row, column }, t] of edits) {
        live.set(row, column, t);
        live.graph.update([{ row, column }]);
      }
      const fresh = sheet(4);
      fresh.graph.defineColumn('e', col);
      for (const [key, t] of live.texts) {
        const [row, column] = key.split(':') as [string, string];
        fresh.set(row, column, t);
      }
      fresh.graph.update(fresh.graph.all());
      const all = (s: ReturnType<typeof sheet>) => s.rowIds.flatMap((r) => ['a', 'b', 'c', 'e'].map((c) => `${r}${c}=${s.show(r, c)}`));
      expect(all(live)).toEqual(all(fresh));
    }), { numRuns: 300 });
  });
});
