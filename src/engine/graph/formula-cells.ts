/**
 * The formula part of the dependency graph: every cell holding a formula, what it reads, who reads
 * it, and its value. An update starts from the cells whose values changed (edits, results) and
 * recomputes only what is downstream, in topological order, stopping where a value did not change.
 * Cells in a cycle get #CYCLE! with the path while the rest of the sheet computes.
 *
 *   B2 (lr) ──> D2 (=lr*10) ──> E2 (=D2+1)        edit B2: D2 then E2 recompute
 *   test_acc (every row) ──> F1 (=MAX(test_acc))   a result lands: F1 recomputes
 *
 * Two kinds of formula live here:
 * - cell formulas, one per cell (an input cell typed as `=…`), linked cell by cell;
 * - column formulas, one text for every row of a column the person added. A column is one node:
 *   its parse and its edges are stored once, and a pass over it is a loop over rows. With 10,000
 *   rows this is what keeps "recompute every formula" within a frame budget.
 *
 * When an update only reaches column formulas whose column graph has no cycle, it runs column by
 * column (the column pass). Anything else — cell formulas downstream, a column reading itself —
 * runs cell by cell with the general ordering and cycle detection (the cell pass). Both give the
 * same values; the property tests compare them against a fresh evaluation.
 */
import { type FormulaValue, Evaluator, dependencies, formatCellRef, formulaError, parseFormula } from '../formula/index.ts';
import {
  type CellNode, type CellRef, type ColumnChange, type ColumnNode, type FormulaChanges, type FormulaHost, type FormulaUpdate, type Parsed,
  type RowSet, add, addRow, columnOf, count, hasA1, id, rowOf, sameValue,
} from './nodes.ts';
import { everyRow, someRows } from './column-eval.ts';
import { topologicalOrder } from './order.ts';

export type { CellRef, ColumnChange, FormulaChanges, FormulaHost, FormulaUpdate } from './nodes.ts';

export class FormulaCells {
  private readonly nodes = new Map<string, CellNode>();
  private readonly columnNodes = new Map<string, ColumnNode>();
  /** Cell id -> cell formulas that read it. */
  private readonly readers = new Map<string, Set<string>>();
  /** Column -> cell formulas that read the whole column. */
  private readonly columnReaders = new Map<string, Set<string>>();
  /** Column -> how many cell formulas read some cell of it (0: the column pass may skip cell formulas). */
  private readonly cellReadsOf = new Map<string, number>();
  /** Column -> how many cell formulas sit in it. */
  private readonly cellsIn = new Map<string, number>();
  /** Column -> column formulas reading it by name in their own row. */
  private readonly sameRowReaders = new Map<string, Set<string>>();
  /** Column -> column formulas aggregating it. */
  private readonly wholeReaders = new Map<string, Set<string>>();
  /** Cell id -> column formulas reading it by A1 reference. */
  private fixedReaders = new Map<string, Set<string>>();
  /** Columns whose column formula was taken out since the last update. */
  private readonly removedColumns = new Set<string>();
  /** Cell formulas to compute at the next update whatever the seeds (rows moved under them). */
  private readonly pendingCells = new Set<string>();
  /** Row id -> position as of the last relink: column values are stored by these positions. */
  private rowIndex = new Map<string, number>();

  constructor(private readonly host: FormulaHost) {}

  has(row: string, column: string): boolean {
    return this.isFormula(id(row, column), row, column);
  }

  /** The value of a formula cell, or undefined when the cell holds no formula. */
  value(row: string, column: string): FormulaValue | undefined {
    const n = this.cellsIn.has(column) ? this.nodes.get(id(row, column)) : undefined;
    if (n) return n.value;
    const c = this.columnNodes.get(column);
    if (!c) return undefined;
    const i = this.rowIndex.get(row);
    return i === undefined ? undefined : c.values[i] ?? null;
  }

  /**
   * Put a formula in one cell (text starting with `=`), or take it out (null). Call update() after.
   * Cells of a column that has a column formula are that formula's; define them with defineColumn.
   */
  define(row: string, column: string, text: string | null): void {
    const key = id(row, column);
    const old = this.nodes.get(key);
    if (old) {
      this.unlink(key, old);
      this.nodes.delete(key);
      count(this.cellsIn, column, -1);
    }
    this.pendingCells.delete(key);
    if (text === null) return;
    const node: CellNode = { ...this.parse(text), row, column, reads: [], readsColumns: [], touches: [], value: null };
    this.nodes.set(key, node);
    count(this.cellsIn, column, 1);
    this.link(key, node);
  }

  /** Put one formula in every row of a column, or take it out (null). Call update() after. */
  defineColumn(column: string, text: string | null): void {
    const old = this.columnNodes.get(column);
    if (old) this.unlinkColumn(old);
    this.columnNodes.delete(column);
    if (text === null) {
      // Its readers now read the plain cells: they recompute as if every cell of it changed.
      if (old) this.removedColumns.add(column);
      return;
    }
    this.removedColumns.delete(column);
    const parsed = this.parse(text);
    let sameRow: string[] = [];
    let whole: string[] = [];
    if (parsed.ast) {
      // Row -1 is nobody's row: the cells reported there are the bare names, read in each row.
      const d = dependencies(parsed.ast, { columns: this.host.columns(), rowCount: this.host.rowIds().length, row: -1 });
      sameRow = d.cells.filter((c) => c.row === -1).map((c) => c.column);
      whole = [...d.columns];
    }
    const positional = parsed.ast !== null && hasA1(parsed.ast);
    const node: ColumnNode = { ...parsed, column, sameRow, whole, positional, fixed: [], values: [], stale: true, pendingRows: new Set() };
    this.columnNodes.set(column, node);
    for (const c of sameRow) add(this.sameRowReaders, c, column);
    for (const c of whole) add(this.wholeReaders, c, column);
    this.linkFixed(node);
  }

  /** A formula column puts one text in every row: parse it once. ASTs are plain immutable data. */
  private readonly parsed = new Map<string, ReturnType<typeof parseFormula>>();
  private parsedFor: readonly string[] | null = null;

  private parse(text: string): Parsed {
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
    return {
      text,
      ast: r.ok ? r.value : null,
      parseError: r.ok ? null : formulaError('#NAME?', `${r.error.message} (at character ${r.error.at + 1})`),
    };
  }

  /**
   * Re-read where every formula points: after rows were added, removed or reordered. What may read
   * differently now (A1 references, aggregates, new rows) is computed at the next update.
   */
  relink(): void {
    const rows = this.host.rowIds();
    const oldIndex = this.rowIndex;
    this.rowIndex = new Map(rows.map((r, i) => [r, i]));
    this.readers.clear();
    this.columnReaders.clear();
    this.cellReadsOf.clear();
    for (const [key, node] of this.nodes) {
      this.link(key, node, false);
      this.pendingCells.add(key);
    }
    this.fixedReaders = new Map();
    for (const node of this.columnNodes.values()) {
      this.linkFixed(node);
      if (node.positional || node.whole.length > 0) node.stale = true;
      // Each row keeps its value at its new position; rows added have none yet.
      const old = node.values;
      node.values = rows.map((r) => {
        const i = oldIndex.get(r);
        return i === undefined ? undefined : old[i];
      });
      for (const r of node.pendingRows) if (!this.rowIndex.has(r)) node.pendingRows.delete(r);
      if (!node.stale) for (const [i, r] of rows.entries()) if (node.values[i] === undefined) node.pendingRows.add(r);
    }
  }

  /**
   * Whether the rows may be where the last relink saw them. Only the count is checked (checking
   * every id costs an edit more than the rest of its update): a host that moves rows calls relink().
   */
  private aligned(): boolean {
    return this.rowIndex.size === this.host.rowIds().length;
  }

  /**
   * Recompute what depends on `changed` (cells whose value changed, formula cells just defined),
   * and whatever was left to compute (new column formulas, new rows). Returns the formula cells
   * whose value changed, with their new values (a cell appears once, or its last entry counts).
   */
  update(changed: readonly CellRef[]): FormulaUpdate[] {
    const { columns, cells } = this.changes(changed);
    const out: FormulaUpdate[] = [];
    for (const c of columns) for (let i = 0; i < c.rows.length; i++) out.push({ row: c.rows[i]!, column: c.column, value: c.values[i]! });
    for (const c of cells) out.push(c);
    return out;
  }

  /**
   * What update() does, with the changes of column formulas reported column by column (two arrays
   * per column rather than an object per cell): what a host applying 30,000 values wants.
   */
  changes(changed: readonly CellRef[]): FormulaChanges {
    if (!this.aligned()) this.relink();
    const forcedCells = new Set(this.pendingCells);
    this.pendingCells.clear();
    const forcedRows = new Map<string, RowSet>();
    for (const node of this.columnNodes.values()) {
      if (node.stale) forcedRows.set(node.column, 'all');
      else if (node.pendingRows.size > 0) forcedRows.set(node.column, new Set(node.pendingRows));
      node.stale = false;
      node.pendingRows.clear();
    }
    const plain: CellRef[] = [];
    for (const column of this.removedColumns) for (const row of this.host.rowIds()) plain.push({ row, column });
    this.removedColumns.clear();
    for (const c of changed) {
      if (!this.rowIndex.has(c.row)) continue;
      const key = id(c.row, c.column);
      if (this.nodes.has(key)) forcedCells.add(key);
      else if (this.columnNodes.has(c.column)) addRow(forcedRows, c.column, c.row);
      else plain.push(c);
    }
    return this.columnPass(forcedCells, forcedRows, plain) ?? { columns: [], cells: this.cellPass(forcedCells, forcedRows, plain) };
  }

  /** Whether the next update has work of its own (a column formula just defined, rows moved), seeds or not. */
  hasPending(): boolean {
    if (this.pendingCells.size > 0 || this.removedColumns.size > 0 || !this.aligned()) return true;
    for (const node of this.columnNodes.values()) if (node.stale || node.pendingRows.size > 0) return true;
    return false;
  }

  /** Every formula cell, e.g. to show the values after loading a sheet. */
  all(): CellRef[] {
    const out = [...this.nodes.values()].map((n) => ({ row: n.row, column: n.column }));
    for (const column of this.columnNodes.keys()) for (const row of this.host.rowIds()) out.push({ row, column });
    return out;
  }

  // --- the column pass -------------------------------------------------------------------------

  /**
   * Column by column, in the order of the column graph, each over the rows that need it. Returns
   * null (the cell pass must run) when a cell formula is involved or the columns form a cycle.
   */
  private columnPass(forcedCells: ReadonlySet<string>, forced: ReadonlyMap<string, RowSet>, plain: readonly CellRef[]): FormulaChanges | null {
    if (forcedCells.size > 0) return null;
    const rows = new Map<string, RowSet>();
    for (const [column, set] of forced) rows.set(column, set === 'all' ? 'all' : new Set(set));
    for (const c of plain) {
      const key = id(c.row, c.column);
      if (this.readers.has(key) && this.readers.get(key)!.size > 0) return null;
      if (this.columnReaders.get(c.column)?.size) return null;
      for (const k of this.sameRowReaders.get(c.column) ?? []) addRow(rows, k, c.row);
      for (const k of this.fixedReaders.get(key) ?? []) rows.set(k, 'all');
      for (const k of this.wholeReaders.get(c.column) ?? []) rows.set(k, 'all');
    }
    // Every column formula these can reach, and none read by a cell formula.
    const reach = new Set(rows.keys());
    const stack = [...reach];
    while (stack.length > 0) {
      const column = stack.pop()!;
      if (this.cellReadsOf.get(column)) return null;
      for (const k of this.columnReadersOf(column)) if (!reach.has(k)) { reach.add(k); stack.push(k); }
    }
    let edges = 0;
    const order = topologicalOrder(reach, (k) => {
      const inputs = this.columnInputs(this.columnNodes.get(k)!).filter((c) => reach.has(c));
      edges += inputs.length;
      return inputs;
    });
    if (order.cycles.length > 0) return null;
    const all = this.host.rowIds();
    // The sheet keeps its shape during a pass: one evaluator for every cell.
    const evaluator = this.evaluator();
    if (edges === 0 && order.sequence.every((c) => rows.get(c) === 'all' && forced.get(c) === 'all')) {
      return { columns: everyRow(order.sequence.map((c) => this.columnNodes.get(c)!), all, evaluator), cells: [] };
    }
    const out: ColumnChange[] = [];
    for (const column of order.sequence) {
      const target = rows.get(column);
      if (target === undefined) continue;
      const change = someRows(this.columnNodes.get(column)!, target, forced.get(column), all, this.rowIndex, evaluator);
      const changedRows = change.rows;
      if (changedRows.length === 0) continue;
      out.push(change);
      for (const k of this.sameRowReaders.get(column) ?? []) for (const r of changedRows) addRow(rows, k, r);
      for (const k of this.wholeReaders.get(column) ?? []) rows.set(k, 'all');
      if (this.fixedReaders.size > 0) {
        for (const r of changedRows) for (const k of this.fixedReaders.get(id(r, column)) ?? []) rows.set(k, 'all');
      }
    }
    return { columns: out, cells: [] };
  }

  /** Column formulas that read some cell of `column`. */
  private columnReadersOf(column: string): Set<string> {
    const out = new Set<string>([...(this.sameRowReaders.get(column) ?? []), ...(this.wholeReaders.get(column) ?? [])]);
    for (const node of this.columnNodes.values()) if (node.fixed.some((f) => columnOf(f) === column)) out.add(node.column);
    return out;
  }

  /** Columns a column formula reads that are themselves column formulas. */
  private columnInputs(node: ColumnNode): string[] {
    const cols = new Set([...node.sameRow, ...node.whole, ...node.fixed.map(columnOf)]);
    return [...cols].filter((c) => this.columnNodes.has(c));
  }

  // --- the cell pass ---------------------------------------------------------------------------

  /** Cell by cell: the general order, with cycles found and named. */
  private cellPass(forcedCells: ReadonlySet<string>, forced: ReadonlyMap<string, RowSet>, plain: readonly CellRef[]): FormulaUpdate[] {
    const all = this.host.rowIds();
    const seeds: string[] = [...forcedCells, ...plain.map((c) => id(c.row, c.column))];
    for (const [column, set] of forced) for (const row of set === 'all' ? all : set) seeds.push(id(row, column));
    const affected = this.downstream(seeds);
    const dirty = new Set(seeds);
    const dirtyColumns = new Set(seeds.map(columnOf));
    const out: FormulaUpdate[] = [];
    const { sequence, cycles } = topologicalOrder(affected, (k) => this.cellInputs(k).filter((d) => affected.has(d)));
    for (const cycle of cycles) {
      const path = [...cycle, cycle[0]!].map((k) => this.label(k)).join(' → ');
      for (const key of cycle) {
        const value = formulaError('#CYCLE!', `circular reference: ${path}`);
        this.assign(key, value);
        dirty.add(key);
        dirtyColumns.add(columnOf(key));
        out.push({ row: rowOf(key), column: columnOf(key), value });
      }
    }
    for (const key of sequence) {
      if (!dirty.has(key) && !this.inputsChanged(key, dirty, dirtyColumns)) continue;
      const value = this.compute(key);
      // A value that did not change stops the propagation here.
      if (dirty.has(key) || !sameValue(value, this.current(key))) {
        this.assign(key, value);
        dirty.add(key);
        dirtyColumns.add(columnOf(key));
        out.push({ row: rowOf(key), column: columnOf(key), value });
      }
    }
    return out;
  }

  private isFormula(key: string, row = rowOf(key), column = columnOf(key)): boolean {
    return this.nodes.has(key) || (this.columnNodes.has(column) && this.rowIndex.has(row));
  }

  private current(key: string): FormulaValue {
    const n = this.nodes.get(key);
    if (n) return n.value;
    return this.columnNodes.get(columnOf(key))?.values[this.rowIndex.get(rowOf(key)) ?? -1] ?? null;
  }

  private assign(key: string, value: FormulaValue): void {
    const n = this.nodes.get(key);
    if (n) n.value = value;
    else {
      const c = this.columnNodes.get(columnOf(key));
      const i = this.rowIndex.get(rowOf(key));
      if (c && i !== undefined) c.values[i] = value;
    }
  }

  private compute(key: string): FormulaValue {
    const node = this.nodes.get(key) ?? this.columnNodes.get(columnOf(key))!;
    return this.evalAt(node, rowOf(key));
  }

  private inputsChanged(key: string, dirty: ReadonlySet<string>, dirtyColumns: ReadonlySet<string>): boolean {
    const n = this.nodes.get(key);
    if (n) return n.reads.some((r) => dirty.has(r)) || n.readsColumns.some((c) => dirtyColumns.has(c));
    const c = this.columnNodes.get(columnOf(key))!;
    const row = rowOf(key);
    return c.sameRow.some((col) => dirty.has(id(row, col))) || c.fixed.some((f) => dirty.has(f)) || c.whole.some((col) => dirtyColumns.has(col));
  }

  /** Formula cells reachable from the seeds through readers (the seeds' own formulas included). */
  private downstream(seeds: readonly string[]): Set<string> {
    const out = new Set<string>();
    const stack = [...seeds];
    const columnsSeen = new Set<string>();
    const wholeSeen = new Set<string>();
    const everyRow = (column: string) => {
      if (wholeSeen.has(column)) return;
      wholeSeen.add(column);
      for (const row of this.host.rowIds()) stack.push(id(row, column));
    };
    while (stack.length > 0) {
      const key = stack.pop()!;
      if (out.has(key)) continue;
      const row = rowOf(key);
      const column = columnOf(key);
      if (this.isFormula(key, row, column)) out.add(key);
      for (const r of this.readers.get(key) ?? []) if (!out.has(r)) stack.push(r);
      for (const k of this.sameRowReaders.get(column) ?? []) stack.push(id(row, k));
      for (const k of this.fixedReaders.get(key) ?? []) everyRow(k);
      if (!columnsSeen.has(column)) {
        columnsSeen.add(column);
        for (const r of this.columnReaders.get(column) ?? []) if (!out.has(r)) stack.push(r);
        for (const k of this.wholeReaders.get(column) ?? []) everyRow(k);
      }
    }
    return out;
  }

  /** The formula cells a formula cell reads (single cells and whole columns). */
  private cellInputs(key: string): string[] {
    const n = this.nodes.get(key);
    const out: string[] = [];
    const wholeColumn = (c: string) => {
      for (const row of this.host.rowIds()) if (this.isFormula(id(row, c), row, c)) out.push(id(row, c));
    };
    if (n) {
      for (const r of n.reads) if (this.isFormula(r)) out.push(r);
      for (const c of n.readsColumns) wholeColumn(c);
      return out;
    }
    const node = this.columnNodes.get(columnOf(key))!;
    const row = rowOf(key);
    for (const c of node.sameRow) if (this.isFormula(id(row, c), row, c)) out.push(id(row, c));
    for (const f of node.fixed) if (this.isFormula(f)) out.push(f);
    for (const c of node.whole) wholeColumn(c);
    return out;
  }

  private label(key: string): string {
    const row = this.rowIndex.get(rowOf(key)) ?? 0;
    const column = columnOf(key);
    const col = this.host.columns().indexOf(column);
    return col < 0 ? `${column}${row + 1}` : formatCellRef({ row, column: col, absColumn: false, absRow: false });
  }

  // --- evaluation and links --------------------------------------------------------------------

  private evalAt(node: Parsed, row: string, index = this.rowIndex.get(row) ?? 0): FormulaValue {
    if (node.parseError) return node.parseError;
    return this.evaluator().evaluate(node.ast!, index);
  }

  private evaluatorState: { columns: readonly string[]; rowCount: number; evaluator: Evaluator } | null = null;

  /** One evaluator while the sheet keeps its shape: a column pass evaluates thousands of cells. */
  private evaluator(): Evaluator {
    const columns = this.host.columns();
    const rowCount = this.host.rowIds().length;
    const e = this.evaluatorState;
    if (e && e.columns === columns && e.rowCount === rowCount) return e.evaluator;
    const evaluator = new Evaluator({ columns, rowCount, get: this.read });
    this.evaluatorState = { columns, rowCount, evaluator };
    return evaluator;
  }

  /** What a formula sees in a cell: another formula's value, else the sheet's plain value. */
  private readonly read = (r: number, column: string): FormulaValue => {
    const row = this.host.rowIds()[r];
    if (row === undefined) return formulaError('#REF!', `row ${r + 1} is outside the sheet`);
    if (this.cellsIn.has(column)) {
      const n = this.nodes.get(id(row, column));
      if (n) return n.value;
    }
    const c = this.columnNodes.get(column);
    // Updates run on aligned rows: position r is the row's stored position.
    if (c) return c.values[r] ?? null;
    return this.host.plainValue(row, column);
  };

  private link(key: string, node: CellNode, refreshIndex = true): void {
    if (refreshIndex && !this.aligned()) this.relink();
    node.reads = [];
    node.readsColumns = [];
    node.touches = [];
    if (!node.ast) return;
    const rows = this.host.rowIds();
    const d = dependencies(node.ast, { columns: this.host.columns(), rowCount: rows.length, row: this.rowIndex.get(node.row) ?? 0 });
    node.reads = d.cells.map((c) => id(rows[c.row]!, c.column));
    node.readsColumns = [...d.columns];
    node.touches = [...new Set([...d.cells.map((c) => c.column), ...d.columns])];
    for (const r of node.reads) add(this.readers, r, key);
    for (const c of node.readsColumns) add(this.columnReaders, c, key);
    for (const c of node.touches) count(this.cellReadsOf, c, 1);
  }

  private unlink(key: string, node: CellNode): void {
    for (const r of node.reads) this.readers.get(r)?.delete(key);
    for (const c of node.readsColumns) this.columnReaders.get(c)?.delete(key);
    for (const c of node.touches) count(this.cellReadsOf, c, -1);
  }

  /** A1 references name positions: resolve them against the rows as they are now. */
  private linkFixed(node: ColumnNode): void {
    for (const f of node.fixed) this.fixedReaders.get(f)?.delete(node.column);
    node.fixed = [];
    if (!node.ast) return;
    const rows = this.host.rowIds();
    const d = dependencies(node.ast, { columns: this.host.columns(), rowCount: rows.length, row: -1 });
    for (const c of d.cells) {
      if (c.row < 0) continue;
      const key = id(rows[c.row]!, c.column);
      node.fixed.push(key);
      add(this.fixedReaders, key, node.column);
    }
  }

  private unlinkColumn(node: ColumnNode): void {
    for (const c of node.sameRow) this.sameRowReaders.get(c)?.delete(node.column);
    for (const c of node.whole) this.wholeReaders.get(c)?.delete(node.column);
    for (const f of node.fixed) this.fixedReaders.get(f)?.delete(node.column);
  }
}
