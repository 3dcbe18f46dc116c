/**
 * The live sheet: rows of cell text, their parsed specs, and the runs that fill their results.
 *
 * Edits are gathered and applied in one pass (a microtask by default). A row whose spec key
 * changed is cancelled if running, marked queued and dispatched; a row whose spec did not change
 * (a name or a note edit) runs nothing. Every run carries the row's version: a late result from a
 * superseded run is dropped. Listeners see immutable row snapshots, a new object per change.
 *
 * This class is the coordinator and the public API; the parts it coordinates live beside it:
 * row-table.ts (rows by id, sheet order), row-placement.ts (a row's cells to a spec, or to a
 * sweep's children), run-lifecycle.ts (queue, runs in flight, result cache) and sheet-formulas.ts
 * (the formula graph over the rows and its recompute).
 */
import { INPUT_COLUMNS } from '../columns.ts';
import { cellError } from '../errors.ts';
import { FILE_LIMITS } from '../file/types.ts';
import { isFormulaText } from '../formula/index.ts';
import { cutText } from '../text-cut.ts';
import type { TrainResult } from '../job.ts';
import type { RowCells } from '../spec.ts';
import { type SheetParts, bare, dropRow, placeRow } from './row-placement.ts';
import { type CellEdit, type FormulaColumn, type RowInit, type RowState, type RunMode, sweepStatus } from './row-state.ts';
import { type ResultCache, Runs } from './run-lifecycle.ts';
import { RowTable } from './row-table.ts';
import type { Runner } from './runner.ts';
import { SheetFormulas } from './sheet-formulas.ts';

/**
 * Why a held row is invalid: its formulas' values and its placing kept changing each other (a
 * sweep's runs move the rows below it, so an A1 reference can read one of its own runs only while
 * it sweeps).
 */
const UNSETTLED_MESSAGE = 'its value does not settle: placing this row changes what its formula reads (a sweep\'s runs move the rows an A1 reference points at), and that changes the row again';
const UNSETTLED_EXPECTED = 'a formula whose value does not depend on how this row is placed';

export { type CellEdit, type FormulaColumn, type RowInit, type RowState, type RunMode, type RunStatus, isStale, statusText } from './row-state.ts';
export type { ResultCache } from './run-lifecycle.ts';

/** Called after each pass with the ids of the rows whose objects changed. */
export type Listener = (changed: ReadonlySet<string>) => void;

export interface EngineOptions {
  /** How a gathered pass is scheduled; tests may pass a synchronous one. */
  readonly schedule?: (flush: () => void) => void;
  /** Where finished results are kept by spec key; an in-memory map by default. */
  readonly cache?: ResultCache;
  /** Columns the person added, computed by a formula in every row. */
  readonly formulaColumns?: readonly FormulaColumn[];
  /** 'auto' by default. */
  readonly runMode?: RunMode;
}

/** The sheet: rows given as cell text (and saved results), trained through `runner`. */
export class SheetEngine {
  private readonly table = new RowTable();
  private readonly listeners = new Set<Listener>();
  private readonly pendingEdits: CellEdit[] = [];
  private flushScheduled = false;
  private editSeq = 0;
  /** Rows whose formulas did not settle (see SheetFormulas.recompute): left invalid until their cells are edited. */
  private readonly held = new Set<string>();
  private readonly schedule: (flush: () => void) => void;
  private readonly runs: Runs;
  private readonly formulas: SheetFormulas;
  /** The parts placing and dropping rows change. */
  private readonly parts: SheetParts;
  private mode: RunMode;

  constructor(rows: readonly RowInit[], runner: Runner, opts: EngineOptions = {}) {
    // queueMicrotask must be called unbound: browsers throw "Illegal invocation" otherwise.
    this.schedule = opts.schedule ?? ((flush) => queueMicrotask(flush));
    const table = this.table;
    this.runs = new Runs({
      order: () => table.order,
      row: (id) => table.get(id),
      set: (row) => table.set(row),
      emit: (changed) => this.emit(changed),
      refreshSweep: (parent) => this.refreshSweep(parent),
      resultChanged: (id) => this.formulas.resultChanged(id),
      settled: (id) => {
        const changed = new Set([id]);
        this.recompute(changed, ++this.editSeq);
        this.emit(changed);
        this.refreshSweep(table.get(id)?.parent ?? null);
      },
      started: (ids) => this.statusesChanged(ids, ++this.editSeq),
      // A macrotask, whatever `schedule` is: a pump that keeps queueing again must not starve the page.
      later: (fn) => setTimeout(fn, 0),
      manual: () => this.mode === 'manual',
    }, runner, opts.cache ?? new Map<string, TrainResult>());
    this.formulas = new SheetFormulas(table, opts.formulaColumns ?? [], {
      known: (key) => this.runs.known(key), mode: () => this.mode, parked: (id, key) => this.runs.parkedRow(id, key),
      parkedChild: (parent, key, taken) => this.runs.parkedChild(parent, key, taken),
    });
    this.parts = { table, runs: this.runs, formulas: this.formulas };
    this.mode = opts.runMode ?? 'auto';
    // Typed text first, so formulas can read it; then formulas; then each row's spec.
    const ids: string[] = [];
    rows = rows.map(withinCaps);
    for (const r of rows) {
      if (r.saved) this.runs.remember(r.saved.key, r.saved.result);
      const id = table.freshId(r.id);
      ids.push(id);
      table.order.push(id);
      table.set(bare(id, r.cells));
    }
    this.formulas.load();
    this.recompute(new Set(), 0, () => false);
    for (const [i, r] of rows.entries()) this.place(ids[i]!, r.cells, null, 0, r.saved);
    this.recompute(new Set(), 0);
    this.schedule(() => this.runs.pump());
  }

  /** Column keys in grid order, as A1 references see them: inputs, results, then formula columns. */
  columnKeys(): readonly string[] {
    return this.formulas.columnKeys();
  }

  /** The formula columns, in grid order. */
  formulaColumns(): readonly FormulaColumn[] {
    return this.formulas.columns();
  }

  /** Add a formula column, or change the formula of one with the same key. */
  setFormulaColumn(col: FormulaColumn): void {
    this.setFormulaColumns([col]);
  }

  /**
   * Add or change several formula columns at once (same as calling setFormulaColumn for each, in
   * order): their cells compute in one pass, so each row gets one new row object, not one per column.
   */
  setFormulaColumns(cols: readonly FormulaColumn[]): void {
    if (cols.length === 0) return;
    this.formulas.setColumns(cols.map((c) => ({ ...c, label: cutText(c.label, FILE_LIMITS.maxLabel), formula: cutText(c.formula, FILE_LIMITS.maxCellLength) })));
    // Every row: a view redraws its columns even where no value changed.
    const changed = new Set<string>(this.table.order);
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
    this.runs.pump();
  }

  /** Remove a formula column; every formula is read again without it. */
  removeFormulaColumn(key: string): void {
    const changed = new Set<string>();
    if (!this.formulas.removeColumn(key, changed)) return;
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
    // An input formula may read another column now (A1 letters moved): its row may have queued.
    this.runs.pump();
  }

  /**
   * Row ids in sheet order, without building the rows: for views that check the order on every
   * frame. The engine's own array, read-only, and changed in place by later edits: copy to keep.
   */
  rowIds(): readonly string[] {
    return this.table.order;
  }

  /** Rows in sheet order. */
  rows(): RowState[] {
    return this.table.order.map((id) => this.table.get(id)!);
  }

  /** A row's current object, or undefined when there is no such row. */
  row(id: string): RowState | undefined {
    return this.table.get(id);
  }

  /** Listen to row changes; returns the function that stops listening. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Queue cell edits; they are applied together in the next pass. Edits to a sweep's children are ignored: edit the sweep. */
  edit(edits: readonly CellEdit[]): void {
    this.pendingEdits.push(...edits);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Apply gathered edits now: only rows whose spec changed are cancelled and queued. */
  flush(): void {
    this.flushScheduled = false;
    const edits = this.pendingEdits.splice(0);
    if (edits.length === 0 || this.runs.stopped) return;
    const touched = new Map<string, Record<string, string>>();
    for (const e of edits) {
      const row = this.table.get(e.row);
      if (!row || row.parent !== null) continue;
      const cells = touched.get(e.row) ?? { ...row.cells };
      cells[e.column] = cutText(e.text, FILE_LIMITS.maxCellLength);
      touched.set(e.row, cells);
    }
    const seq = ++this.editSeq;
    const changed = new Set<string>();
    // The typed text lands first, so formulas read the new values...
    for (const [id, cells] of touched) this.table.set({ ...this.table.get(id)!, cells });
    for (const id of touched.keys()) this.held.delete(id);
    // The text the cell kept (cut at the cap), as a sheet opened from it would read it.
    for (const e of edits) if (touched.has(e.row)) this.formulas.cellEdited(e.row, e.column, cutText(e.text, FILE_LIMITS.maxCellLength));
    // ...then each edited row takes its new spec, and formulas downstream recompute.
    for (const id of touched.keys()) {
      const row = this.table.get(id)!;
      for (const c of this.place(id, row.cells, row, seq)) changed.add(c);
    }
    this.recompute(changed, seq);
    this.emit(changed);
    this.runs.pump();
  }

  /** Insert a row (at the end by default) and queue it. Returns its id. */
  addRow(init: RowInit, index = this.table.order.length): string {
    init = withinCaps(init);
    const id = this.table.freshId(init.id);
    const at = this.table.topLevelIndex(index);
    this.table.order.splice(at, 0, id);
    this.table.set(bare(id, init.cells));
    this.formulas.rowsMoved();
    this.formulas.defineRow(id);
    const seq = ++this.editSeq;
    // The new row's formulas first, so its spec reads their values; rows that now read it (an A1
    // reference that points at it, a range over it) are re-placed here, as after any edit.
    const changed = new Set<string>();
    this.recompute(changed, seq, (other) => other !== id);
    for (const c of this.place(id, init.cells, null, seq, init.saved)) changed.add(c);
    this.recompute(changed, seq);
    this.emit(changed);
    this.runs.pump();
    return id;
  }

  /** Remove a row (with a sweep's children). Children cannot be removed on their own. */
  removeRow(id: string): void {
    const row = this.table.get(id);
    if (!row || row.parent !== null) return;
    const gone = [id, ...(row.sweep?.children ?? [])];
    for (const g of gone) {
      dropRow(this.parts, g);
      this.held.delete(g);
    }
    this.table.order = this.table.order.filter((x) => !gone.includes(x));
    const changed = new Set(gone);
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
    // An A1 reference in another row may point at another row now: that row may have queued.
    this.runs.pump();
  }

  /** Whether edits run at once ('auto') or mark rows stale ('manual'). */
  runMode(): RunMode {
    return this.mode;
  }

  /** Switch run mode; switching to auto starts every stale row. */
  setRunMode(mode: RunMode): void {
    const was = this.mode;
    this.mode = mode;
    if (mode === 'auto') this.runStale();
    else if (was === 'auto') this.holdQueued();
    this.emit(new Set(this.table.order));
  }

  /**
   * Manual mode trains what "run stale" asks for and nothing else: rows still waiting in the queue
   * when it is switched on wait as stale (as a sheet opened in manual mode shows them, and "run
   * stale" counts them); runs already training finish. Before, they kept starting one after another,
   * a grid search of a hundred rows going on after the person had switched it off.
   */
  private holdQueued(): void {
    const held: string[] = [];
    const changed = new Set<string>();
    for (const id of this.table.order) {
      const r = this.table.get(id)!;
      if (r.status.state !== 'queued') continue;
      this.runs.cancel(id);
      this.table.set({ ...r, status: { state: 'stale' } });
      held.push(id);
      changed.add(id);
      if (r.parent) changed.add(r.parent);
    }
    if (held.length === 0) return;
    for (const id of changed) this.refreshSweep(id);
    this.statusesChanged(held, ++this.editSeq, changed);
  }

  /** Queue every stale row (manual mode's "run stale"), or just the given ones. */
  runStale(ids?: Iterable<string>): void {
    const wanted = ids ? new Set(ids) : null;
    const seq = ++this.editSeq;
    const queued: string[] = [];
    const changed = new Set<string>();
    for (const id of this.table.order) {
      const r = this.table.get(id)!;
      if (r.status.state !== 'stale' || (wanted && !wanted.has(id) && !(r.parent && wanted.has(r.parent)))) continue;
      this.table.set({ ...r, status: { state: 'queued' } });
      this.runs.enqueue(id, seq);
      queued.push(id);
      changed.add(id);
      if (r.parent) changed.add(r.parent);
    }
    for (const id of changed) this.refreshSweep(id);
    this.statusesChanged(queued, seq, changed);
    this.runs.pump();
  }

  /** The runner trains more (or fewer) jobs at once now (the page's workers menu): start what fits. */
  capacityChanged(): void {
    this.runs.pump();
  }

  /** Tell the engine which rows are on screen: they run before rows scrolled out of view. */
  setVisible(ids: Iterable<string>): void {
    this.runs.setVisible(ids);
  }

  /** Retrain a row whose spec did not change (after a failure, or to check reproducibility). */
  rerun(id: string): void {
    const row = this.table.get(id);
    if (!row) return;
    const targets = row.sweep ? row.sweep.children : [id];
    const seq = ++this.editSeq;
    const queued: string[] = [];
    for (const t of targets) {
      const r = this.table.get(t)!;
      if (!r.parsed.ok) continue;
      this.runs.cancel(t);
      this.table.set({ ...r, version: r.version + 1, status: { state: 'queued' }, live: [], liveBoundary: null });
      this.runs.enqueue(t, seq);
      queued.push(t);
    }
    this.refreshSweep(row.parent ?? id);
    // A failed row had no result (NO_RESULT) and is now on its way to one (PENDING): its results
    // read differently too, not only its status (review-26 F1).
    for (const t of queued) this.formulas.resultChanged(t);
    this.statusesChanged(queued, seq, new Set([id, ...targets]));
    this.runs.pump();
  }

  /**
   * Rows whose status changed outside placing (queued by "run stale" or a rerun, a run started):
   * formulas reading their status recompute, as a sheet opened fresh reads it (review-23 P1), and
   * listeners hear of `changed` and of any other row the recompute changed.
   */
  private statusesChanged(ids: readonly string[], seq: number, changed = new Set<string>()): void {
    for (const id of ids) this.formulas.statusChanged(id);
    this.recompute(changed, seq);
    this.emit(changed);
  }

  /** Resolves when no row is queued or running. */
  idle(): Promise<void> {
    return this.runs.idle();
  }

  /** Stop every run and drop listeners. */
  dispose(): void {
    this.runs.dispose();
    this.listeners.clear();
  }

  /** Give top-level row `id` these cells (see placeRow): returns the rows that changed. */
  private place(id: string, cells: RowCells, prev: RowState | null, seq: number, saved?: RowInit['saved']): Set<string> {
    return placeRow({ ...this.parts, mode: this.mode, seq }, id, cells, prev, saved);
  }

  /**
   * Bring formulas up to date with what changed; then re-place the rows whose input formulas
   * changed value, those `placeable` allows (none while the rows are not placed yet).
   */
  private recompute(changed: Set<string>, seq: number, placeable: (id: string) => boolean = () => true): void {
    try {
      this.formulas.recompute(changed, (row) => {
        if (placeable(row.id) && !this.held.has(row.id)) for (const c of this.place(row.id, row.cells, row, seq)) changed.add(c);
      }, (row) => {
        // Still changing after the settling rounds: invalid, saying why, until its own cells are edited.
        if (!placeable(row.id) || this.held.has(row.id)) return;
        this.held.add(row.id);
        const column = INPUT_COLUMNS.find((c) => isFormulaText(row.cells[c.key] ?? ''))?.key ?? 'name';
        const error = cellError(column, UNSETTLED_MESSAGE, UNSETTLED_EXPECTED, 'unsettled');
        for (const c of placeRow({ ...this.parts, mode: this.mode, seq }, row.id, row.cells, row, undefined, [error])) changed.add(c);
      });
    } finally {
      // The update is placed (or failed): runs it withdrew and did not give back stop now, so
      // none trains on for a row that moved on, uncounted against the runner's capacity.
      this.runs.dropParked();
    }
  }

  /** Recount a sweep's status from its children. */
  private refreshSweep(parent: string | null): void {
    const p = parent === null ? undefined : this.table.get(parent);
    if (!p?.sweep) return;
    this.table.set({ ...p, status: sweepStatus(p.sweep.children.map((c) => this.table.get(c)!)) });
    this.emit(new Set([p.id]));
  }

  private emit(changed: ReadonlySet<string>): void {
    if (changed.size === 0) return;
    for (const fn of this.listeners) fn(changed);
  }
}


/**
 * A row whose every cell fits the file's cap (text is cut to what a sheet file may hold, so that
 * whatever the sheet holds can be saved and opened again: a pasted page of notes made every save a
 * file the reader refuses); the same object when they already do.
 */
function withinCaps(r: RowInit): RowInit {
  const long = Object.keys(r.cells).filter((k) => r.cells[k]!.length > FILE_LIMITS.maxCellLength);
  if (long.length === 0) return r;
  const cells = { ...r.cells };
  for (const k of long) cells[k] = cutText(cells[k]!, FILE_LIMITS.maxCellLength);
  return { ...r, cells };
}
