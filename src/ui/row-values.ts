/**
 * What a row shows and sorts by, beyond its own cells: a sweep's spread over its children, a
 * child's short label, the values of formula cells, and the grouped sort order that keeps every
 * sweep's children right under it. Pure functions of engine rows; no DOM.
 */
import { type FormulaValue, formatValue, isFormulaError, isFormulaText } from '../engine/formula/index.ts';
import { parseNumericText } from '../engine/formula/values.ts';
import { type RowState, statusText } from '../engine/scheduler/sheet-engine.ts';
import { sweptValuesLabel } from '../engine/scheduler/sweep-label.ts';
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
  return `↳ ${sweptValuesLabel(row, parent)}`;
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

/** Result columns that get a colour scale, and which way is better. */
export const SCALED_COLUMNS: Readonly<Record<string, 'higher' | 'lower'>> = {
  train_loss: 'lower', train_acc: 'higher', val_loss: 'lower', val_acc: 'higher',
  test_loss: 'lower', test_acc: 'higher', test_mae: 'lower',
};

/** The finished values of one metric column, sorted best first, for the grid's colour scale. */
export interface MetricScale {
  readonly better: 'higher' | 'lower';
  /** Finite values of finished, current runs, best first. */
  readonly sorted: readonly number[];
  /** Losses span orders of magnitude (a diverged run): they are placed on a log scale. */
  readonly log: boolean;
}

/**
 * One scale per metric column over the rows that finished with a current result (not sweeps,
 * which show a mean). Computed once per engine tick, read by every cell render.
 */
export function metricScales(rows: readonly RowState[], value: (key: string, row: RowState) => SortKey): Map<string, MetricScale> {
  const out = new Map<string, MetricScale>();
  const finished = rows.filter((r) => r.sweep === null && r.result !== null && (r.status.state === 'done' || r.status.state === 'diverged')
    && r.parsed.ok && r.resultKey === r.parsed.key);
  for (const [key, better] of Object.entries(SCALED_COLUMNS)) {
    const values: number[] = [];
    for (const r of finished) {
      const v = value(key, r);
      if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
    }
    if (values.length < 2) continue;
    values.sort((a, b) => (better === 'higher' ? b - a : a - b));
    const lo = Math.min(values[0]!, values.at(-1)!);
    const hi = Math.max(values[0]!, values.at(-1)!);
    out.set(key, { better, sorted: values, log: better === 'lower' && lo > 0 && hi / lo > 20 });
  }
  return out;
}

/**
 * Where a value sits on its column's scale: 1 is the best finished run, 0 the worst, linear in
 * the value (log for losses that span decades) so close values get close colours; and its rank.
 */
export function scalePlace(scale: MetricScale, v: number): { readonly quality: number; readonly rank: number } | null {
  if (!Number.isFinite(v)) return null;
  const { sorted } = scale;
  const best = sorted[0]!;
  const worst = sorted.at(-1)!;
  // Called for every scaled cell on screen at every repaint: no closures, no pass over the column.
  const span = scale.log ? Math.log(worst) - Math.log(best) : worst - best;
  const from = scale.log ? Math.log(v) - Math.log(best) : v - best;
  const quality = span === 0 ? 1 : Math.min(1, Math.max(0, 1 - from / span));
  // 1 + the values strictly better than v: `sorted` runs best first, so they are a prefix of it.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (scale.better === 'higher' ? sorted[mid]! > v : sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return { quality, rank: lo + 1 };
}

const SCALE_STEPS = 20;

/**
 * Background colour for a quality 0..1: light orange (worse) through near-white to light blue
 * (better), from ColorBrewer's RdBu, which reads for red-green colour blindness; all three are
 * light enough for dark text.
 */
export function scaleColor(quality: number): string {
  // In twentieths: finer steps are not told apart by eye, and a colour that stays put costs no restyle.
  return SCALE_COLORS[Math.round(Math.min(1, Math.max(0, quality)) * SCALE_STEPS)]!;
}

/** scaleColor's colours, made once: it runs for every scaled cell on screen at every repaint. */
const SCALE_COLORS: readonly string[] = Array.from({ length: SCALE_STEPS + 1 }, (_, step) => {
  const stops: readonly (readonly [number, number, number])[] = [[244, 165, 130], [247, 247, 247], [146, 197, 222]];
  const x = step / SCALE_STEPS * 2;
  const i = Math.min(1, Math.floor(x));
  const u = x - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * u));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
});
