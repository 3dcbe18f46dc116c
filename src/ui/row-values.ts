/**
 * What a row shows and sorts by, beyond its own cells: a sweep's spread over its children, a
 * child's short label, the values of formula cells, and the grouped sort order that keeps every
 * sweep's children right under it. Pure functions of engine rows; no DOM.
 */
import { type FormulaValue, formatValue, isFormulaError, isFormulaText } from '../engine/formula/index.ts';
import { parseNumericText } from '../engine/formula/values.ts';
import { type RowState, statusText } from '../engine/scheduler/sheet-engine.ts';
import { SWEPT_COLUMN_METRICS, type Spread, type SweptMetric, sweepSummary } from '../engine/scheduler/sweep-stats.ts';

/** Finds an engine row by id (the grid's view of the engine). */
export type RowSource = (id: string) => RowState | undefined;

/** Result columns a sweep summarizes, with the field and the decimals of its spread. */
export const SWEPT_COLUMNS: Readonly<Record<string, { readonly metric: SweptMetric; readonly digits: number }>> = Object.fromEntries(
  Object.entries(SWEPT_COLUMN_METRICS).map(([key, metric]) => [key, { metric, digits: metric === 'seconds' ? 1 : 4 }]),
);

/** Spread per metric of a sweep row, cached per snapshot: the engine makes a new parent object whenever a child changes. */
const spreads = new WeakMap<RowState, { children: readonly (RowState | undefined)[]; value: Partial<Record<SweptMetric, Spread>> }>();

export function sweepSpreads(row: RowState, source: RowSource): Partial<Record<SweptMetric, Spread>> {
  if (!row.sweep) return {};
  const children = row.sweep.children.map(source);
  const cached = spreads.get(row);
  if (cached && cached.children.length === children.length && cached.children.every((c, i) => c === children[i])) return cached.value;
  const value = sweepSummary(children.filter((c): c is RowState => c !== undefined));
  spreads.set(row, { children, value });
  return value;
}

/** The spread a sweep row shows in a result column, or undefined for columns a sweep does not summarize. */
export function sweepSpread(row: RowState, key: string, source: RowSource): Spread | undefined {
  const m = SWEPT_COLUMNS[key];
  return m ? sweepSpreads(row, source)[m.metric] : undefined;
}

/** `↳ lr=0.01, seed=2`: a child's name, from the values of its parent's swept columns. */
export function childLabel(row: RowState, parent: RowState | undefined): string {
  const swept = parent?.sweep?.swept ?? [];
  return `↳ ${swept.map((k) => `${k}=${(row.cells[k] ?? '').trim()}`).join(', ')}`;
}

/** The value of a formula cell as the grid prints it, and its error if it is one. */
export function formulaText(v: FormulaValue | undefined): { text: string; error: { code: string; message: string } | null } {
  if (v === undefined) return { text: '', error: null };
  if (isFormulaError(v)) return { text: v.code, error: { code: v.code, message: v.message } };
  return { text: formatValue(v), error: null };
}

export type SortKey = number | string | null;

function keyOfValue(v: FormulaValue | undefined): SortKey {
  if (v === undefined || v === null || isFormulaError(v)) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return v === '' ? null : v;
}

/**
 * What a row sorts by in a column: typed numbers as numbers, a formula cell by its value, a
 * sweep by the mean of its children, a result by its raw value; null (always last) when empty.
 */
export function sortKey(key: string, row: RowState, source: RowSource, result: (key: string, row: RowState) => SortKey): SortKey {
  const raw = row.cells[key];
  if (raw !== undefined && isFormulaText(raw)) return keyOfValue(row.formulas[key]);
  if (raw !== undefined) {
    const text = raw.trim();
    return text === '' ? null : parseNumericText(text) ?? text;
  }
  if (Object.hasOwn(row.formulas, key)) return keyOfValue(row.formulas[key]);
  if (key === 'status') return statusText(row.status);
  if (row.sweep) return sweepSpread(row, key, source)?.mean ?? null;
  return result(key, row);
}

/** Numbers before text, nulls last whichever the direction. */
export function compareKeys(a: SortKey, b: SortKey, order: 'asc' | 'desc'): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const sign = order === 'asc' ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return sign * a.localeCompare(b, undefined, { numeric: true });
}

/**
 * Row ids in display order for a sort: top-level rows (a sweep with its children counts as one
 * group) by their own key, each sweep's children right under it, sorted among themselves by
 * theirs. Ties keep sheet order.
 */
export function groupedOrder(rows: readonly RowState[], order: 'asc' | 'desc', keyOf: (row: RowState) => SortKey): string[] {
  const groups: { head: RowState; key: SortKey; at: number; children: { row: RowState; key: SortKey; at: number }[] }[] = [];
  const byId = new Map<string, (typeof groups)[number]>();
  rows.forEach((row, at) => {
    const group = row.parent === null ? undefined : byId.get(row.parent);
    if (group) group.children.push({ row, key: keyOf(row), at });
    else {
      const g = { head: row, key: keyOf(row), at, children: [] };
      groups.push(g);
      byId.set(row.id, g);
    }
  });
  const cmp = (x: { key: SortKey; at: number }, y: { key: SortKey; at: number }) => compareKeys(x.key, y.key, order) || x.at - y.at;
  groups.sort(cmp);
  return groups.flatMap((g) => [g.head.id, ...g.children.sort(cmp).map((c) => c.row.id)]);
}
