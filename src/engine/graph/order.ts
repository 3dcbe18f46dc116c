/**
 * Ordering a set of formula cells by what they read: Kahn's algorithm, with Tarjan's strongly
 * connected components for what cannot be ordered. Pure functions over string keys, so the graph
 * that calls them can keep its own node types.
 */

export interface Ordered {
  /** Keys in an order where each comes after everything it reads (cycle members left out). */
  readonly sequence: readonly string[];
  /** Each cycle in path order (a → b → … → a without the closing repeat). */
  readonly cycles: readonly (readonly string[])[];
}

/**
 * Orders `keys` by `inputs` (the keys a key reads, restricted by the caller to `keys`). Cycle
 * members are released after their cycle is found, so cells behind a cycle still get a place.
 * A `join` key (a range's vertex, cell-pass.ts) stands for everything it reads: it is not released
 * as a member of a cycle it lies on, but placed once all it reads is, so a formula reading a range
 * that a cycle passes through still comes after the range's other cells. Released with its cycle,
 * =COUNT(A1:A2) ran before A1 got its value when A2 =SUM(A1:A2) made the range a cycle.
 */
export function topologicalOrder(keys: Iterable<string>, inputs: (key: string) => readonly string[], join: (key: string) => boolean = () => false): Ordered {
  const all = [...keys];
  const deps = new Map<string, readonly string[]>();
  let edges = 0;
  for (const k of all) {
    const ds = inputs(k);
    deps.set(k, ds);
    edges += ds.length;
  }
  // The common case (formulas reading typed cells and results only): nothing to order.
  if (edges === 0) return { sequence: all, cycles: [] };
  const indegree = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const [k, ds] of deps) {
    indegree.set(k, ds.length);
    for (const d of ds) {
      let list = next.get(d);
      if (!list) next.set(d, (list = []));
      list.push(k);
    }
  }
  const ready = all.filter((k) => indegree.get(k) === 0);
  const sequence: string[] = [];
  const placed = new Set<string>();
  const release = (k: string) => {
    for (const n of next.get(k) ?? []) {
      const left = indegree.get(n)! - 1;
      indegree.set(n, left);
      // A cycle member is placed before its cycle is released: never queue it (it would release its readers twice).
      if (left === 0 && !placed.has(n)) ready.push(n);
    }
  };
  let head = 0;
  const drain = () => {
    // An index, not shift(): shift is O(n) and this queue can hold every formula of the sheet.
    for (; head < ready.length; head++) {
      const k = ready[head]!;
      sequence.push(k);
      placed.add(k);
      release(k);
    }
  };
  drain();
  const found: string[][] = [];
  if (placed.size < all.length) {
    const left = all.filter((k) => !placed.has(k));
    for (const cycle of stronglyConnectedCycles(left, (k) => deps.get(k) ?? [])) {
      found.push(cycle);
      const members = cycle.filter((k) => !join(k));
      for (const k of members) placed.add(k);
      for (const k of members) release(k);
    }
    drain();
    // Joins read only what they cover and never each other in a loop, so every cycle above had a
    // member released and nothing should be left; should something be, it is placed rather than
    // never computed.
    const stuck = all.filter((k) => !placed.has(k));
    for (const k of stuck) {
      placed.add(k);
      sequence.push(k);
    }
    for (const k of stuck) release(k);
    drain();
  }
  const inCycle = new Set(found.flat());
  return { sequence: sequence.filter((k) => !inCycle.has(k)), cycles: found };
}

/**
 * Strongly connected components of size > 1, or self-loops (Tarjan), each in path order. The
 * depth-first walk keeps its own stack rather than recursing: a cycle of 10,000 cells from a
 * stranger's file (A1 = A2 + 1, …, A10000 = A1 + 1) overflowed the call stack and threw out of
 * the update.
 */
export function stronglyConnectedCycles(nodes: readonly string[], edges: (k: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let i = 0;
  const inSet = new Set(nodes);
  // One frame per node being visited: its edges and the next one to follow.
  const frames: { v: string; ws: readonly string[]; at: number }[] = [];
  const enter = (v: string) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    frames.push({ v, ws: edges(v), at: 0 });
  };
  for (const n of nodes) {
    if (index.has(n)) continue;
    enter(n);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.at < f.ws.length) {
        const w = f.ws[f.at++]!;
        if (!inSet.has(w)) continue;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(f.v, Math.min(low.get(f.v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = f.v;
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || f.ws.includes(v)) out.push(scc.reverse());
      }
      // What the recursive form did on return: the caller's low link takes the callee's.
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
    }
  }
  return out;
}
