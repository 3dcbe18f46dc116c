/**
 * Naming a cycle that passes through derived cells (a row's results, nodes.ts DerivedCells). Such a
 * cycle is no list of cells the person wrote: each cell's message walks from itself, through what
 * it reads, back to itself, and says where a step goes through a run.
 *
 *   F1 (=U2 / 10) → U2 (test_acc of row 2's run) → F2 (=U1 / 10) → U1 (test_acc of row 1's run) → F1
 *
 * A cycle can hold a whole sheet (`=MAX(test_acc) / 10` in every row): each cell looks for its own
 * shortest loop within a small budget; a cell past it names a walk through the cycle's first cell
 * (from itself to that cell and back), from two breadth-first trees made once per cycle. A walk
 * longer than a message should be keeps its ends.
 */
import { formatCellRef } from '../formula/index.ts';
import { type Graph, columnOf, rowOf } from './nodes.ts';

/** Steps one cell's own search may take: enough for a loop through a few rows. */
const CELL_BUDGET = 400;
/** Steps all of a cycle's own searches may take together. */
const CYCLE_BUDGET = 200_000;
/** Cells a message names before it leaves out the middle of its loop. */
const NAMED = 16;

type Inputs = (key: string) => readonly string[];
/** Where a loop leaves cells out (no cell key is empty). */
const GAP = '';

/**
 * The path each formula cell of `cycle` names (without the leading "circular reference: "), by
 * cell key. `inputs` gives a vertex's edges in the pass's ordering; `joins` tells the vertices that
 * stand for several cells (ranges, derived columns), passed through without being named.
 */
export function cycleMessages(
  g: Graph, cycle: readonly string[], inputs: Inputs, joins: (key: string) => boolean, derived: ReadonlySet<string>,
): Map<string, string> {
  const members = new Set(cycle);
  const position = sheetPosition(g);
  const at = new Map(cycle.map((k) => [k, position(k)]));
  // In sheet order, so which cells get a loop of their own does not depend on how the pass found them.
  const cells = cycle.filter((k) => !derived.has(k)).sort((a, b) => at.get(a)! - at.get(b)!);
  const name = (loop: readonly string[]) => {
    const cut = loop.length > NAMED && !loop.includes(GAP);
    const shown = cut ? [...loop.slice(0, NAMED / 2), GAP, ...loop.slice(loop.length - NAMED / 2 + 1), loop[0]!] : [...loop, loop[0]!];
    return shown.map((k) => (k === GAP ? '…' : label(g, k, derived))).join(' → ');
  };
  const out = new Map<string, string>();
  let left = CYCLE_BUDGET;
  let through: ((k: string) => string[]) | null = null;
  for (const k of cells) {
    const spent = { steps: 0 };
    const loop = left > 0 ? shortestLoop(k, members, inputs, joins, Math.min(CELL_BUDGET, left), spent) : null;
    left -= spent.steps;
    through ??= loop ? null : walksThrough(cells[0]!, members, inputs, joins);
    out.set(k, name(loop ?? through!(k)));
  }
  return out;
}

/**
 * Visits what `v` reads among `members`, passing through join vertices not yet in `seen`; stops
 * (returning false) when `visit` does, or past `budget` steps.
 */
function eachInput(
  v: string, members: ReadonlySet<string>, inputs: Inputs, joins: (key: string) => boolean, seen: Set<string>,
  visit: (w: string) => boolean, spent: { steps: number }, budget: number,
): boolean {
  // Through join vertices by hand: a range's tree is a few levels deep, a column's vertex one.
  // Steps are counted as they are stacked: a column's vertex may stand for 10,000 cells.
  const first = inputs(v);
  if ((spent.steps += first.length) > budget) return false;
  const stack = [...first].reverse();
  while (stack.length > 0) {
    const w = stack.pop()!;
    if (joins(w)) {
      if (seen.has(w)) continue;
      seen.add(w);
      const next = inputs(w);
      if ((spent.steps += next.length) > budget) return false;
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
      continue;
    }
    if (members.has(w) && !visit(w)) return false;
  }
  return true;
}

/**
 * The shortest loop from `start` back to it within `members` (breadth first over what each reads,
 * passing through join vertices), as the list of its cells from `start`; null past the budget.
 */
function shortestLoop(
  start: string, members: ReadonlySet<string>, inputs: Inputs, joins: (key: string) => boolean, budget: number, spent: { steps: number },
): string[] | null {
  const from = new Map<string, string>([[start, start]]);
  const seen = new Set<string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    let closed = false;
    const whole = eachInput(v, members, inputs, joins, seen, (w) => {
      if (w === start) return !(closed = true);
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
      return true;
    }, spent, budget);
    if (closed) {
      const path = [v];
      while (path[path.length - 1] !== start) path.push(from.get(path[path.length - 1]!)!);
      return path.reverse();
    }
    if (!whole) return null;
  }
  return null;
}

/**
 * For a cycle too large to search from each cell: two shortest-path trees rooted at `hub`, one
 * along what cells read and one against it, give each member a loop from itself to the hub and
 * back. Join vertices are vertices of these trees (expanded once, not once per reader) and are
 * left out of the loops.
 */
function walksThrough(hub: string, members: ReadonlySet<string>, inputs: Inputs, joins: (key: string) => boolean): (k: string) => string[] {
  const inside = (w: string) => members.has(w) || joins(w);
  // along: each vertex's predecessor on a shortest path from the hub; readers: the edges reversed.
  const along = new Map<string, string>([[hub, hub]]);
  const readers = new Map<string, string[]>();
  const queue = [hub];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of inputs(v)) {
      if (!inside(w)) continue;
      let list = readers.get(w);
      if (!list) readers.set(w, (list = []));
      list.push(v);
      if (!along.has(w)) {
        along.set(w, v);
        queue.push(w);
      }
    }
  }
  // towards: each vertex's next step on a shortest path to the hub.
  const towards = new Map<string, string>([[hub, hub]]);
  const back = [hub];
  for (let head = 0; head < back.length; head++) {
    const w = back[head]!;
    for (const v of readers.get(w) ?? []) {
      if (towards.has(v)) continue;
      towards.set(v, w);
      back.push(v);
    }
  }
  const half = NAMED / 2;
  return (k) => {
    if (k === hub) {
      // The hub's own loop: out along the tree to a member reading it, and back (made once).
      const next = (v: string) => {
        let t = towards.get(v)!;
        while (t !== hub && joins(t)) t = towards.get(t)!;
        return t;
      };
      const x = back.find((v) => v !== hub && members.has(v) && next(v) === hub)!;
      const path: string[] = [];
      for (let v = x; ; v = along.get(v)!) {
        if (!joins(v)) path.push(v);
        if (v === hub) break;
      }
      return path.reverse();
    }
    // Only the ends of a long loop are named: each walk stops after `half` cells, so a loop of
    // 20,000 cells costs as little as one of four.
    const head: string[] = [];
    let v = k;
    for (; v !== hub && head.length < half; v = towards.get(v)!) if (!joins(v)) head.push(v);
    const headDone = v === hub;
    if (headDone) head.push(hub);
    const tail: string[] = [];
    let w = along.get(k)!;
    for (; tail.length < half; w = along.get(w)!) {
      if (!joins(w)) tail.push(w);
      if (w === hub) break;
    }
    const tailDone = w === hub;
    tail.reverse();
    if (headDone && tailDone) return [...head, ...tail.slice(1)];
    return [...head, GAP, ...tail];
  };
}

/**
 * The path of a cycle of cells the person wrote (no result on it), from its first cell in sheet
 * order, the order kept: the pass finds a cycle from wherever its search entered it, so a sheet
 * typed edit by edit and the same sheet opened fresh named one cycle from different cells.
 */
export function plainCyclePath(g: Graph, cycle: readonly string[]): string {
  const position = sheetPosition(g);
  let first = 0;
  for (let i = 1; i < cycle.length; i++) if (position(cycle[i]!) < position(cycle[first]!)) first = i;
  const loop = [...cycle.slice(first), ...cycle.slice(0, first), cycle[first]!];
  return loop.map((k) => label(g, k, NONE)).join(' → ');
}

const NONE: ReadonlySet<string> = new Set();

/** A cell's place in sheet order: by row, then by column. */
function sheetPosition(g: Graph): (key: string) => number {
  const columns = g.host.columns();
  return (k) => (g.rowIndex.get(rowOf(k)) ?? 0) * (columns.length + 1) + columns.indexOf(columnOf(k));
}

/** A cell as the message names it: its A1 address; a derived one also says whose run it comes from. */
function label(g: Graph, key: string, derived: ReadonlySet<string>): string {
  const row = g.rowIndex.get(rowOf(key)) ?? 0;
  const column = columnOf(key);
  const col = g.host.columns().indexOf(column);
  const at = col < 0 ? `${column}${row + 1}` : formatCellRef({ row, column: col, absColumn: false, absRow: false });
  return derived.has(key) ? `${at} (${column} of row ${row + 1}'s run)` : at;
}
