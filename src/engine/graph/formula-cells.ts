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
 * column (the column pass, column-pass.ts). Anything else — cell formulas downstream, a column
 * reading itself — runs cell by cell with the general ordering and cycle detection (the cell pass,
 * cell-pass.ts). Both give the same values; the property tests compare them against a fresh
 * evaluation. This class defines nodes, keeps who reads what, and decides which pass runs.
 *
 * A host may name derived cells (nodes.ts DerivedCells: a row's results, made from its settings).
 * No formula names that edge, but a setting reading a result that leads back to it is a cycle: the
 * cell pass follows it (cell-pass.ts) and names such cycles through the runs (cycle-path.ts).
 *
 * A range (`$A$1:$C$2000`) is one entry (RangeDep: columns x a span of row positions) shared by
 * every formula reading it, never an edge per covered cell: the readers of a changed cell are the
 * ranges covering its position (range-index.ts), so what the graph stores grows with the formulas.
 */
import { type CellSpan, type FormulaValue, Evaluator, dependencySpans, formulaError, isFormulaError, parseFormula } from '../formula/index.ts';
import { cellPass } from './cell-pass.ts';
import { columnPass } from './column-pass.ts';
import {
  type CellNode, type CellRef, type ColumnNode, type FormulaChanges, type FormulaHost, type FormulaUpdate, type Graph, type Parsed,
  type RangeDep, type RowSet, add, addRow, count, hasA1, id, isFormula,
} from './nodes.ts';

export type { CellRef, ColumnChange, FormulaChanges, FormulaHost, FormulaUpdate } from './nodes.ts';

/** The formula cells of a sheet, over the rows and plain values its host gives. */
export class FormulaCells {
  /** The nodes and their links, as plain data the passes read. */
  private readonly g: Graph;
  /** Columns whose column formula was taken out since the last update. */
  private readonly removedColumns = new Set<string>();
  /** Cell formulas to compute at the next update whatever the seeds (rows moved under them). */
  private readonly pendingCells = new Set<string>();
  /**
   * A formula on a cycle taken out of a source cell (nodes.ts DerivedCells) since the last update:
   * a cycle through a result it was on is gone, and only the cell pass follows that edge to the
   * other members (the column pass would see a plain cell that no formula names).
   */
  private sourceCleared = false;

  constructor(private readonly host: FormulaHost) {
    this.g = {
      host, nodes: new Map(), columnNodes: new Map(), readers: new Map(), columnReaders: new Map(), cellReadsOf: new Map(),
      cellsIn: new Map(), sameRowReaders: new Map(), wholeReaders: new Map(), fixedReaders: new Map(), rowIndex: new Map(),
      ranges: new Map(), rangesByColumn: new Map(), rangeIndexes: new Map(),
    };
  }

  /** Whether the cell holds a formula: its own, or its column's. */
  has(row: string, column: string): boolean {
    return isFormula(this.g, id(row, column), row, column);
  }

  /** The value of a formula cell, or undefined when the cell holds no formula. */
  value(row: string, column: string): FormulaValue | undefined {
    const { g } = this;
    const n = g.cellsIn.has(column) ? g.nodes.get(id(row, column)) : undefined;
    if (n) return n.value;
    const c = g.columnNodes.get(column);
    if (!c) return undefined;
    const i = g.rowIndex.get(row);
    return i === undefined ? undefined : c.values[i] ?? null;
  }

  /**
   * Put a formula in one cell (text starting with `=`), or take it out (null). Call update() after.
   * Cells of a column that has a column formula are that formula's; define them with defineColumn.
   */
  define(row: string, column: string, text: string | null): void {
    const { g } = this;
    const key = id(row, column);
    const old = g.nodes.get(key);
    if (old) {
      this.unlink(key, old);
      g.nodes.delete(key);
      count(g.cellsIn, column, -1);
      // Only a cell that was on a cycle can leave cells behind that need the cell pass to clear.
      if (this.host.derived?.sources.has(column) && isFormulaError(old.value) && old.value.code === '#CYCLE!') this.sourceCleared = true;
    }
    this.pendingCells.delete(key);
    if (text === null) return;
    const node: CellNode = { ...this.parse(text), row, column, reads: [], ranges: [], readsColumns: [], touches: [], value: null };
    g.nodes.set(key, node);
    count(g.cellsIn, column, 1);
    this.link(key, node);
  }

  /** Put one formula in every row of a column, or take it out (null). Call update() after. */
  defineColumn(column: string, text: string | null): void {
    const { g } = this;
    const old = g.columnNodes.get(column);
    if (old) this.unlinkColumn(old);
    g.columnNodes.delete(column);
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
      const d = dependencySpans(parsed.ast, { columns: this.host.columns(), rowCount: this.host.rowIds().length, row: -1 });
      sameRow = d.cells.filter((c) => c.row === -1).map((c) => c.column);
      whole = [...d.columns];
    }
    const positional = parsed.ast !== null && hasA1(parsed.ast);
    const node: ColumnNode = {
      ...parsed, column, sameRow, whole, positional, fixed: [], ranges: [], values: [], stale: true, pendingRows: new Set(),
    };
    g.columnNodes.set(column, node);
    for (const c of sameRow) add(g.sameRowReaders, c, column);
    for (const c of whole) add(g.wholeReaders, c, column);
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
    const { g } = this;
    const rows = this.host.rowIds();
    const oldIndex = g.rowIndex;
    g.rowIndex = new Map(rows.map((r, i) => [r, i]));
    g.readers.clear();
    g.columnReaders.clear();
    g.cellReadsOf.clear();
    // Ranges name positions: every one is resolved again against the rows as they are now.
    g.ranges.clear();
    g.rangesByColumn.clear();
    g.rangeIndexes.clear();
    for (const [key, node] of g.nodes) {
      this.link(key, node, false);
      this.pendingCells.add(key);
    }
    g.fixedReaders = new Map();
    for (const node of g.columnNodes.values()) {
      node.fixed = [];
      node.ranges = [];
      this.linkFixed(node);
      if (node.positional || node.whole.length > 0) node.stale = true;
      // Each row keeps its value at its new position; rows added have none yet.
      const old = node.values;
      node.values = rows.map((r) => {
        const i = oldIndex.get(r);
        return i === undefined ? undefined : old[i];
      });
      for (const r of node.pendingRows) if (!g.rowIndex.has(r)) node.pendingRows.delete(r);
      if (!node.stale) for (const [i, r] of rows.entries()) if (node.values[i] === undefined) node.pendingRows.add(r);
    }
  }

  /**
   * Whether the rows may be where the last relink saw them. Only the count is checked (checking
   * every id costs an edit more than the rest of its update): a host that moves rows calls relink().
   */
  private aligned(): boolean {
    return this.g.rowIndex.size === this.host.rowIds().length;
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
    const { g } = this;
    if (!this.aligned()) this.relink();
    const forcedCells = new Set(this.pendingCells);
    this.pendingCells.clear();
    const forcedRows = new Map<string, RowSet>();
    for (const node of g.columnNodes.values()) {
      if (node.stale) forcedRows.set(node.column, 'all');
      else if (node.pendingRows.size > 0) forcedRows.set(node.column, new Set(node.pendingRows));
      node.stale = false;
      node.pendingRows.clear();
    }
    const plain: CellRef[] = [];
    for (const column of this.removedColumns) for (const row of this.host.rowIds()) plain.push({ row, column });
    this.removedColumns.clear();
    for (const c of changed) {
      if (!g.rowIndex.has(c.row)) continue;
      const key = id(c.row, c.column);
      if (g.nodes.has(key)) forcedCells.add(key);
      else if (g.columnNodes.has(c.column)) addRow(forcedRows, c.column, c.row);
      else plain.push(c);
    }
    // The sheet keeps its shape during a pass: one evaluator for every cell.
    const evaluator = this.evaluator();
    const viaCells = this.sourceCleared;
    this.sourceCleared = false;
    return (viaCells ? null : columnPass(g, evaluator, forcedCells, forcedRows, plain)) ?? { columns: [], cells: cellPass(g, evaluator, forcedCells, forcedRows, plain) };
  }

  /** Whether the next update has work of its own (a column formula just defined, rows moved), seeds or not. */
  hasPending(): boolean {
    if (this.pendingCells.size > 0 || this.removedColumns.size > 0 || this.sourceCleared || !this.aligned()) return true;
    for (const node of this.g.columnNodes.values()) if (node.stale || node.pendingRows.size > 0) return true;
    return false;
  }

  /**
   * How many dependency entries the graph stores: single-cell edges, whole-column edges, ranges
   * (one per column they cover) and each range's readers. A range counts once however many cells
   * it covers, so this grows with the formulas, not with the cells their ranges cover.
   */
  dependencyEntries(): number {
    const { g } = this;
    let n = 0;
    for (const m of [g.readers, g.columnReaders, g.sameRowReaders, g.wholeReaders, g.fixedReaders, g.rangesByColumn]) {
      for (const s of m.values()) n += s.size;
    }
    for (const r of g.ranges.values()) n += r.cellReaders.size + r.columnReaders.size;
    for (const node of g.nodes.values()) n += node.reads.length + node.ranges.length + node.readsColumns.length + node.touches.length;
    for (const node of g.columnNodes.values()) n += node.sameRow.length + node.whole.length + node.fixed.length + node.ranges.length;
    return n;
  }

  /** Every formula cell, e.g. to show the values after loading a sheet. */
  all(): CellRef[] {
    const out = [...this.g.nodes.values()].map((n) => ({ row: n.row, column: n.column }));
    for (const column of this.g.columnNodes.keys()) for (const row of this.host.rowIds()) out.push({ row, column });
    return out;
  }

  // --- evaluation and links --------------------------------------------------------------------

  private evaluatorState: { columns: readonly string[]; rowCount: number; evaluator: Evaluator } | null = null;

  /** One evaluator while the sheet keeps its shape: a column pass evaluates thousands of cells. */
  private evaluator(): Evaluator {
    const columns = this.host.columns();
    const rowCount = this.host.rowIds().length;
    const e = this.evaluatorState;
    if (e && e.columns === columns && e.rowCount === rowCount) {
      // Values may have changed anywhere since the last update: nothing remembered carries over.
      e.evaluator.forget();
      return e.evaluator;
    }
    const evaluator = new Evaluator({ columns, rowCount, get: this.read }, { remember: true });
    this.evaluatorState = { columns, rowCount, evaluator };
    return evaluator;
  }

  /** What a formula sees in a cell: another formula's value, else the sheet's plain value. */
  private readonly read = (r: number, column: string): FormulaValue => {
    const row = this.host.rowIds()[r];
    if (row === undefined) return formulaError('#REF!', `row ${r + 1} is outside the sheet`);
    const { g } = this;
    if (g.cellsIn.has(column)) {
      const n = g.nodes.get(id(row, column));
      if (n) return n.value;
    }
    const c = g.columnNodes.get(column);
    // Updates run on aligned rows: position r is the row's stored position.
    if (c) return c.values[r] ?? null;
    return this.host.plainValue(row, column);
  };

  private link(key: string, node: CellNode, refreshIndex = true): void {
    if (refreshIndex && !this.aligned()) this.relink();
    node.reads = [];
    node.ranges = [];
    node.readsColumns = [];
    node.touches = [];
    if (!node.ast) return;
    const { g } = this;
    const rows = this.host.rowIds();
    const columns = this.host.columns();
    const d = dependencySpans(node.ast, { columns, rowCount: rows.length, row: g.rowIndex.get(node.row) ?? 0 });
    node.reads = d.cells.map((c) => id(rows[c.row]!, c.column));
    node.ranges = d.spans.map((span) => this.range(span, columns));
    node.readsColumns = [...d.columns];
    node.touches = [...new Set([...d.cells.map((c) => c.column), ...node.ranges.flatMap((r) => r.columns), ...d.columns])];
    for (const r of node.reads) add(g.readers, r, key);
    for (const r of node.ranges) r.cellReaders.add(key);
    for (const c of node.readsColumns) add(g.columnReaders, c, key);
    for (const c of node.touches) count(g.cellReadsOf, c, 1);
  }

  private unlink(key: string, node: CellNode): void {
    const { g } = this;
    for (const r of node.reads) g.readers.get(r)?.delete(key);
    for (const r of node.ranges) {
      r.cellReaders.delete(key);
      this.release(r);
    }
    for (const c of node.readsColumns) g.columnReaders.get(c)?.delete(key);
    for (const c of node.touches) count(g.cellReadsOf, c, -1);
  }

  /** A1 references name positions: resolve them against the rows as they are now. */
  private linkFixed(node: ColumnNode): void {
    const { g } = this;
    for (const f of node.fixed) g.fixedReaders.get(f)?.delete(node.column);
    this.releaseColumnRanges(node);
    node.fixed = [];
    if (!node.ast) return;
    const rows = this.host.rowIds();
    const columns = this.host.columns();
    const d = dependencySpans(node.ast, { columns, rowCount: rows.length, row: -1 });
    for (const c of d.cells) {
      if (c.row < 0) continue;
      const key = id(rows[c.row]!, c.column);
      node.fixed.push(key);
      add(g.fixedReaders, key, node.column);
    }
    node.ranges = d.spans.map((span) => this.range(span, columns));
    for (const r of node.ranges) r.columnReaders.add(node.column);
  }

  private releaseColumnRanges(node: ColumnNode): void {
    for (const r of node.ranges) {
      r.columnReaders.delete(node.column);
      this.release(r);
    }
    node.ranges = [];
  }

  /** The graph's one entry for this rectangle, made when first read. */
  private range(span: CellSpan, columns: readonly string[]): RangeDep {
    const { g } = this;
    const covered = columns.slice(span.fromColumn, span.toColumn + 1);
    // By column keys, not indices: while columns are being re-read, both meanings may be linked.
    const key = `${span.fromRow}:${span.toRow}:${covered.join(',')}`;
    let r = g.ranges.get(key);
    if (!r) {
      r = { key, columns: covered, fromRow: span.fromRow, toRow: span.toRow, cellReaders: new Set(), columnReaders: new Set() };
      g.ranges.set(key, r);
      for (const c of covered) {
        let set = g.rangesByColumn.get(c);
        if (!set) g.rangesByColumn.set(c, (set = new Set()));
        set.add(r);
        g.rangeIndexes.delete(c);
      }
    }
    return r;
  }

  /** Forget a range nobody reads any more (unless a relink already replaced it). */
  private release(r: RangeDep): void {
    const { g } = this;
    if (r.cellReaders.size > 0 || r.columnReaders.size > 0 || g.ranges.get(r.key) !== r) return;
    g.ranges.delete(r.key);
    for (const c of r.columns) {
      const set = g.rangesByColumn.get(c);
      set?.delete(r);
      if (set?.size === 0) g.rangesByColumn.delete(c);
      g.rangeIndexes.delete(c);
    }
  }

  private unlinkColumn(node: ColumnNode): void {
    const { g } = this;
    for (const c of node.sameRow) g.sameRowReaders.get(c)?.delete(node.column);
    for (const c of node.whole) g.wholeReaders.get(c)?.delete(node.column);
    for (const f of node.fixed) g.fixedReaders.get(f)?.delete(node.column);
    this.releaseColumnRanges(node);
  }
}
