/**
 * Placing a row's cells in the sheet: a plain row takes its parsed spec and, if the spec changed,
 * a known result or a place in the queue; a row whose cells sweep expands into one child row per
 * combination, and the children whose spec did not change are kept with their results or their
 * runs in progress. A name or note edit changes no spec, so it runs nothing.
 */
import { expandRow } from '../grammar/sweep.ts';
import type { CellError } from '../errors.ts';
import type { FormulaValue } from '../formula/index.ts';
import type { TrainResult } from '../job.ts';
import { type ParsedRow, type RowCells, parseRow } from '../spec.ts';
import { effectiveCells } from './cell-values.ts';
import { type RowInit, type RowState, type RunMode, finishedStatus, pendingStatus, sweepStatus } from './row-state.ts';
import type { RowTable } from './row-table.ts';
import type { Runs } from './run-lifecycle.ts';
import type { SheetFormulas } from './sheet-formulas.ts';

/** The parts of the sheet a row leaves when it is removed. */
export interface SheetParts {
  readonly table: RowTable;
  readonly runs: Runs;
  readonly formulas: SheetFormulas;
}

/** What placing rows reads and changes: the sheet, its run mode, and the edit the placing is for. */
export interface Placing extends SheetParts {
  readonly mode: RunMode;
  /** The edit sequence number that rows queued now carry (the latest edit runs first). */
  readonly seq: number;
}

/**
 * Give top-level row `id` these cells (its previous object `prev`, or null for a new row; `saved`,
 * a result saved with it in a file). Returns the rows that changed: the row and any children
 * added, kept or removed.
 */
export function placeRow(at: Placing, id: string, cells: RowCells, prev: RowState | null, saved?: RowInit['saved'], forced?: readonly CellError[]): Set<string> {
  const { table, formulas } = at;
  const changed = new Set<string>([id]);
  const effective = effectiveCells(cells, (column) => formulas.value(id, column));
  // `forced`: placed as invalid with these errors whatever its cells say (a row held by the engine).
  const errors = forced ?? effective.errors;
  const expansion = errors.length > 0 ? { ok: false as const, error: [...errors] } : expandRow(effective.cells);
  const oldChildren = prev?.sweep?.children ?? [];
  const sweeps = expansion.ok && expansion.value !== null;
  // A sweep's row reads differently in formulas (its metrics are its children's mean, its status 'sweep').
  if (sweeps !== (table.get(id)?.sweep != null)) formulas.inputsChanged(id);
  if (expansion.ok && expansion.value !== null) {
    placeSweep(at, id, cells, prev, expansion.value, changed);
    return changed;
  }
  if (oldChildren.length > 0) {
    const gone = new Set(oldChildren);
    for (const c of oldChildren) {
      dropRow(at, c);
      changed.add(c);
    }
    table.order = table.order.filter((x) => !gone.has(x));
  }
  const parsed: ParsedRow = expansion.ok ? parseRow(effective.cells) : { ok: false, errors: expansion.error };
  const base = prev && !prev.sweep ? prev : null;
  placePlain(at, id, cells, parsed, base, null, saved);
  if (oldChildren.length > 0) formulas.rowsMoved();
  return changed;
}

/**
 * A row whose cells sweep: the row itself trains nothing; its children are matched to the old
 * ones by spec key, so a child whose spec did not change keeps its result or its run.
 */
function placeSweep(
  at: Placing, id: string, cells: RowCells, prev: RowState | null,
  sweep: { readonly swept: readonly string[]; readonly combos: readonly RowCells[] }, changed: Set<string>,
): void {
  const { table, runs, formulas } = at;
  const oldChildren = prev?.sweep?.children ?? [];
  runs.withdraw(id);
  const byKey = new Map<string, string>();
  for (const c of oldChildren) {
    const p = table.get(c)?.parsed;
    if (p?.ok && !byKey.has(p.key)) byKey.set(p.key, c);
  }
  // Each combination: an old run with its key (kept as it is), else a run dropped earlier in this
  // update with its key (it comes back under its id: placePlain unparks it), else a new run. Ids
  // coming back are placed before new runs take ids, so that no new run takes one.
  const parsedAll = sweep.combos.map((combo) => parseRow(combo));
  const found: (string | undefined)[] = [];
  const back = new Set<string>();
  for (const parsed of parsedAll) {
    const reuse = parsed.ok ? byKey.get(parsed.key) : undefined;
    if (reuse !== undefined && parsed.ok) byKey.delete(parsed.key);
    const parked = reuse === undefined && parsed.ok ? runs.parkedChild(id, parsed.key, back) : undefined;
    if (parked) back.add(parked.id);
    found.push(reuse ?? parked?.id);
  }
  for (const [i, cid] of found.entries()) {
    if (cid === undefined) continue;
    if (back.has(cid)) placePlain(at, cid, sweep.combos[i]!, parsedAll[i]!, null, id);
    else table.set({ ...table.get(cid)!, cells: sweep.combos[i]! });
  }
  const children = found.map((cid, i) => cid ?? placeNew(at, `${id}/${i + 1}`, sweep.combos[i]!, parsedAll[i]!, id));
  const keep = new Set(children);
  // Children in a new order move rows: the formula graph reads positions.
  if (children.length !== oldChildren.length || children.some((c, i) => c !== oldChildren[i])) formulas.rowsMoved();
  for (const c of oldChildren) if (!keep.has(c)) dropRow(at, c);
  for (const c of children) if (!oldChildren.includes(c)) formulas.defineRow(c);
  for (const c of [...oldChildren, ...children]) changed.add(c);
  const old = new Set(oldChildren);
  table.order = table.order.filter((x) => !old.has(x));
  table.order.splice(table.order.indexOf(id) + 1, 0, ...children);
  const parsed = parseRow(sweep.combos[0]!);
  table.set({
    id, cells: { ...cells }, parsed, status: sweepStatus(children.map((c) => table.get(c)!)),
    result: null, resultKey: null, version: (prev?.version ?? 0) + 1, live: [], liveBoundary: null, parent: null,
    sweep: { swept: sweep.swept, children }, formulas: table.get(id)?.formulas ?? {},
  });
  formulas.resultChanged(id);
}

/** A new run of sweep `parent` (an id like `wanted` if free): placed, its id returned. */
function placeNew(at: Placing, wanted: string, combo: RowCells, parsed: ParsedRow, parent: string): string {
  const cid = at.table.freshId(wanted);
  placePlain(at, cid, combo, parsed, null, parent);
  return cid;
}

/** Set a trainable row: keep its run when the spec did not change, else show a known result or queue it. */
function placePlain(
  at: Placing, id: string, cells: RowCells, parsed: ParsedRow, prev: RowState | null, parent: string | null, saved?: RowInit['saved'],
): void {
  const { table, runs, formulas } = at;
  if (prev && keyOf(parsed) === keyOf(prev.parsed) && parsed.ok === prev.parsed.ok) {
    // A name or note edit: the run and its result stay.
    table.set({ ...prev, cells: { ...cells }, parsed, status: parsed.ok ? prev.status : pendingStatus(parsed) });
    return;
  }
  runs.withdraw(id);
  const back = parsed.ok ? runs.unpark(id, parsed.key) : undefined;
  if (back) {
    // Back to the spec it was queued or running for earlier in this update: as it was then.
    table.set(unparkedRow(back, cells, parsed, parent, table.get(id)));
    formulas.resultChanged(id);
    return;
  }
  const known = saved && parsed.ok && saved.key === parsed.key ? saved.result : parsed.ok ? runs.known(parsed.key) : undefined;
  // Counted from the id's current object, not from `prev`: a sweep turning back into a plain row
  // has no plain `prev`, and restarting at 1 would hand out a job id (`r@1`) already used.
  const current = table.get(id);
  const base: RowState = {
    id, cells: { ...cells }, parsed, status: pendingStatus(parsed),
    result: prev?.result ?? saved?.result ?? null, resultKey: prev?.resultKey ?? saved?.key ?? null,
    version: (current?.version ?? 0) + 1, live: [], liveBoundary: null, parent, sweep: null, formulas: current?.formulas ?? {},
  };
  // The shown result changes (or turns stale): formulas reading it recompute.
  formulas.resultChanged(id);
  if (known && parsed.ok) {
    // Seen before (an undo, an old value typed back, a saved file): shown at once, no training.
    table.set({ ...base, status: finishedStatus(known), result: known, resultKey: parsed.key });
    return;
  }
  table.set(base);
  if (!parsed.ok) return;
  if (at.mode === 'auto') runs.enqueue(id, at.seq);
  else table.set({ ...base, status: { state: 'stale' } });
}

/**
 * What placing a row takes from the engine besides the rows themselves: the results known by spec
 * key, and the run mode a new spec meets (queued in 'auto', stale in 'manual'). placedView reads
 * the same, so the prediction and the placing cannot be handed different ones.
 */
export interface PlacingView {
  known(key: string): TrainResult | undefined;
  mode(): RunMode;
  /** Row `id` as it was when this update withdrew it from a run or the queue for spec `key` (Runs.parkedRow). */
  parked(id: string, key: string): RowState | undefined;
  /** A run of sweep `parent` this update dropped while queued or running for spec `key` (Runs.parkedChild). */
  parkedChild(parent: string, key: string, taken: ReadonlySet<string>): RowState | undefined;
}

/** A top-level row as formulas would read it once placed: a plain row, or a sweep's runs. */
export type PlacedView = { readonly row: RowState; readonly runs?: undefined } | { readonly runs: readonly RowState[] };

/**
 * Top-level row `row` as placing it with the formula values `valueOf` gives would show it to
 * formulas, without placing it: what placeRow, placeSweep and placePlain decide, read-only. A
 * plain row: its parsed spec, status and result (`row` itself when its spec key stays). A sweep:
 * its runs, those whose spec stays as they are, the others new (a known result, else on their way).
 * The formula graph reads a row through this during a pass, so a setting reading the result of a
 * row whose own settings changed earlier in the same pass reads what that row is about to become:
 * a wave along a chain of rows resolves in one pass, not one pass per link (review-21 F1).
 */
export function placedView(
  row: RowState, valueOf: (column: string) => FormulaValue | undefined, at: PlacingView, table: Pick<RowTable, 'get'>,
): PlacedView {
  const effective = effectiveCells(row.cells, valueOf);
  // A sweep turning plain is placed with no `prev` (placeRow): no result, nothing kept.
  const plain: RowState = row.sweep ? { ...row, sweep: null, result: null, resultKey: null } : row;
  if (effective.errors.length > 0) return { row: invalidView(plain, effective.errors) };
  const expansion = expandRow(effective.cells);
  if (!expansion.ok) return { row: invalidView(plain, expansion.error) };
  if (expansion.value !== null) return { runs: sweepView(row, expansion.value.combos, at, table) };
  const parsed = parseRow(effective.cells);
  if (!parsed.ok) return { row: invalidView(plain, parsed.errors) };
  if (plain === row && row.parsed.ok && row.parsed.key === parsed.key) return { row };
  const back = at.parked(row.id, parsed.key);
  if (back) return { row: unparkedRow(back, row.cells, parsed, null, plain) };
  return { row: newSpecView(plain, parsed, at) };
}

/** A sweep's runs once placed (placeSweep): matched to its runs now by spec key. */
function sweepView(row: RowState, combos: readonly RowCells[], at: PlacingView, table: Pick<RowTable, 'get'>): RowState[] {
  const byKey = new Map<string, RowState>();
  for (const id of row.sweep?.children ?? []) {
    const c = table.get(id);
    if (c?.parsed.ok && !byKey.has(c.parsed.key)) byKey.set(c.parsed.key, c);
  }
  const unparked = new Set<string>();
  return combos.map((combo) => {
    const parsed = parseRow(combo);
    const kept = parsed.ok ? byKey.get(parsed.key) : undefined;
    if (kept && parsed.ok) {
      byKey.delete(parsed.key);
      return kept;
    }
    const back = parsed.ok ? at.parkedChild(row.id, parsed.key, unparked) : undefined;
    if (back) {
      unparked.add(back.id);
      return unparkedRow(back, combo, parsed, row.id, undefined);
    }
    const fresh: RowState = { ...row, parsed, result: null, resultKey: null, parent: row.id, sweep: null, status: pendingStatus(parsed) };
    return parsed.ok ? newSpecView(fresh, parsed, at) : fresh;
  });
}

/** A row given a spec key it did not have (placePlain): a known result, else on its way. */
function newSpecView(row: RowState, parsed: ParsedRow & { ok: true }, at: PlacingView): RowState {
  const result = at.known(parsed.key);
  if (result) return { ...row, parsed, status: finishedStatus(result), result, resultKey: parsed.key };
  return { ...row, parsed, status: at.mode() === 'auto' ? { state: 'queued' } : { state: 'stale' } };
}

/**
 * A row placed back on the spec it was queued or running for when this update withdrew it
 * (`back`, Runs.unpark): its status, version, result and run as they were; its cells, spec and
 * formula values as they are now.
 */
function unparkedRow(back: RowState, cells: RowCells, parsed: ParsedRow, parent: string | null, current: RowState | undefined): RowState {
  return { ...back, cells: { ...cells }, parsed, parent, sweep: null, formulas: current?.formulas ?? {} };
}

function invalidView(row: RowState, errors: readonly CellError[]): RowState {
  const parsed: ParsedRow = { ok: false, errors: [...errors] };
  return { ...row, parsed, status: pendingStatus(parsed) };
}

/** Take a row out of the sheet: its run, its formulas, its object. Its place in the order is the caller's. */
export function dropRow(at: SheetParts, id: string): void {
  at.runs.withdraw(id);
  at.formulas.forgetRow(id);
  at.table.delete(id);
  at.formulas.rowsMoved();
}

/** A row before its spec is read: the typed text, so formulas can see it. */
export function bare(id: string, cells: RowCells): RowState {
  return {
    id, cells: { ...cells }, parsed: { ok: false, errors: [] }, status: { state: 'queued' }, result: null, resultKey: null,
    version: 0, live: [], liveBoundary: null, parent: null, sweep: null, formulas: {},
  };
}

function keyOf(p: ParsedRow): string | null {
  return p.ok ? p.key : null;
}
