/**
 * The column pass: an update that only reaches column formulas whose column graph has no cycle
 * runs column by column, each over the rows that need it (the loops are in column-eval.ts). With
 * 10,000 rows this is what keeps "recompute every formula" within a frame budget. Anything else —
 * a cell formula involved, columns reading one another in a cycle — goes to the cell pass.
 */
import type { Evaluator } from '../formula/index.ts';
import { everyRow, someRows } from './column-eval.ts';
import {
  type CellRef, type ColumnChange, type ColumnNode, type FormulaChanges, type Graph, type RangeDep, type RowSet, addRow, columnOf, forRangesAt, id,
} from './nodes.ts';
import { topologicalOrder } from './order.ts';

/**
 * Recompute `forced` (column formulas' rows to compute whatever their inputs) and what reads
 * `plain` (cells without a formula whose value changed), in the order of the column graph.
 * Returns null, having changed nothing, when the cell pass must run instead: `forcedCells` is not
 * empty, a cell formula reads something involved, or the columns form a cycle.
 */
export function columnPass(
  g: Graph, evaluator: Evaluator, forcedCells: ReadonlySet<string>, forced: ReadonlyMap<string, RowSet>, plain: readonly CellRef[],
): FormulaChanges | null {
  if (forcedCells.size > 0) return null;
  const rows = new Map<string, RowSet>();
  for (const [column, set] of forced) rows.set(column, set === 'all' ? 'all' : new Set(set));
  for (const c of plain) {
    const key = id(c.row, c.column);
    if (g.readers.has(key) && g.readers.get(key)!.size > 0) return null;
    if (g.columnReaders.get(c.column)?.size) return null;
    const ranges = rangesAt(g, c.column, c.row);
    if (ranges.some((r) => r.cellReaders.size > 0)) return null;
    for (const r of ranges) for (const k of r.columnReaders) rows.set(k, 'all');
    for (const k of g.sameRowReaders.get(c.column) ?? []) addRow(rows, k, c.row);
    for (const k of g.fixedReaders.get(key) ?? []) rows.set(k, 'all');
    for (const k of g.wholeReaders.get(c.column) ?? []) rows.set(k, 'all');
  }
  // Every column formula these can reach, and none read by a cell formula.
  const reach = new Set(rows.keys());
  const stack = [...reach];
  while (stack.length > 0) {
    const column = stack.pop()!;
    if (g.cellReadsOf.get(column)) return null;
    for (const k of columnReadersOf(g, column)) if (!reach.has(k)) { reach.add(k); stack.push(k); }
  }
  let edges = 0;
  const order = topologicalOrder(reach, (k) => {
    const inputs = columnInputs(g, g.columnNodes.get(k)!).filter((c) => reach.has(c));
    edges += inputs.length;
    return inputs;
  });
  if (order.cycles.length > 0) return null;
  const all = g.host.rowIds();
  if (edges === 0 && order.sequence.every((c) => rows.get(c) === 'all' && forced.get(c) === 'all')) {
    return { columns: everyRow(order.sequence.map((c) => g.columnNodes.get(c)!), all, evaluator), cells: [] };
  }
  const out: ColumnChange[] = [];
  for (const column of order.sequence) {
    const target = rows.get(column);
    if (target === undefined) continue;
    const change = someRows(g.columnNodes.get(column)!, target, forced.get(column), all, g.rowIndex, evaluator);
    const changedRows = change.rows;
    if (changedRows.length === 0) continue;
    out.push(change);
    for (const k of g.sameRowReaders.get(column) ?? []) for (const r of changedRows) addRow(rows, k, r);
    for (const k of g.wholeReaders.get(column) ?? []) rows.set(k, 'all');
    if (g.fixedReaders.size > 0) {
      for (const r of changedRows) for (const k of g.fixedReaders.get(id(r, column)) ?? []) rows.set(k, 'all');
    }
    for (const range of g.rangesByColumn.get(column) ?? []) {
      if (range.columnReaders.size === 0) continue;
      if (!changedRows.some((r) => covers(range, g.rowIndex.get(r)))) continue;
      for (const k of range.columnReaders) rows.set(k, 'all');
    }
  }
  return { columns: out, cells: [] };
}

/** The ranges covering a cell. */
function rangesAt(g: Graph, column: string, row: string): RangeDep[] {
  const out: RangeDep[] = [];
  forRangesAt(g, column, g.rowIndex.get(row), (r) => out.push(r));
  return out;
}

function covers(range: RangeDep, position: number | undefined): boolean {
  return position !== undefined && range.fromRow <= position && position <= range.toRow;
}

/** Column formulas that read some cell of `column`. */
function columnReadersOf(g: Graph, column: string): Set<string> {
  const out = new Set<string>([...(g.sameRowReaders.get(column) ?? []), ...(g.wholeReaders.get(column) ?? [])]);
  for (const node of g.columnNodes.values()) if (node.fixed.some((f) => columnOf(f) === column)) out.add(node.column);
  for (const range of g.rangesByColumn.get(column) ?? []) for (const k of range.columnReaders) out.add(k);
  return out;
}

/** Columns a column formula reads that are themselves column formulas. */
function columnInputs(g: Graph, node: ColumnNode): string[] {
  const cols = new Set([...node.sameRow, ...node.whole, ...node.fixed.map(columnOf), ...node.ranges.flatMap((r) => r.columns)]);
  return [...cols].filter((c) => g.columnNodes.has(c));
}
