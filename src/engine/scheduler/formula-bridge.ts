/**
 * From the formula graph to row objects: the graph reports which formula cells changed, and each
 * affected row gets one new immutable row object per pass, however many of its columns changed.
 */
import type { ColumnChange, FormulaChanges } from '../graph/formula-cells.ts';
import { type FormulaValue, PENDING } from '../formula/index.ts';
import type { RowState } from './row-state.ts';

/** Where the engine keeps its rows: read the current object, replace it with a new one. */
export interface RowStore {
  get(id: string): RowState | undefined;
  set(row: RowState): void;
}

/**
 * Give rows their new formula values, adding each changed row's id to `changed`: one new row
 * object per row, however many of its columns changed. A pass over three formula columns updates
 * 30,000 cells, so this loop is kept lean.
 */
export function applyFormulaValues(changes: FormulaChanges, rows: RowStore, changed: Set<string>): void {
  const { columns, cells } = changes;
  if (columns.length === 0 && cells.length === 0) return;
  if (cells.length === 0 && sameRows(columns)) {
    // The usual column pass: every column changed the same rows, so each row is made in one go.
    const ids = columns[0]!.rows;
    for (let i = 0; i < ids.length; i++) {
      const row = rows.get(ids[i]!);
      if (!row) continue;
      const formulas = copyFormulas(row.formulas);
      for (let c = 0; c < columns.length; c++) formulas[columns[c]!.column] = shown(columns[c]!.values[i]!);
      rows.set(withFormulas(row, formulas));
      changed.add(row.id);
    }
    return;
  }
  // Formula objects made in this pass, by row: later values write into them (not shown yet).
  const fresh = new Map<string, Record<string, FormulaValue>>();
  const put = (id: string, column: string, value: FormulaValue) => {
    const mine = fresh.get(id);
    if (mine) {
      mine[column] = shown(value);
      return;
    }
    const row = rows.get(id);
    if (!row) return;
    const formulas = copyFormulas(row.formulas);
    formulas[column] = shown(value);
    rows.set(withFormulas(row, formulas));
    fresh.set(id, formulas);
    changed.add(id);
  };
  for (const c of columns) for (let i = 0; i < c.rows.length; i++) put(c.rows[i]!, c.column, c.values[i]!);
  for (const c of cells) put(c.row, c.column, c.value);
}

/**
 * A formula's value as rows hold it: one waiting on a result (PENDING) is empty, as a result cell
 * with no result is. The graph keeps PENDING itself, so formulas reading this one wait too.
 */
function shown(v: FormulaValue): FormulaValue {
  return v === PENDING ? null : v;
}

/** Whether every column change lists the same rows in the same order. */
function sameRows(columns: readonly ColumnChange[]): boolean {
  const first = columns[0]!.rows;
  for (let c = 1; c < columns.length; c++) {
    const rows = columns[c]!.rows;
    if (rows === first) continue;
    if (rows.length !== first.length) return false;
    for (let i = 0; i < rows.length; i++) if (rows[i] !== first[i]) return false;
  }
  return true;
}

/** The rows whose formula values in these columns changed (each once). */
export function rowsChangedIn(changes: FormulaChanges, wanted: (column: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const c of changes.columns) if (wanted(c.column)) for (const r of c.rows) out.add(r);
  for (const c of changes.cells) if (wanted(c.column)) out.add(c.row);
  return out;
}

/** A row's formula values, copied key by key: cheaper than a spread in the per-row loop. */
function copyFormulas(from: Readonly<Record<string, FormulaValue>>): Record<string, FormulaValue> {
  const out: Record<string, FormulaValue> = {};
  for (const key in from) out[key] = from[key]!;
  return out;
}

/**
 * The row with new formula values. Spelled out field by field rather than spread: rows are made
 * in several places with different key orders, and a spread over such objects takes V8's slow
 * path — the difference shows when a formula column updates 10,000 rows.
 */
function withFormulas(r: RowState, formulas: Readonly<Record<string, FormulaValue>>): RowState {
  return {
    id: r.id, cells: r.cells, parsed: r.parsed, status: r.status, result: r.result, resultKey: r.resultKey,
    version: r.version, live: r.live, liveBoundary: r.liveBoundary, parent: r.parent, sweep: r.sweep, formulas,
  };
}
