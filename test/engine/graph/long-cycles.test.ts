/**
 * Cycles of any length are values, never exceptions: the cycle finder walked the graph by
 * recursion, and a cycle of 10,000 cells (a file can hold one: A1 = A2 + 1, …, A10000 = A1 + 1)
 * overflowed the call stack, so the update threw and no cell got a value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormulaCells } from '../../../src/engine/graph/formula-cells.ts';
import { stronglyConnectedCycles } from '../../../src/engine/graph/order.ts';

const N = 10_000;

function chain(formula: (i: number) => string) {
  const rowIds = Array.from({ length: N }, (_, i) => `r${i + 1}`);
  const graph = new FormulaCells({ columns: () => ['a', 'b'], rowIds: () => rowIds, plainValue: () => 1 });
  for (let i = 1; i <= N; i++) graph.define(`r${i}`, 'a', formula(i));
  return graph;
}

describe('long cycles', () => {
  it.each<[string, (i: number) => string]>([
    ['single references', (i) => `=A${i === N ? 1 : i + 1} + 1`],
    ['one-cell ranges', (i) => `=SUM(A${i === N ? 1 : i + 1}:A${i === N ? 1 : i + 1}) + 1`],
  ])('a cycle of 10,000 cells through %s is #CYCLE! on each', (_how, formula) => {
    const graph = chain(formula);
    expect(() => graph.update(graph.all())).not.toThrow();
    for (const row of ['r1', 'r5000', `r${N}`]) expect(graph.value(row, 'a')).toMatchObject({ code: '#CYCLE!' });
    // Breaking it anywhere computes the whole chain.
    graph.define(`r${N}`, 'a', '=7');
    graph.update([{ row: `r${N}`, column: 'a' }]);
    expect(graph.value('r1', 'a')).toBe(7 + N - 1);
  });
});

describe('stronglyConnectedCycles (property)', () => {
  it('finds exactly the groups of nodes that reach one another (and nodes reading themselves)', () => {
    const node = fc.integer({ min: 0, max: 7 }).map(String);
    fc.assert(fc.property(fc.array(fc.tuple(node, node), { maxLength: 20 }), (pairs) => {
      const nodes = [...new Set(pairs.flat())];
      const next = (k: string) => pairs.filter(([a]) => a === k).map(([, b]) => b);
      const reach = (from: string) => {
        const seen = new Set<string>();
        const todo = next(from);
        while (todo.length > 0) {
          const k = todo.pop()!;
          if (!seen.has(k)) { seen.add(k); todo.push(...next(k)); }
        }
        return seen;
      };
      const expected = new Set<string>();
      for (const a of nodes) {
        if (!reach(a).has(a)) continue;
        expected.add(nodes.filter((b) => reach(a).has(b) && reach(b).has(a)).sort().join(','));
      }
      const found = stronglyConnectedCycles(nodes, next).map((c) => [...c].sort().join(','));
      expect(new Set(found)).toEqual(expected);
      expect(found.length).toBe(expected.size);
    }), { numRuns: 500 });
  });
});
