/**
 * The formula part of the dependency graph: every cell holding a formula, what it reads, who reads
 * it, and its value. An update starts from the cells whose values changed (edits, results) and
 * recomputes only what is downstream, in topological order, stopping where a value did not change.
 * Cells in a cycle get #CYCLE! with the path while the rest of the sheet computes.
 *
 *   B2 (lr) ──> D2 (=lr*10) ──> E2 (=D2+1)        edit B2: D2 then E2 recompute
 *   test_acc (every row) ──> F1 (=MAX(test_acc))   a result lands: F1 recomputes
 */
import {
  type FormulaAst, type FormulaValue, dependencies, evaluate, formatCellRef, formulaError, isFormulaError, parseFormula,
} from '../formula/index.ts';

export interface CellRef {
  readonly row: string;
  readonly column: string;
}

/** What the graph needs of the sheet around it. */
export interface FormulaHost {
  /** Column keys in grid order (A is the first). */
  columns(): readonly string[];
  /** Row ids in grid order (1 is the first). */
  rowIds(): readonly string[];
  /** The value of a cell that holds no formula (typed text, a result). */
  plainValue(row: string, column: string): FormulaValue;
}

interface Node {
  readonly row: string;
  readonly column: string;
  readonly text: string;
  readonly ast: FormulaAst | null;
  /** Set when the text does not parse: the value is this error. */
  readonly parseError: FormulaValue | null;
  reads: string[];
  readsColumns: string[];
  value: FormulaValue;
}

const id = (row: string, column: string) => `${row}\u0000${column}`;

export class FormulaCells {
  private readonly nodes = new Map<string, Node>();
  /** Cell id -> formula cells that read it. */
  private readonly readers = new Map<string, Set<string>>();
  /** Column -> formula cells that read the whole column. */
  private readonly columnReaders = new Map<string, Set<string>>();
  private rowIndex = new Map<string, number>();

  constructor(private readonly host: FormulaHost) {}

  has(row: string, column: string): boolean {
    return this.nodes.has(id(row, column));
  }

  /** The value of a formula cell, or undefined when the cell holds no formula. */
  value(row: string, column: string): FormulaValue | undefined {
    return this.nodes.get(id(row, column))?.value;
  }

  /** Put a formula in a cell (text starting with `=`), or take it out (null). Call update() after. */
  define(row: string, column: string, text: string | null): void {
    const key = id(row, column);
    const old = this.nodes.get(key);
    if (old) this.unlink(key, old);
    if (text === null) {
      this.nodes.delete(key);
      return;
    }
    const parsed = this.parse(text);
    const node: Node = {
      row, column, text,
      ast: parsed.ok ? parsed.value : null,
      parseError: parsed.ok ? null : formulaError('#NAME?', `${parsed.error.message} (at character ${parsed.error.at + 1})`),
      reads: [], readsColumns: [], value: null,
    };
    this.nodes.set(key, node);
    this.link(key, node);
  }

  /** A formula column puts one text in every row: parse it once. ASTs are plain immutable data. */
  private readonly parsed = new Map<string, ReturnType<typeof parseFormula>>();
  private parsedFor: readonly string[] | null = null;

  private parse(text: string): ReturnType<typeof parseFormula> {
    const columns = this.host.columns();
    if (columns !== this.parsedFor) {
      this.parsed.clear();
      this.parsedFor = columns;
    }
    let r = this.parsed.get(text);
    if (!r) {
      r = parseFormula(text, { columns });
      if (this.parsed.size > 10_000) this.parsed.clear();
      this.parsed.set(text, r);
    }
    return r;
  }

  /** Re-read where every formula points: after rows were added, removed or reordered. */
  relink(): void {
    this.rowIndex = new Map(this.host.rowIds().map((r, i) => [r, i]));
    this.readers.clear();
    this.columnReaders.clear();
    for (const [key, node] of this.nodes) this.link(key, node, false);
  }

  /**
   * Recompute what depends on `changed` (cells whose value changed, formula cells just defined).
   * Returns the formula cells whose value changed.
   */
  update(changed: readonly CellRef[]): CellRef[] {
    if (this.rowIndex.size !== this.host.rowIds().length) this.relink();
    const affected = this.downstream(changed.map((c) => id(c.row, c.column)));
    const dirty = new Set(changed.map((c) => id(c.row, c.column)));
    const dirtyColumns = new Set(changed.map((c) => c.column));
    const out: CellRef[] = [];
    const { sequence, cyclic } = this.order(affected);
    for (const key of cyclic) {
      dirty.add(key);
      dirtyColumns.add(this.nodes.get(key)!.column);
      out.push(this.ref(key));
    }
    for (const key of sequence) {
      const node = this.nodes.get(key)!;
      const inputsChanged = dirty.has(key) || node.reads.some((r) => dirty.has(r)) || node.readsColumns.some((c) => dirtyColumns.has(c));
      if (!inputsChanged) continue;
      const value = this.compute(node);
      // A value that did not change stops the propagation here.
      if (dirty.has(key) || !sameValue(value, node.value)) {
        node.value = value;
        dirty.add(key);
        dirtyColumns.add(node.column);
        out.push(this.ref(key));
      }
    }
    return out;
  }

  private ref(key: string): CellRef {
    const n = this.nodes.get(key)!;
    return { row: n.row, column: n.column };
  }

  /** Every formula cell, e.g. to show the values after loading a sheet. */
  all(): CellRef[] {
    return [...this.nodes.values()].map((n) => ({ row: n.row, column: n.column }));
  }

  private compute(node: Node): FormulaValue {
    if (node.parseError) return node.parseError;
    const rows = this.host.rowIds();
    return evaluate(node.ast!, {
      row: this.rowIndex.get(node.row) ?? 0,
      columns: this.host.columns(),
      rowCount: rows.length,
      get: (r, c) => {
        const rowId = rows[r];
        if (rowId === undefined) return formulaError('#REF!', `row ${r + 1} is outside the sheet`);
        const n = this.nodes.get(id(rowId, c));
        return n ? n.value : this.host.plainValue(rowId, c);
      },
    });
  }

  /** Formula cells reachable from the seeds through readers (the seeds' own formulas included). */
  private downstream(seeds: readonly string[]): Set<string> {
    const out = new Set<string>();
    const stack = [...seeds];
    const columnsSeen = new Set<string>();
    while (stack.length > 0) {
      const key = stack.pop()!;
      if (this.nodes.has(key) && !out.has(key)) out.add(key);
      for (const r of this.readers.get(key) ?? []) if (!out.has(r)) stack.push(r);
      const column = key.slice(key.indexOf('\u0000') + 1);
      if (!columnsSeen.has(column)) {
        columnsSeen.add(column);
        for (const r of this.columnReaders.get(column) ?? []) if (!out.has(r)) stack.push(r);
      }
    }
    return out;
  }

  /**
   * Kahn's order over the affected formulas. What cannot be ordered lies on or behind a cycle:
   * the cycle's members get #CYCLE! naming the path; cells behind them evaluate and inherit it.
   */
  private order(affected: ReadonlySet<string>): { sequence: string[]; cyclic: string[] } {
    const deps = new Map<string, string[]>();
    let edges = 0;
    for (const key of affected) {
      const ds = this.formulaInputs(key).filter((d) => affected.has(d));
      deps.set(key, ds);
      edges += ds.length;
    }
    // The common case (a column of formulas reading typed cells and results): nothing to order.
    if (edges === 0) return { sequence: [...affected], cyclic: [] };
    const indegree = new Map<string, number>();
    const next = new Map<string, string[]>();
    for (const [key, ds] of deps) {
      indegree.set(key, ds.length);
      for (const d of ds) {
        let list = next.get(d);
        if (!list) next.set(d, (list = []));
        list.push(key);
      }
    }
    const ready = [...affected].filter((k) => indegree.get(k) === 0);
    const sequence: string[] = [];
    const placed = new Set<string>();
    const release = (k: string) => {
      for (const n of next.get(k) ?? []) {
        indegree.set(n, indegree.get(n)! - 1);
        if (indegree.get(n) === 0) ready.push(n);
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
    const cyclic: string[] = [];
    if (placed.size < affected.size) {
      const left = [...affected].filter((k) => !placed.has(k));
      for (const cycle of cycles(left, (k) => deps.get(k) ?? [])) {
        const path = [...cycle, cycle[0]!].map((k) => this.label(k)).join(' → ');
        for (const k of cycle) {
          this.nodes.get(k)!.value = formulaError('#CYCLE!', `circular reference: ${path}`);
          cyclic.push(k);
          placed.add(k);
        }
        for (const k of cycle) release(k);
      }
      drain();
    }
    const inCycle = new Set(cyclic);
    return { sequence: sequence.filter((k) => !inCycle.has(k)), cyclic };
  }

  /** The formula cells a formula reads (single cells and whole columns). */
  private formulaInputs(key: string): string[] {
    const node = this.nodes.get(key)!;
    const out = node.reads.filter((r) => this.nodes.has(r));
    for (const c of node.readsColumns) {
      for (const row of this.host.rowIds()) if (this.nodes.has(id(row, c))) out.push(id(row, c));
    }
    return out;
  }

  private label(key: string): string {
    const node = this.nodes.get(key)!;
    const row = this.rowIndex.get(node.row) ?? 0;
    const col = this.host.columns().indexOf(node.column);
    return col < 0 ? `${node.column}${row + 1}` : formatCellRef({ row, column: col, absColumn: false, absRow: false });
  }

  private link(key: string, node: Node, refreshIndex = true): void {
    if (refreshIndex && this.rowIndex.size !== this.host.rowIds().length) this.relink();
    if (!node.ast) return;
    const rows = this.host.rowIds();
    const d = dependencies(node.ast, { columns: this.host.columns(), rowCount: rows.length, row: this.rowIndex.get(node.row) ?? 0 });
    node.reads = d.cells.map((c) => id(rows[c.row]!, c.column));
    node.readsColumns = [...d.columns];
    for (const r of node.reads) add(this.readers, r, key);
    for (const c of node.readsColumns) add(this.columnReaders, c, key);
  }

  private unlink(key: string, node: Node): void {
    for (const r of node.reads) this.readers.get(r)?.delete(key);
    for (const c of node.readsColumns) this.columnReaders.get(c)?.delete(key);
  }
}

function add(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function sameValue(a: FormulaValue, b: FormulaValue): boolean {
  if (isFormulaError(a) || isFormulaError(b)) return isFormulaError(a) && isFormulaError(b) && a.code === b.code && a.message === b.message;
  return Object.is(a, b);
}

/** Strongly connected components of size > 1, or self-loops (Tarjan), each in path order. */
function cycles(nodes: readonly string[], edges: (k: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let i = 0;
  const inSet = new Set(nodes);
  const visit = (v: string) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!inSet.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges(v).includes(v)) out.push(scc.reverse());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return out;
}
