/**
 * The live sheet: rows of cell text, their parsed specs, and the runs that fill their results.
 *
 * Edits are gathered and applied in one pass (a microtask by default). A row whose spec key
 * changed is cancelled if running, marked queued and dispatched; a row whose spec did not change
 * (a name or a note edit) runs nothing. Every run carries the row's version: a late result from a
 * superseded run is dropped. Listeners see immutable row snapshots, a new object per change.
 */
import { expandRow } from '../grammar/sweep.ts';
import type { TrainResult } from '../job.ts';
import { type ParsedRow, type RowCells, parseRow } from '../spec.ts';
import { effectiveCells } from './cell-values.ts';
import {
  type CellEdit, type FormulaColumn, type RowInit, type RowState, type RunMode, finishedStatus, pendingStatus, sweepStatus,
} from './row-state.ts';
import { type ResultCache, Runs } from './run-lifecycle.ts';
import { RowTable } from './row-table.ts';
import type { Runner } from './runner.ts';
import { SheetFormulas } from './sheet-formulas.ts';

export { type CellEdit, type FormulaColumn, type RowInit, type RowState, type RunMode, type RunStatus, isStale, statusText } from './row-state.ts';
export type { ResultCache } from './run-lifecycle.ts';

export type Listener = (changed: ReadonlySet<string>) => void;

export interface EngineOptions {
  /** How a gathered pass is scheduled; tests may pass a synchronous one. */
  readonly schedule?: (flush: () => void) => void;
  /** Where finished results are kept by spec key; an in-memory map by default. */
  readonly cache?: ResultCache;
  /** Columns the person added, computed by a formula in every row. */
  readonly formulaColumns?: readonly FormulaColumn[];
  readonly runMode?: RunMode;
}

export class SheetEngine {
  private readonly table = new RowTable();
  private readonly listeners = new Set<Listener>();
  private readonly pendingEdits: CellEdit[] = [];
  private flushScheduled = false;
  private editSeq = 0;
  private readonly schedule: (flush: () => void) => void;
  private readonly runs: Runs;
  private readonly formulas: SheetFormulas;
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
    }, runner, opts.cache ?? new Map<string, TrainResult>());
    this.formulas = new SheetFormulas(table, opts.formulaColumns ?? []);
    this.mode = opts.runMode ?? 'auto';
    // Typed text first, so formulas can read it; then formulas; then each row's spec.
    const ids: string[] = [];
    for (const r of rows) {
      if (r.saved) this.runs.remember(r.saved.key, r.saved.result);
      const id = table.freshId(r.id);
      ids.push(id);
      table.order.push(id);
      table.set(bare(id, r.cells));
    }
    this.formulas.load();
    this.recompute(new Set(), 0, false);
    for (const [i, r] of rows.entries()) this.place(ids[i]!, r.cells, null, 0, r.saved);
    this.recompute(new Set(), 0);
    this.schedule(() => this.runs.pump());
  }

  /** Column keys in grid order, as A1 references see them: inputs, results, then formula columns. */
  columnKeys(): readonly string[] {
    return this.formulas.columnKeys();
  }

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
    this.formulas.setColumns(cols);
    // Every row: a view redraws its columns even where no value changed.
    const changed = new Set<string>(this.table.order);
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
    this.runs.pump();
  }

  removeFormulaColumn(key: string): void {
    const changed = new Set<string>();
    if (!this.formulas.removeColumn(key, changed)) return;
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
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

  row(id: string): RowState | undefined {
    return this.table.get(id);
  }

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
      cells[e.column] = e.text;
      touched.set(e.row, cells);
    }
    const seq = ++this.editSeq;
    const changed = new Set<string>();
    // The typed text lands first, so formulas read the new values...
    for (const [id, cells] of touched) this.table.set({ ...this.table.get(id)!, cells });
    for (const e of edits) if (touched.has(e.row)) this.formulas.cellEdited(e.row, e.column, e.text);
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
    const id = this.table.freshId(init.id);
    const at = this.table.topLevelIndex(index);
    this.table.order.splice(at, 0, id);
    this.table.set(bare(id, init.cells));
    this.formulas.rowsMoved();
    this.formulas.defineRow(id);
    const seq = ++this.editSeq;
    this.recompute(new Set(), seq, false);
    const changed = this.place(id, init.cells, null, seq, init.saved);
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
    for (const g of gone) this.drop(g);
    this.table.order = this.table.order.filter((x) => !gone.includes(x));
    const changed = new Set(gone);
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
    this.runs.checkIdle();
  }

  runMode(): RunMode {
    return this.mode;
  }

  /** Switch run mode; switching to auto starts every stale row. */
  setRunMode(mode: RunMode): void {
    this.mode = mode;
    if (mode === 'auto') this.runStale();
    this.emit(new Set(this.table.order));
  }

  /** Queue every stale row (manual mode's "run stale"), or just the given ones. */
  runStale(ids?: Iterable<string>): void {
    const wanted = ids ? new Set(ids) : null;
    const seq = ++this.editSeq;
    const changed = new Set<string>();
    for (const id of this.table.order) {
      const r = this.table.get(id)!;
      if (r.status.state !== 'stale' || (wanted && !wanted.has(id) && !(r.parent && wanted.has(r.parent)))) continue;
      this.table.set({ ...r, status: { state: 'queued' } });
      this.runs.enqueue(id, seq);
      changed.add(id);
      if (r.parent) changed.add(r.parent);
    }
    for (const id of changed) this.refreshSweep(id);
    this.emit(changed);
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
    for (const t of targets) {
      const r = this.table.get(t)!;
      if (!r.parsed.ok) continue;
      this.runs.withdraw(t);
      this.table.set({ ...r, version: r.version + 1, status: { state: 'queued' }, live: [], liveBoundary: null });
      this.runs.enqueue(t, seq);
    }
    this.emit(new Set([id, ...targets]));
    this.refreshSweep(row.parent ?? id);
    this.runs.pump();
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

  /**
   * Give top-level row `id` these cells: a plain row (re)parses and queues if its spec changed;
   * a row whose cells sweep becomes a group whose children are matched to the old ones by spec,
   * so a child whose spec did not change keeps its result, or its run in progress.
   */
  private place(id: string, cells: RowCells, prev: RowState | null, seq: number, saved?: RowInit['saved']): Set<string> {
    const changed = new Set<string>([id]);
    const effective = effectiveCells(cells, (column) => this.formulas.value(id, column));
    const expansion = effective.errors.length > 0 ? { ok: false as const, error: effective.errors } : expandRow(effective.cells);
    const oldChildren = prev?.sweep?.children ?? [];
    const sweeps = expansion.ok && expansion.value !== null;
    // A sweep's row reads differently in formulas (its inputs empty, its metrics its children's mean).
    if (sweeps !== (this.table.get(id)?.sweep != null)) this.formulas.inputsChanged(id);
    if (!expansion.ok || expansion.value === null) {
      if (oldChildren.length > 0) {
        const gone = new Set(oldChildren);
        for (const c of oldChildren) { this.drop(c); changed.add(c); }
        this.table.order = this.table.order.filter((x) => !gone.has(x));
      }
      const parsed: ParsedRow = expansion.ok ? parseRow(effective.cells) : { ok: false, errors: expansion.error };
      const base = prev && !prev.sweep ? prev : null;
      this.setPlain(id, cells, parsed, base, seq, null, saved);
      if (oldChildren.length > 0) this.formulas.rowsMoved();
      return changed;
    }
    // A sweep: the row itself trains nothing.
    this.runs.withdraw(id);
    const byKey = new Map<string, string>();
    for (const c of oldChildren) {
      const p = this.table.get(c)?.parsed;
      if (p?.ok && !byKey.has(p.key)) byKey.set(p.key, c);
    }
    const children: string[] = [];
    for (const combo of expansion.value.combos) {
      const parsed = parseRow(combo);
      const reuse = parsed.ok ? byKey.get(parsed.key) : undefined;
      if (reuse !== undefined) {
        byKey.delete(parsed.ok ? parsed.key : '');
        const old = this.table.get(reuse)!;
        this.table.set({ ...old, cells: combo });
        children.push(reuse);
        continue;
      }
      const cid = this.table.freshId(`${id}/${children.length + 1}`);
      this.setPlain(cid, combo, parsed, null, seq, id);
      children.push(cid);
      this.formulas.rowsMoved();
    }
    const keep = new Set(children);
    // Children in a new order move rows: the formula graph reads positions.
    if (children.length !== oldChildren.length || children.some((c, i) => c !== oldChildren[i])) this.formulas.rowsMoved();
    for (const c of oldChildren) if (!keep.has(c)) this.drop(c);
    for (const c of children) if (!oldChildren.includes(c)) this.formulas.defineRow(c);
    for (const c of [...oldChildren, ...children]) changed.add(c);
    const old = new Set(oldChildren);
    this.table.order = this.table.order.filter((x) => !old.has(x));
    this.table.order.splice(this.table.order.indexOf(id) + 1, 0, ...children);
    const parsed = parseRow(expansion.value.combos[0]!);
    this.table.set({
      id, cells: { ...cells }, parsed, status: sweepStatus(children.map((c) => this.table.get(c)!)),
      result: null, resultKey: null, version: (prev?.version ?? 0) + 1, live: [], liveBoundary: null, parent: null,
      sweep: { swept: expansion.value.swept, children }, formulas: this.table.get(id)?.formulas ?? {},
    });
    this.formulas.resultChanged(id);
    return changed;
  }

  /** Set a trainable row: keep its run when the spec did not change, else show a known result or queue it. */
  private setPlain(id: string, cells: RowCells, parsed: ParsedRow, prev: RowState | null, seq: number, parent: string | null, saved?: RowInit['saved']): void {
    if (prev && keyOf(parsed) === keyOf(prev.parsed) && parsed.ok === prev.parsed.ok) {
      // A name or note edit: the run and its result stay.
      this.table.set({ ...prev, cells: { ...cells }, parsed, status: parsed.ok ? prev.status : pendingStatus(parsed) });
      return;
    }
    this.runs.withdraw(id);
    const known = saved && parsed.ok && saved.key === parsed.key ? saved.result : parsed.ok ? this.runs.known(parsed.key) : undefined;
    const base: RowState = {
      id, cells: { ...cells }, parsed, status: pendingStatus(parsed),
      result: prev?.result ?? saved?.result ?? null, resultKey: prev?.resultKey ?? saved?.key ?? null,
      version: (prev?.version ?? 0) + 1, live: [], liveBoundary: null, parent, sweep: null, formulas: this.table.get(id)?.formulas ?? {},
    };
    // The shown result changes (or turns stale): formulas reading it recompute.
    this.formulas.resultChanged(id);
    if (known && parsed.ok) {
      // Seen before (an undo, an old value typed back, a saved file): shown at once, no training.
      this.table.set({ ...base, status: finishedStatus(known), result: known, resultKey: parsed.key });
      return;
    }
    this.table.set(base);
    if (!parsed.ok) return;
    if (this.mode === 'auto') this.runs.enqueue(id, seq);
    else this.table.set({ ...base, status: { state: 'stale' } });
  }

  /** Take a row out of the sheet's maps (its run, its formulas, its object); its place in the order is the caller's. */
  private drop(id: string): void {
    this.runs.withdraw(id);
    this.formulas.forgetRow(id);
    this.table.delete(id);
    this.formulas.rowsMoved();
  }

  /** Bring formulas up to date with what changed; then (placeRows) re-place rows whose input formulas changed value. */
  private recompute(changed: Set<string>, seq: number, placeRows = true): void {
    const replace = placeRows ? (row: RowState) => { for (const c of this.place(row.id, row.cells, row, seq)) changed.add(c); } : null;
    this.formulas.recompute(changed, replace);
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

/** A row before its spec is read: the typed text, so formulas can see it. */
function bare(id: string, cells: RowCells): RowState {
  return {
    id, cells: { ...cells }, parsed: { ok: false, errors: [] }, status: { state: 'queued' }, result: null, resultKey: null,
    version: 0, live: [], liveBoundary: null, parent: null, sweep: null, formulas: {},
  };
}

function keyOf(p: ParsedRow): string | null {
  return p.ok ? p.key : null;
}
