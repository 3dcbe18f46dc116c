/**
 * Evaluating column formulas over rows: the inner loops of the column pass (column-pass.ts), which
 * decides which columns and rows to compute and where the changes propagate.
 *
 * At 10,000 rows these loops are memory-bound: each row's cells and results sit in their own
 * objects, so the loops visit rows in order and allocate as little as they can per cell.
 */
import type { Evaluator, FormulaValue } from '../formula/index.ts';
import { type ColumnChange, type ColumnNode, type RowSet, sameValue } from './nodes.ts';

/**
 * Every row of column formulas that do not read one another (one redefined, or several defined
 * together as when a sheet loads), each row reported. Row by row, so each row's cells are fetched
 * once for all of the columns. `rows` are the row ids in the positions the nodes store values by.
 */
export function everyRow(nodes: readonly ColumnNode[], rows: readonly string[], evaluator: Evaluator): ColumnChange[] {
  // Columns computed before this one in the pass have new values: aggregates over them are read again.
  evaluator.forget();
  // Sized once, and holding any value from the start: an array grown by push from empty turns
  // into a double array when numbers arrive, and every later read of it allocates a number.
  const outs = nodes.map((): FormulaValue[] => new Array<FormulaValue>(rows.length).fill(null));
  for (let i = 0; i < rows.length; i++) {
    for (let c = 0; c < nodes.length; c++) {
      const node = nodes[c]!;
      const value = node.parseError ?? evaluator.evaluate(node.ast!, i);
      node.values[i] = value;
      outs[c]![i] = value;
    }
  }
  const ids = rows.slice();
  return nodes.map((node, c) => ({ column: node.column, rows: ids, values: outs[c]! }));
}

/**
 * One column formula over `target` rows. Reports the rows whose value changed, and those in `must`
 * (just defined, or new) whatever their value: where nothing changed, propagation stops.
 */
export function someRows(
  node: ColumnNode, target: RowSet, must: RowSet | undefined, rows: readonly string[], rowIndex: ReadonlyMap<string, number>, evaluator: Evaluator,
): ColumnChange {
  if (target === 'all' && must === 'all') return everyRow([node], rows, evaluator)[0]!;
  evaluator.forget();
  const { ast, parseError, values } = node;
  const changedRows: string[] = [];
  const changedValues: FormulaValue[] = [];
  const visit = (row: string, index: number) => {
    const value = parseError ?? evaluator.evaluate(ast!, index);
    const old = values[index];
    if (must === 'all' || old === undefined || (must !== undefined && must.has(row)) || !sameValue(value, old)) {
      values[index] = value;
      changedRows.push(row);
      changedValues.push(value);
    }
  };
  if (target === 'all') for (let i = 0; i < rows.length; i++) visit(rows[i]!, i);
  else for (const row of target) {
    const index = rowIndex.get(row);
    if (index !== undefined) visit(row, index);
  }
  return { column: node.column, rows: changedRows, values: changedValues };
}
