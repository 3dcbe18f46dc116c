/**
 * The cell pass: an update computed cell by cell, for whatever the column pass (column-pass.ts)
 * cannot take — cell formulas downstream, column formulas in a cycle. It finds every formula cell
 * reachable from the seeds, orders them by what they read, gives each member of a cycle #CYCLE!
 * with the path, and recomputes the rest in order, stopping where a value did not change.
 */
import { type Evaluator, type FormulaValue, formatCellRef, formulaError } from '../formula/index.ts';
import {
  type CellRef, type ColumnNode, type FormulaUpdate, type Graph, type RangeDep, type RowSet, columnOf, forRangesAt, id, isFormula, rowOf, sameValue,
} from './nodes.ts';
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
  const affected = downstream(g, seeds);
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
  const out: FormulaUpdate[] = [];
  const { sequence, cycles } = orderAffected(g, affected);
  for (const cycle of cycles) {
    const path = [...cycle, cycle[0]!].map((k) => label(g, k)).join(' → ');
    for (const key of cycle) {
      const value = formulaError('#CYCLE!', `circular reference: ${path}`);
      assign(g, key, value);
      evaluator.changed(columnOf(key));
      markDirty(key);
      out.push({ row: rowOf(key), column: columnOf(key), value });
    }
  }
  for (const key of sequence) {
    if (!dirty.has(key) && !inputsChanged(g, key, dirty, dirtyColumns, dirtyRanges)) continue;
    const value = compute(g, evaluator, key);
    // A value that did not change stops the propagation here.
    if (dirty.has(key) || !sameValue(value, current(g, key))) {
      assign(g, key, value);
      // An aggregate remembered over this cell's column is read again by the cells after it.
      evaluator.changed(columnOf(key));
      markDirty(key);
      out.push({ row: rowOf(key), column: columnOf(key), value });
    }
  }
  return out;
}

/**
 * The affected cells in topological order, and their cycles. A range read is one vertex of the
 * ordering, over a few shared tree vertices (range-order.ts), rather than an edge to each cell it
 * covers: 2,000 formulas reading the same 2,000-cell range make about 6,000 edges, not 4,000,000.
 * These vertices keep what reaches what among cells, so the cycles are the same; they are left
 * out of the answer.
 */
function orderAffected(g: Graph, affected: ReadonlySet<string>): { sequence: readonly string[]; cycles: readonly (readonly string[])[] } {
  const fixedFormulas = new Map<ColumnNode, string[]>();
  const vertices = new RangeVertices(g, affected);
  const inputs = new Map<string, readonly string[]>();
  for (const k of affected) {
    const { cells, ranges } = cellInputs(g, k, fixedFormulas);
    const list = cells.filter((d) => affected.has(d));
    for (const r of ranges) {
      const v = vertices.vertex(r);
      if (v !== null) list.push(v);
    }
    inputs.set(k, list);
  }
  if (vertices.inputs.size === 0) return topologicalOrder(affected, (k) => inputs.get(k) ?? []);
  const { sequence, cycles } = topologicalOrder([...affected, ...vertices.inputs.keys()], (k) => inputs.get(k) ?? vertices.inputs.get(k) ?? [], (k) => vertices.has(k));
  return {
    sequence: sequence.filter((k) => !vertices.has(k)),
    cycles: cycles.map((c) => c.filter((k) => !vertices.has(k))).filter((c) => c.length > 0),
  };
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

/** Formula cells reachable from the seeds through readers (the seeds' own formulas included). */
function downstream(g: Graph, seeds: readonly string[]): Set<string> {
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
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (out.has(key)) continue;
    const row = rowOf(key);
    const column = columnOf(key);
    if (isFormula(g, key, row, column)) out.add(key);
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
  return out;
}

/** The formula cells a formula cell reads (single cells and whole columns), and the ranges it reads. */
function cellInputs(g: Graph, key: string, fixedFormulas: Map<ColumnNode, string[]>): { cells: string[]; ranges: readonly RangeDep[] } {
  const n = g.nodes.get(key);
  const out: string[] = [];
  const wholeColumn = (c: string) => {
    // A column without formulas (a result, typed text) holds nothing to order: skip its rows.
    if (!g.cellsIn.has(c) && !g.columnNodes.has(c)) return;
    for (const row of g.host.rowIds()) if (isFormula(g, id(row, c), row, c)) out.push(id(row, c));
  };
  if (n) {
    for (const r of n.reads) if (isFormula(g, r)) out.push(r);
    for (const c of n.readsColumns) wholeColumn(c);
    return { cells: out, ranges: n.ranges };
  }
  const node = g.columnNodes.get(columnOf(key))!;
  const row = rowOf(key);
  for (const c of node.sameRow) if (isFormula(g, id(row, c), row, c)) out.push(id(row, c));
  // The cells a column formula names by A1 are the same in every row: looked up once a pass.
  let fixed = fixedFormulas.get(node);
  if (!fixed) fixedFormulas.set(node, (fixed = node.fixed.filter((f) => isFormula(g, f))));
  for (const f of fixed) out.push(f);
  for (const c of node.whole) wholeColumn(c);
  return { cells: out, ranges: node.ranges };
}

/** A cell as a cycle's message names it: its A1 address, or column and row number past the grid. */
function label(g: Graph, key: string): string {
  const row = g.rowIndex.get(rowOf(key)) ?? 0;
  const column = columnOf(key);
  const col = g.host.columns().indexOf(column);
  return col < 0 ? `${column}${row + 1}` : formatCellRef({ row, column: col, absColumn: false, absRow: false });
}
