/**
 * The cell pass: an update computed cell by cell, for whatever the column pass (column-pass.ts)
 * cannot take — cell formulas downstream, column formulas in a cycle. It finds every formula cell
 * reachable from the seeds, orders them by what they read, gives each member of a cycle #CYCLE!
 * with the path, and recomputes the rest in order, stopping where a value did not change.
 *
 * Derived cells (a row's results, nodes.ts DerivedCells) are vertices of the ordering too, reading
 * their row's settings: a setting that reads a result leading back to it is a cycle like any
 * other. They are never computed: once the pass reaches one whose row's settings got a value in
 * it, and from which a setting can be reached, the host reads it from them, and it counts as
 * changed for the cells after it.
 */
import { type Evaluator, type FormulaValue, formulaError, isFormulaError } from '../formula/index.ts';
import {
  type CellRef, type ColumnNode, type FormulaUpdate, type Graph, type RangeDep, type RowSet, columnOf, forRangesAt, id, isFormula, rowOf, sameValue,
} from './nodes.ts';
import { cycleMessages, plainCyclePath } from './cycle-path.ts';
import { topologicalOrder } from './order.ts';
import { RangeVertices } from './range-order.ts';

/**
 * Recompute from `forcedCells` (formula cells to compute whatever their inputs), `forced` (column
 * formulas' rows to compute) and `plain` (cells without a formula whose value changed). Returns
 * the formula cells whose value changed, in the order computed (a cell in a cycle may repeat).
 */
export function cellPass(
  g: Graph, evaluator: Evaluator, forcedCells: ReadonlySet<string>, forced: ReadonlyMap<string, RowSet>, plain: readonly CellRef[],
): FormulaUpdate[] {
  const all = g.host.rowIds();
  const seeds: string[] = [...forcedCells, ...plain.map((c) => id(c.row, c.column))];
  for (const [column, set] of forced) for (const row of set === 'all' ? all : set) seeds.push(id(row, column));
  const { affected, derived } = downstream(g, seeds);
  const d = g.host.derived;
  const dirty = new Set<string>();
  const dirtyColumns = new Set<string>();
  // Ranges covering a dirty cell: what a formula reading a range checks, rather than each cell.
  const dirtyRanges = new Set<RangeDep>();
  const addDirtyRange = (r: RangeDep) => dirtyRanges.add(r);
  const used = new Map<string, Set<number>>();
  const markDirty = (key: string) => {
    dirty.add(key);
    const column = columnOf(key);
    dirtyColumns.add(column);
    if (g.rangesByColumn.has(column)) forRangesAt(g, column, g.rowIndex.get(rowOf(key)), addDirtyRange, used);
  };
  for (const key of seeds) markDirty(key);
  // Rows whose settings (source cells) got a value in this pass, and those the host was told of.
  const sourcesChanged = new Set<string>();
  const told = new Set<string>();
  const changedCell = (key: string) => {
    const column = columnOf(key);
    // An aggregate remembered over this cell's column is read again by the cells after it.
    evaluator.changed(column, g.rowIndex.get(rowOf(key)));
    markDirty(key);
    if (d?.sources.has(column)) sourcesChanged.add(rowOf(key));
  };
  const out: FormulaUpdate[] = [];
  const { sequence, cycles, inputs, joins } = orderAffected(g, affected, derived);
  // A derived cell is ordered after its row's settings: once they all have their value, the host
  // reads it from them (nodes.ts DerivedCells), so it counts as changed for the cells after it.
  // Only one on a path to a source cell: a reader leading nowhere (a note, a name formula) gains
  // nothing from reading it early, since the host tells it after placing anyway (review-23 F3: a
  // view made per row for notes alone cost ~25% of a 10,000-row edit).
  const leading = d && derived.size > 0 ? derivedLeadingToSources(affected, derived, inputs, d.sources) : null;
  const derivedReached = (key: string) => {
    if (sourcesChanged.size === 0 || !leading!.has(key)) return;
    const from = d!.sourceRow(rowOf(key));
    if (!sourcesChanged.has(from)) return;
    if (!told.has(from)) {
      told.add(from);
      d!.sourceChanged?.(from);
    }
    evaluator.changed(columnOf(key), g.rowIndex.get(rowOf(key)));
    markDirty(key);
  };
  for (const cycle of cycles) {
    // A cycle through a result: each cell names a path through itself and the runs (cycle-path.ts).
    const messages = cycle.some((k) => derived.has(k)) ? cycleMessages(g, cycle, inputs, joins, derived) : null;
    const path = messages ? '' : plainCyclePath(g, cycle);
    for (const key of cycle) {
      if (derived.has(key)) continue;
      const value = formulaError('#CYCLE!', `circular reference: ${messages?.get(key) ?? path}`);
      // Found again with the same path (a result landed, one more row joined): nothing to report.
      // Else every pass over =MAX(test_acc) / 10 in 10,000 rows re-placed every row.
      if (sameValue(value, current(g, key))) continue;
      assign(g, key, value);
      changedCell(key);
      out.push({ row: rowOf(key), column: columnOf(key), value });
    }
    // Its settings hold #CYCLE! now: the cells after the cycle read its results as such.
    for (const key of cycle) if (derived.has(key)) derivedReached(key);
  }
  for (const key of sequence) {
    if (derived.has(key)) {
      derivedReached(key);
      continue;
    }
    // A cell left #CYCLE! by a cycle that is gone computes again: a cycle through a result is
    // broken by an edit it reads only through a run, which marks nothing it reads as changed.
    if (!dirty.has(key) && !inputsChanged(g, key, dirty, dirtyColumns, dirtyRanges) && !wasCycle(g, key)) continue;
    const value = compute(g, evaluator, key);
    // A value that did not change stops the propagation here.
    if (dirty.has(key) || !sameValue(value, current(g, key))) {
      assign(g, key, value);
      changedCell(key);
      out.push({ row: rowOf(key), column: columnOf(key), value });
    }
  }
  return out;
}

/**
 * The derived cells of a pass from which some source cell in it can be reached (through what the
 * affected cells read): the cells whose readers may change a row's settings in this pass.
 */
function derivedLeadingToSources(
  affected: ReadonlySet<string>, derived: ReadonlySet<string>, inputs: (key: string) => readonly string[], sources: ReadonlySet<string>,
): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const k of affected) if (sources.has(columnOf(k))) stack.push(k);
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const i of inputs(k)) if (!seen.has(i)) stack.push(i);
  }
  const out = new Set<string>();
  for (const k of derived) if (seen.has(k)) out.add(k);
  return out;
}

/** The ordering of a pass: cells and derived cells in order, cycles (derived cells kept, join vertices left out), and its edges for naming paths. */
interface PassOrder {
  readonly sequence: readonly string[];
  readonly cycles: readonly (readonly string[])[];
  readonly inputs: (key: string) => readonly string[];
  /** Whether a key is a vertex standing for several cells (a range, a derived column): no cell of its own. */
  readonly joins: (key: string) => boolean;
}

/**
 * The affected cells in topological order, and their cycles. A range read is one vertex of the
 * ordering, over a few shared tree vertices (range-order.ts), rather than an edge to each cell it
 * covers: 2,000 formulas reading the same 2,000-cell range make about 6,000 edges, not 4,000,000.
 * A derived column read whole (`=MAX(test_acc)`) is one vertex over its derived cells, for the
 * same reason. These vertices keep what reaches what among cells, so the cycles are the same;
 * they are left out of the answer. Derived cells are ordered (each reads its row's formulas in
 * source columns) and kept in the sequence, where nothing computes them: reaching one says its
 * row's settings have their values for this pass.
 */
function orderAffected(g: Graph, affected: ReadonlySet<string>, derived: ReadonlySet<string>): PassOrder {
  const fixedFormulas = new Map<ColumnNode, string[]>();
  const vertices = new RangeVertices(g, derived.size === 0 ? affected : [...affected, ...derived]);
  const wholeDerived = new Map<string, string[]>();
  const inputs = new Map<string, readonly string[]>();
  for (const k of affected) {
    const { cells, ranges } = cellInputs(g, k, fixedFormulas, derived, columnVertex);
    const list = cells.filter((d) => affected.has(d) || derived.has(d) || wholeDerived.has(d));
    for (const r of ranges) {
      const v = vertices.vertex(r);
      if (v !== null) list.push(v);
    }
    inputs.set(k, list);
  }
  if (derived.size > 0) {
    const { sources } = g.host.derived!;
    for (const k of derived) {
      const from = g.host.derived!.sourceRow(rowOf(k));
      const list: string[] = [];
      for (const c of sources) {
        const s = id(from, c);
        if (affected.has(s)) list.push(s);
      }
      inputs.set(k, list);
    }
    // Each derived column read whole: its vertex reads its derived cells in sheet order.
    for (const k of derived) wholeDerived.get(columnVertex(columnOf(k)))?.push(k);
    for (const [v, list] of wholeDerived) {
      list.sort((a, b) => g.rowIndex.get(rowOf(a))! - g.rowIndex.get(rowOf(b))!);
      inputs.set(v, list);
    }
  }
  const joins = (k: string) => vertices.has(k) || wholeDerived.has(k);
  const read = (k: string) => inputs.get(k) ?? vertices.inputs.get(k) ?? [];
  const plain = derived.size === 0 && vertices.inputs.size === 0;
  const keys = plain ? affected : [...affected, ...derived, ...vertices.inputs.keys(), ...wholeDerived.keys()];
  const { sequence, cycles } = topologicalOrder(keys, read, plain ? undefined : joins);
  if (plain) return { sequence, cycles, inputs: read, joins };
  return {
    sequence: sequence.filter((k) => !joins(k)),
    cycles: cycles.map((c) => c.filter((k) => !joins(k))).filter((c) => c.some((k) => !derived.has(k))),
    inputs: read,
    joins,
  };

  /** The vertex for a derived column read whole, made when first read (its cells are filled in above). */
  function columnVertex(column: string): string {
    // After the last NUL, `#all:…` is no column key and no range-order.ts vertex (`#r…`, `#column:…`).
    const v = id('', `#all:${column}`);
    if (!wholeDerived.has(v)) wholeDerived.set(v, []);
    return v;
  }
}

function current(g: Graph, key: string): FormulaValue {
  const n = g.nodes.get(key);
  if (n) return n.value;
  return g.columnNodes.get(columnOf(key))?.values[g.rowIndex.get(rowOf(key)) ?? -1] ?? null;
}

function assign(g: Graph, key: string, value: FormulaValue): void {
  const n = g.nodes.get(key);
  if (n) n.value = value;
  else {
    const c = g.columnNodes.get(columnOf(key));
    const i = g.rowIndex.get(rowOf(key));
    if (c && i !== undefined) c.values[i] = value;
  }
}

function compute(g: Graph, evaluator: Evaluator, key: string): FormulaValue {
  const node = g.nodes.get(key) ?? g.columnNodes.get(columnOf(key))!;
  if (node.parseError) return node.parseError;
  return evaluator.evaluate(node.ast!, g.rowIndex.get(rowOf(key)) ?? 0);
}

function inputsChanged(
  g: Graph, key: string, dirty: ReadonlySet<string>, dirtyColumns: ReadonlySet<string>, dirtyRanges: ReadonlySet<RangeDep>,
): boolean {
  const n = g.nodes.get(key);
  if (n) {
    return n.reads.some((r) => dirty.has(r)) || n.ranges.some((r) => dirtyRanges.has(r)) || n.readsColumns.some((c) => dirtyColumns.has(c));
  }
  const c = g.columnNodes.get(columnOf(key))!;
  const row = rowOf(key);
  return c.sameRow.some((col) => dirty.has(id(row, col))) || c.fixed.some((f) => dirty.has(f)) ||
    c.ranges.some((r) => dirtyRanges.has(r)) || c.whole.some((col) => dirtyColumns.has(col));
}

/** Whether a cell holds #CYCLE! (from an earlier pass). */
function wasCycle(g: Graph, key: string): boolean {
  const v = current(g, key);
  return isFormulaError(v) && v.code === '#CYCLE!';
}

/**
 * Formula cells reachable from the seeds through readers (the seeds' own formulas included), and
 * the derived cells passed through: a cell in a source column leads to the derived cells of the
 * rows it feeds, those any formula reads (see derivedReaders).
 */
function downstream(g: Graph, seeds: readonly string[]): { affected: Set<string>; derived: Set<string> } {
  const out = new Set<string>();
  const stack = [...seeds];
  const columnsSeen = new Set<string>();
  const wholeSeen = new Set<string>();
  // A range's readers are pushed once, however many of its cells are reached.
  const rangesSeen = new Set<RangeDep>();
  const used = new Map<string, Set<number>>();
  const readRange = (r: RangeDep) => {
    if (rangesSeen.has(r)) return;
    rangesSeen.add(r);
    for (const k of r.cellReaders) if (!out.has(k)) stack.push(k);
    for (const k of r.columnReaders) everyRow(k);
  };
  const everyRow = (column: string) => {
    if (wholeSeen.has(column)) return;
    wholeSeen.add(column);
    for (const row of g.host.rowIds()) stack.push(id(row, column));
  };
  const d = g.host.derived;
  const readDerived = d ? derivedColumnsRead(g, d.columns) : [];
  const derived = readDerived.length > 0 ? new DerivedReaders(g, (k) => stack.push(k)) : null;
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (out.has(key)) continue;
    const row = rowOf(key);
    const column = columnOf(key);
    if (isFormula(g, key, row, column)) out.add(key);
    if (derived && d!.sources.has(column)) for (const r of d!.fedRows(row)) for (const c of readDerived) derived.visit(r, c);
    for (const r of g.readers.get(key) ?? []) if (!out.has(r)) stack.push(r);
    for (const k of g.sameRowReaders.get(column) ?? []) stack.push(id(row, k));
    for (const k of g.fixedReaders.get(key) ?? []) everyRow(k);
    if (g.rangesByColumn.has(column)) forRangesAt(g, column, g.rowIndex.get(row), readRange, used);
    if (!columnsSeen.has(column)) {
      columnsSeen.add(column);
      for (const r of g.columnReaders.get(column) ?? []) if (!out.has(r)) stack.push(r);
      for (const k of g.wholeReaders.get(column) ?? []) everyRow(k);
    }
  }
  return { affected: out, derived: derived?.kept ?? new Set() };
}

/**
 * The readers of derived cells that a pass must order: those that may lead back to a source cell.
 * Cell formulas may; a column formula only if some cell formula reads its column, directly or
 * through other column formulas (`=MAX(test_acc)` read by nobody closes no cycle). Without this,
 * editing one setting pulled every row of such a column into the cell pass. Cells still showing
 * #CYCLE! are taken whatever their column: the cycle they were on may be the one just broken.
 * A derived cell none of these read is left out: it orders nothing.
 */
class DerivedReaders {
  readonly kept = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly leading: Set<string>;
  private readonly columnsSeen = new Set<string>();
  private readonly rangesSeen = new Set<RangeDep>();

  constructor(private readonly g: Graph, private readonly push: (key: string) => void) {
    this.leading = leadingColumns(g);
  }

  visit(row: string, column: string): void {
    const key = id(row, column);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { g } = this;
    let read = false;
    const take = (k: string) => {
      read = true;
      this.push(k);
    };
    for (const r of g.readers.get(key) ?? []) take(r);
    for (const k of g.sameRowReaders.get(column) ?? []) this.columnCell(k, row, take);
    for (const k of g.fixedReaders.get(key) ?? []) this.everyRow(k, take);
    if (g.rangesByColumn.has(column)) {
      forRangesAt(g, column, g.rowIndex.get(row), (r) => {
        // Whether this cell is kept depends on the range's readers; they are pushed once.
        if (r.cellReaders.size > 0) read = true;
        if (!this.rangesSeen.has(r)) {
          this.rangesSeen.add(r);
          for (const k of r.cellReaders) this.push(k);
        }
        for (const k of r.columnReaders) this.everyRow(k, take);
      });
    }
    if (g.columnReaders.get(column)?.size) {
      read = true;
      if (!this.columnsSeen.has(column)) {
        this.columnsSeen.add(column);
        for (const r of g.columnReaders.get(column)!) this.push(r);
      }
    }
    for (const k of g.wholeReaders.get(column) ?? []) this.everyRow(k, take);
    if (read) this.kept.add(key);
  }

  /** One row of a column formula reading a derived cell. */
  private columnCell(column: string, row: string, take: (k: string) => void): void {
    if (this.leading.has(column) || this.wasCycle(column, row)) take(id(row, column));
  }

  /** Cells of column formulas taken whole, by column: each is looked over once a pass. */
  private readonly whole = new Map<string, string[]>();

  /** Every row of a column formula reading a derived cell: all of them if it leads anywhere, else its #CYCLE! ones. */
  private everyRow(column: string, take: (k: string) => void): void {
    let cells = this.whole.get(column);
    if (cells) {
      // Pushed already: only whether this derived cell is read counts now.
      if (cells.length > 0) take(cells[0]!);
      return;
    }
    const lead = this.leading.has(column);
    cells = [];
    for (const row of this.g.host.rowIds()) if (lead || this.wasCycle(column, row)) cells.push(id(row, column));
    this.whole.set(column, cells);
    for (const k of cells) take(k);
  }

  private wasCycle(column: string, row: string): boolean {
    return wasCycle(this.g, id(row, column));
  }
}

/** Column formulas that some cell formula reads, directly or through other column formulas. */
function leadingColumns(g: Graph): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const c of g.columnNodes.keys()) if (g.cellReadsOf.get(c)) stack.push(c);
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (out.has(c)) continue;
    out.add(c);
    const n = g.columnNodes.get(c)!;
    for (const r of [...n.sameRow, ...n.whole, ...n.fixed.map(columnOf), ...n.ranges.flatMap((x) => x.columns)]) {
      if (g.columnNodes.has(r) && !out.has(r)) stack.push(r);
    }
  }
  return out;
}

/** The derived columns some formula reads: the others lead nowhere. */
function derivedColumnsRead(g: Graph, columns: readonly string[]): string[] {
  let fixed: Set<string> | null = null;
  return columns.filter((c) => {
    if (g.cellReadsOf.has(c) || g.sameRowReaders.get(c)?.size || g.wholeReaders.get(c)?.size || g.rangesByColumn.has(c)) return true;
    fixed ??= new Set([...g.columnNodes.values()].flatMap((n) => n.fixed.map(columnOf)));
    return fixed.has(c);
  });
}

/**
 * The formula and derived cells a formula cell reads (single cells, whole columns: a derived one
 * as its vertex), and the ranges it reads.
 */
function cellInputs(
  g: Graph, key: string, fixedFormulas: Map<ColumnNode, string[]>, derived: ReadonlySet<string>, derivedColumn: (column: string) => string,
): { cells: string[]; ranges: readonly RangeDep[] } {
  const n = g.nodes.get(key);
  const out: string[] = [];
  const holds = (k: string, row = rowOf(k), column = columnOf(k)) => isFormula(g, k, row, column) || derived.has(k);
  const wholeColumn = (c: string) => {
    if (derived.size > 0 && g.host.derived!.columns.includes(c)) out.push(derivedColumn(c));
    // A column without formulas (a result, typed text) holds nothing to order: skip its rows.
    if (!g.cellsIn.has(c) && !g.columnNodes.has(c)) return;
    for (const row of g.host.rowIds()) if (isFormula(g, id(row, c), row, c)) out.push(id(row, c));
  };
  if (n) {
    for (const r of n.reads) if (holds(r)) out.push(r);
    for (const c of n.readsColumns) wholeColumn(c);
    return { cells: out, ranges: n.ranges };
  }
  const node = g.columnNodes.get(columnOf(key))!;
  const row = rowOf(key);
  for (const c of node.sameRow) if (holds(id(row, c), row, c)) out.push(id(row, c));
  // The cells a column formula names by A1 are the same in every row: looked up once a pass.
  let fixed = fixedFormulas.get(node);
  if (!fixed) fixedFormulas.set(node, (fixed = node.fixed.filter((f) => holds(f))));
  for (const f of fixed) out.push(f);
  for (const c of node.whole) wholeColumn(c);
  return { cells: out, ranges: node.ranges };
}

