/**
 * The live sheet: rows of cell text, their parsed specs, and the runs that fill their results.
 *
 * Edits are gathered and applied in one pass (a microtask by default). A row whose spec key
 * changed is cancelled if running, marked queued and dispatched; a row whose spec did not change
 * (a name or a note edit) runs nothing. Every run carries the row's version: a late result from a
 * superseded run is dropped. Listeners see immutable row snapshots, a new object per change.
 */
import { COLUMNS, INPUT_COLUMNS } from '../columns.ts';
import { type CellRef, FormulaCells } from '../graph/formula-cells.ts';
import { isFormulaText } from '../formula/index.ts';
import { expandRow } from '../grammar/sweep.ts';
import type { TrainResult } from '../job.ts';
import { type ParsedRow, type RowCells, parseRow } from '../spec.ts';
import { RESULT_KEYS, effectiveCells, isInputColumn, plainReader, sweepValue } from './cell-values.ts';
import { type RowStore, applyFormulaValues, rowsChangedIn } from './formula-bridge.ts';
import {
  type CellEdit, type FormulaColumn, type RowInit, type RowState, type RunMode, finishedStatus, pendingStatus, sweepStatus,
} from './row-state.ts';
import { type ResultCache, Runs } from './run-lifecycle.ts';
import type { Runner } from './runner.ts';

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
  private readonly byId = new Map<string, RowState>();
  /** Rows in sheet order; a sweep's children follow it. */
  private order: string[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly pendingEdits: CellEdit[] = [];
  private flushScheduled = false;
  private editSeq = 0;
  private nextId = 1;
  private readonly schedule: (flush: () => void) => void;
  private readonly runs: Runs;
  private formulaCols: FormulaColumn[];
  private readonly formulas: FormulaCells;
  /** Work for the next recompute: cells whose value changed, rows whose result changed. */
  private seeds: CellRef[] = [];
  private readonly resultsChanged = new Set<string>();
  private structureChanged = false;
  private mode: RunMode;
  /** The row a formula read last: set() and drop() keep it equal to byId's entry or clear it. */
  private lastRead: RowState | null = null;
  /** The engine's rows as the formula bridge sees them: set() keeps lastRead in step. */
  private readonly rowStore: RowStore = { get: (id) => this.byId.get(id), set: (row) => this.set(row) };

  constructor(rows: readonly RowInit[], runner: Runner, opts: EngineOptions = {}) {
    // queueMicrotask must be called unbound: browsers throw "Illegal invocation" otherwise.
    this.schedule = opts.schedule ?? ((flush) => queueMicrotask(flush));
    this.runs = new Runs({
      order: () => this.order,
      row: (id) => this.byId.get(id),
      set: (row) => this.set(row),
      emit: (changed) => this.emit(changed),
      refreshSweep: (parent) => this.refreshSweep(parent),
      resultChanged: (id) => this.resultsChanged.add(id),
      settled: (id) => {
        const changed = new Set([id]);
        this.recompute(changed, ++this.editSeq);
        this.emit(changed);
        this.refreshSweep(this.byId.get(id)?.parent ?? null);
      },
    }, runner, opts.cache ?? new Map<string, TrainResult>());
    this.formulaCols = [...(opts.formulaColumns ?? [])];
    this.mode = opts.runMode ?? 'auto';
    this.formulas = new FormulaCells({
      columns: () => this.columnKeys(),
      rowIds: () => this.order,
      plainValue: (row, column) => {
        // A formula reading several cells of one row (=train_acc - test_acc) looks the row up once.
        let r = this.lastRead;
        if (r === null || r.id !== row) {
          r = this.byId.get(row) ?? null;
          if (r === null) return null;
          this.lastRead = r;
        }
        // A sweep's metrics read as the mean over its finished children, as its row shows them.
        return r.sweep ? sweepValue(r.sweep.children.map((c) => this.byId.get(c)!), column) : plainReader(column)(r);
      },
    });
    // Typed text first, so formulas can read it; then formulas; then each row's spec.
    const ids: string[] = [];
    for (const r of rows) {
      if (r.saved) this.runs.remember(r.saved.key, r.saved.result);
      const id = this.freshId(r.id);
      ids.push(id);
      this.order.push(id);
      this.set(bare(id, r.cells));
    }
    for (const col of this.formulaCols) this.formulas.defineColumn(col.key, col.formula);
    for (const id of [...this.order]) this.defineFormulas(id);
    this.formulas.relink();
    this.seeds.push(...this.formulas.all());
    this.recompute(new Set(), 0, false);
    for (const [i, r] of rows.entries()) this.place(ids[i]!, r.cells, null, 0, r.saved);
    this.recompute(new Set(), 0);
    this.schedule(() => this.runs.pump());
  }

  /** Column keys in grid order, as A1 references see them: inputs, results, then formula columns. */
  columnKeys(): readonly string[] {
    // One array per set of columns: the formula graph compares it by identity to reuse parses.
    this.keys ??= [...COLUMNS.map((c) => c.key), ...this.formulaCols.map((c) => c.key)];
    return this.keys;
  }

  private keys: readonly string[] | null = null;

  formulaColumns(): readonly FormulaColumn[] {
    return this.formulaCols;
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
    let added = false;
    for (const col of cols) {
      const i = this.formulaCols.findIndex((c) => c.key === col.key);
      if (i >= 0) this.formulaCols[i] = col;
      else {
        this.formulaCols.push(col);
        added = true;
      }
    }
    // A new key changes what A1 references and names resolve to: every formula is parsed again.
    // Otherwise one node per changed column: its rows compute at the next update.
    if (added) {
      this.keys = null;
      this.reparse();
    } else for (const col of cols) this.formulas.defineColumn(col.key, col.formula);
    // Every row: a view redraws its columns even where no value changed.
    const changed = new Set<string>(this.order);
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
    this.runs.pump();
  }

  removeFormulaColumn(key: string): void {
    if (!this.formulaCols.some((c) => c.key === key)) return;
    this.formulaCols = this.formulaCols.filter((c) => c.key !== key);
    this.keys = null;
    const changed = new Set<string>();
    this.formulas.defineColumn(key, null);
    this.reparse();
    for (const id of this.order) {
      const r = this.byId.get(id)!;
      const { [key]: _gone, ...rest } = r.formulas;
      this.set({ ...r, formulas: rest });
      changed.add(id);
    }
    this.formulas.relink();
    this.seeds.push(...this.formulas.all());
    this.recompute(changed, ++this.editSeq);
    this.emit(changed);
  }

  /**
   * Row ids in sheet order, without building the rows: for views that check the order on every
   * frame. The engine's own array, read-only, and changed in place by later edits: copy to keep.
   */
  rowIds(): readonly string[] {
    return this.order;
  }

  /** Rows in sheet order. */
  rows(): RowState[] {
    return this.order.map((id) => this.byId.get(id)!);
  }

  row(id: string): RowState | undefined {
    return this.byId.get(id);
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
      const row = this.byId.get(e.row);
      if (!row || row.parent !== null) continue;
      const cells = touched.get(e.row) ?? { ...row.cells };
      cells[e.column] = e.text;
      touched.set(e.row, cells);
    }
    const seq = ++this.editSeq;
    const changed = new Set<string>();
    // The typed text lands first, so formulas read the new values...
    for (const [id, cells] of touched) this.set({ ...this.byId.get(id)!, cells });
    for (const e of edits) {
      if (!touched.has(e.row)) continue;
      if (isInputColumn(e.column)) this.formulas.define(e.row, e.column, isFormulaText(e.text) ? e.text : null);
      this.seeds.push({ row: e.row, column: e.column });
    }
    // ...then each edited row takes its new spec, and formulas downstream recompute.
    for (const id of touched.keys()) {
      const row = this.byId.get(id)!;
      for (const c of this.place(id, row.cells, row, seq)) changed.add(c);
    }
    this.recompute(changed, seq);
    this.emit(changed);
    this.runs.pump();
  }

  /** Insert a row (at the end by default) and queue it. Returns its id. */
  addRow(init: RowInit, index = this.order.length): string {
    const id = this.freshId(init.id);
    const at = this.topLevelIndex(index);
    this.order.splice(at, 0, id);
    this.set(bare(id, init.cells));
    this.structureChanged = true;
    this.defineFormulas(id);
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
    const row = this.byId.get(id);
    if (!row || row.parent !== null) return;
    const gone = [id, ...(row.sweep?.children ?? [])];
    for (const g of gone) this.drop(g);
    this.order = this.order.filter((x) => !gone.includes(x));
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
    this.emit(new Set(this.order));
  }

  /** Queue every stale row (manual mode's "run stale"), or just the given ones. */
  runStale(ids?: Iterable<string>): void {
    const wanted = ids ? new Set(ids) : null;
    const seq = ++this.editSeq;
    const changed = new Set<string>();
    for (const id of this.order) {
      const r = this.byId.get(id)!;
      if (r.status.state !== 'stale' || (wanted && !wanted.has(id) && !(r.parent && wanted.has(r.parent)))) continue;
      this.set({ ...r, status: { state: 'queued' } });
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
    const row = this.byId.get(id);
    if (!row) return;
    const targets = row.sweep ? row.sweep.children : [id];
    const seq = ++this.editSeq;
    for (const t of targets) {
      const r = this.byId.get(t)!;
      if (!r.parsed.ok) continue;
      this.runs.withdraw(t);
      this.set({ ...r, version: r.version + 1, status: { state: 'queued' }, live: [], liveBoundary: null });
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
    if (sweeps !== (this.byId.get(id)?.sweep != null)) for (const c of INPUT_COLUMNS) this.seeds.push({ row: id, column: c.key });
    if (!expansion.ok || expansion.value === null) {
      if (oldChildren.length > 0) {
        const gone = new Set(oldChildren);
        for (const c of oldChildren) { this.drop(c); changed.add(c); }
        this.order = this.order.filter((x) => !gone.has(x));
      }
      const parsed: ParsedRow = expansion.ok ? parseRow(effective.cells) : { ok: false, errors: expansion.error };
      const base = prev && !prev.sweep ? prev : null;
      this.setPlain(id, cells, parsed, base, seq, null, saved);
      if (oldChildren.length > 0) this.structureChanged = true;
      return changed;
    }
    // A sweep: the row itself trains nothing.
    this.runs.withdraw(id);
    const byKey = new Map<string, string>();
    for (const c of oldChildren) {
      const p = this.byId.get(c)?.parsed;
      if (p?.ok && !byKey.has(p.key)) byKey.set(p.key, c);
    }
    const children: string[] = [];
    for (const combo of expansion.value.combos) {
      const parsed = parseRow(combo);
      const reuse = parsed.ok ? byKey.get(parsed.key) : undefined;
      if (reuse !== undefined) {
        byKey.delete(parsed.ok ? parsed.key : '');
        const old = this.byId.get(reuse)!;
        this.set({ ...old, cells: combo });
        children.push(reuse);
        continue;
      }
      const cid = this.freshId(`${id}/${children.length + 1}`);
      this.setPlain(cid, combo, parsed, null, seq, id);
      children.push(cid);
      this.structureChanged = true;
    }
    const keep = new Set(children);
    // Children in a new order move rows: the formula graph reads positions.
    if (children.length !== oldChildren.length || children.some((c, i) => c !== oldChildren[i])) this.structureChanged = true;
    for (const c of oldChildren) if (!keep.has(c)) this.drop(c);
    for (const c of children) if (!oldChildren.includes(c)) this.defineFormulas(c);
    for (const c of [...oldChildren, ...children]) changed.add(c);
    const old = new Set(oldChildren);
    this.order = this.order.filter((x) => !old.has(x));
    this.order.splice(this.order.indexOf(id) + 1, 0, ...children);
    const parsed = parseRow(expansion.value.combos[0]!);
    this.set({
      id, cells: { ...cells }, parsed, status: sweepStatus(children.map((c) => this.byId.get(c)!)),
      result: null, resultKey: null, version: (prev?.version ?? 0) + 1, live: [], liveBoundary: null, parent: null,
      sweep: { swept: expansion.value.swept, children }, formulas: this.byId.get(id)?.formulas ?? {},
    });
    this.resultsChanged.add(id);
    return changed;
  }

  /** Set a trainable row: keep its run when the spec did not change, else show a known result or queue it. */
  private setPlain(id: string, cells: RowCells, parsed: ParsedRow, prev: RowState | null, seq: number, parent: string | null, saved?: RowInit['saved']): void {
    if (prev && keyOf(parsed) === keyOf(prev.parsed) && parsed.ok === prev.parsed.ok) {
      // A name or note edit: the run and its result stay.
      this.set({ ...prev, cells: { ...cells }, parsed, status: parsed.ok ? prev.status : pendingStatus(parsed) });
      return;
    }
    this.runs.withdraw(id);
    const known = saved && parsed.ok && saved.key === parsed.key ? saved.result : parsed.ok ? this.runs.known(parsed.key) : undefined;
    const base: RowState = {
      id, cells: { ...cells }, parsed, status: pendingStatus(parsed),
      result: prev?.result ?? saved?.result ?? null, resultKey: prev?.resultKey ?? saved?.key ?? null,
      version: (prev?.version ?? 0) + 1, live: [], liveBoundary: null, parent, sweep: null, formulas: this.byId.get(id)?.formulas ?? {},
    };
    // The shown result changes (or turns stale): formulas reading it recompute.
    this.resultsChanged.add(id);
    if (known && parsed.ok) {
      // Seen before (an undo, an old value typed back, a saved file): shown at once, no training.
      this.set({ ...base, status: finishedStatus(known), result: known, resultKey: parsed.key });
      return;
    }
    this.set(base);
    if (!parsed.ok) return;
    if (this.mode === 'auto') this.runs.enqueue(id, seq);
    else this.set({ ...base, status: { state: 'stale' } });
  }

  private freshId(wanted?: string): string {
    let id = wanted ?? `r${this.nextId++}`;
    while (this.byId.has(id)) id = `r${this.nextId++}`;
    return id;
  }

  /** Sheet position for a new top-level row at top-level index `index` (children stay with their sweep). */
  private topLevelIndex(index: number): number {
    let seen = 0;
    for (let i = 0; i < this.order.length; i++) {
      if (this.byId.get(this.order[i]!)!.parent !== null) continue;
      if (seen++ === index) return i;
    }
    return this.order.length;
  }

  private drop(id: string): void {
    this.runs.withdraw(id);
    for (const column of this.columnKeys()) this.formulas.define(id, column, null);
    this.byId.delete(id);
    if (this.lastRead?.id === id) this.lastRead = null;
    this.structureChanged = true;
  }

  /**
   * The column keys changed: every formula is read again against them, as a sheet loaded with
   * these columns would read it (a name may have appeared or gone, a formula column's letter moved).
   */
  private reparse(): void {
    for (const c of this.formulaCols) this.formulas.defineColumn(c.key, c.formula);
    for (const id of this.order) this.defineFormulas(id);
  }

  /** Put a row's cell formulas in the graph: its input cells that start with `=` (formula columns cover every row by themselves). */
  private defineFormulas(id: string): void {
    const row = this.byId.get(id)!;
    for (const [column, text] of Object.entries(row.cells)) {
      if (isInputColumn(column) && isFormulaText(text)) {
        this.formulas.define(id, column, text);
        this.seeds.push({ row: id, column });
      }
    }
  }

  /**
   * Bring formulas up to date with what changed (edits, results, rows added or removed), then
   * re-place rows whose input formulas changed value: a formula can feed a spec. Rounds are
   * bounded; a formula chain that keeps changing specs stops after a few.
   */
  private recompute(changed: Set<string>, seq: number, placeRows = true): void {
    for (let round = 0; round < 8; round++) {
      if (this.structureChanged) {
        this.formulas.relink();
        this.structureChanged = false;
      }
      const seeds = this.seeds.splice(0);
      for (const id of this.resultsChanged) {
        const r = this.byId.get(id);
        if (!r) continue;
        for (const column of RESULT_KEYS) seeds.push({ row: id, column });
        if (r.parent !== null) for (const column of RESULT_KEYS) seeds.push({ row: r.parent, column });
      }
      this.resultsChanged.clear();
      if (seeds.length === 0 && !this.formulas.hasPending()) return;
      const updated = this.formulas.changes(seeds);
      applyFormulaValues(updated, this.rowStore, changed);
      if (!placeRows) continue;
      // Only formulas in input cells feed a spec: formula columns' passes skip this loop.
      for (const id of rowsChangedIn(updated, isInputColumn)) {
        const row = this.byId.get(id);
        if (!row || row.parent !== null) continue;
        for (const c of this.place(id, row.cells, row, seq)) changed.add(c);
      }
    }
  }

  /** Recount a sweep's status from its children. */
  private refreshSweep(parent: string | null): void {
    const p = parent === null ? undefined : this.byId.get(parent);
    if (!p?.sweep) return;
    this.set({ ...p, status: sweepStatus(p.sweep.children.map((c) => this.byId.get(c)!)) });
    this.emit(new Set([p.id]));
  }

  private set(row: RowState): void {
    this.byId.set(row.id, row);
    if (this.lastRead !== null && this.lastRead.id === row.id) this.lastRead = row;
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
