/**
 * The grid's sort: the sort plugin keeps the sort state and draws the header arrow, but its sort
 * is replaced by a grouped one (row-values.ts groupedOrder) that keeps each sweep's children right
 * under it. The order is set as the row index mapper's sequence of physical rows.
 */
import type Handsontable from 'handsontable/base';
import type { ColumnSorting } from 'handsontable/plugins';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { type GridColumn, rowSortKey } from './grid-columns.ts';
import { type RowSource, groupedOrder } from './row-values.ts';

export type SortConfig = Exclude<ReturnType<ColumnSorting['getSortConfig']>, readonly unknown[] | undefined>;

export function sortingOf(hot: Handsontable.Core): ColumnSorting {
  return hot.getPlugin('columnSorting') as unknown as ColumnSorting;
}

/** The sort the plugin holds, as a list (empty when unsorted). */
export function sortConfigOf(hot: Handsontable.Core): SortConfig[] {
  const config = sortingOf(hot).getSortConfig();
  return Array.isArray(config) ? config : config ? [config] : [];
}

/**
 * Record the wanted sort (the plugin draws the arrow), then order rows in groups — a sweep and its
 * children move together by the sweep's value, the children sorted among themselves by theirs —
 * and render. Physical row i shows engine row ids[i].
 */
export function applyGroupedSort(
  hot: Handsontable.Core, config: readonly SortConfig[], columns: readonly GridColumn[],
  ids: readonly string[], physicalOf: ReadonlyMap<string, number>, source: RowSource,
): void {
  sortingOf(hot).setSortConfig([...config]);
  const first = config[0];
  const key = first === undefined ? undefined : columns[first.column]?.key;
  const rows = ids.map((id) => source(id)).filter((r): r is RowState => r !== undefined);
  const order = key === undefined || first === undefined
    ? ids.map((_, i) => i)
    : groupedOrder(rows, first.sortOrder === 'desc' ? 'desc' : 'asc', (r) => rowSortKey(key, r, source)).map((id) => physicalOf.get(id)!);
  // Grid rows without an engine row (a fill in progress) stay at the end.
  for (let p = ids.length; p < hot.countSourceRows(); p++) order.push(p);
  hot.rowIndexMapper.setIndexesSequence(order);
  hot.render();
}
