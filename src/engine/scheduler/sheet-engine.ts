/**
 * The live sheet: rows of cell text, their parsed specs, and the runs that fill their results.
 *
 * Edits are gathered and applied in one pass (a microtask by default). A row whose spec key
 * changed is cancelled if running, marked queued and dispatched; a row whose spec did not change
 * (a name or a note edit) runs nothing. Every run carries the row's version: a late result from a
 * superseded run is dropped. Listeners see immutable row snapshots, a new object per change.
 */
import type { CellError } from '../errors.ts';
import { describeCellError } from '../errors.ts';
import type { TrainProgress, TrainResult } from '../job.ts';
import { type ParsedRow, type RowCells, parseRow } from '../spec.ts';
import type { Runner } from './runner.ts';

export type RunStatus =
  | { readonly state: 'invalid'; readonly errors: readonly CellError[] }
  | { readonly state: 'queued' }
  | { readonly state: 'running'; readonly fraction: number; readonly epoch: number; readonly epochs: number }
  | { readonly state: 'done' }
  | { readonly state: 'diverged'; readonly epoch: number; readonly message: string }
  | { readonly state: 'failed'; readonly message: string };

export interface RowState {
  readonly id: string;
  readonly cells: RowCells;
  readonly parsed: ParsedRow;
  readonly status: RunStatus;
  /** The latest finished result; when `resultKey` differs from the spec key it is stale. */
  readonly result: TrainResult | null;
  readonly resultKey: string | null;
  /** Bumped whenever the spec changes; a run reports only while its version is current. */
  readonly version: number;
  /** Per-epoch loss of the run in progress (for sparklines); the finished result has the full history. */
  readonly live: readonly number[];
}

export interface CellEdit {
  readonly row: string;
  readonly column: string;
  readonly text: string;
}

export interface RowInit {
  readonly id?: string;
  readonly cells: RowCells;
  /** A result saved with the sheet; if its key matches the row's spec the row does not retrain. */
  readonly saved?: { readonly key: string; readonly result: TrainResult };
}

export type Listener = (changed: ReadonlySet<string>) => void;

/** Finished results by spec key: typing an old value back shows its result without training. */
export interface ResultCache {
  get(key: string): TrainResult | undefined;
  set(key: string, result: TrainResult): void;
}

export interface EngineOptions {
  /** How a gathered pass is scheduled; tests may pass a synchronous one. */
  readonly schedule?: (flush: () => void) => void;
  /** Where finished results are kept by spec key; an in-memory map by default. */
  readonly cache?: ResultCache;
}

/** Whether a row's shown result belongs to an older spec. */
export function isStale(row: RowState): boolean {
  return row.result !== null && (!row.parsed.ok || row.resultKey !== row.parsed.key);
}

/** The status line of a row, as the grid and the CLI print it. */
export function statusText(s: RunStatus): string {
  switch (s.state) {
    case 'invalid': return `invalid — ${s.errors.map(describeCellError).join('; ')}`;
    case 'queued': return 'queued';
    case 'running': return `running ${Math.round(s.fraction * 100)}% (epoch ${s.epoch}/${s.epochs})`;
    case 'done': return 'done';
    case 'diverged': return `diverged at epoch ${s.epoch} — ${s.message}`;
    case 'failed': return `failed — ${s.message}`;
  }
}

export class SheetEngine {
  private readonly byId = new Map<string, RowState>();
  private order: string[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly pendingEdits: CellEdit[] = [];
  private flushScheduled = false;
  /** Rows waiting to run, with the edit sequence that queued them (latest edit runs first). */
  private readonly queue = new Map<string, number>();
  private readonly running = new Map<string, { version: number; abort: AbortController }>();
  private editSeq = 0;
  private nextId = 1;
  private idleWaiters: (() => void)[] = [];
  private disposed = false;
  private readonly schedule: (flush: () => void) => void;
  private readonly cache: ResultCache;

  constructor(rows: readonly RowInit[], private readonly runner: Runner, opts: EngineOptions = {}) {
    // queueMicrotask must be called unbound: browsers throw "Illegal invocation" otherwise.
    this.schedule = opts.schedule ?? ((flush) => queueMicrotask(flush));
    this.cache = opts.cache ?? new Map<string, TrainResult>();
    for (const r of rows) {
      if (r.saved) this.cache.set(r.saved.key, r.saved.result);
      this.insert(r, this.order.length);
    }
    for (const id of this.order) if (this.byId.get(id)!.status.state === 'queued') this.queue.set(id, 0);
    this.schedule(() => this.pump());
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

  /** Queue cell edits; they are applied together in the next pass. */
  edit(edits: readonly CellEdit[]): void {
    this.pendingEdits.push(...edits);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Apply gathered edits now: re-parse touched rows, cancel and requeue rows whose spec changed. */
  flush(): void {
    this.flushScheduled = false;
    const edits = this.pendingEdits.splice(0);
    if (edits.length === 0 || this.disposed) return;
    const touched = new Map<string, Record<string, string>>();
    for (const e of edits) {
      const row = this.byId.get(e.row);
      if (!row) continue;
      const cells = touched.get(e.row) ?? { ...row.cells };
      cells[e.column] = e.text;
      touched.set(e.row, cells);
    }
    const changed = new Set<string>();
    const seq = ++this.editSeq;
    for (const [id, cells] of touched) {
      const row = this.byId.get(id)!;
      const parsed = parseRow(cells);
      const specChanged = keyOf(parsed) !== keyOf(row.parsed) || parsed.ok !== row.parsed.ok;
      if (!specChanged) {
        // A name or note edit: keep the run and its result, only the text changes.
        const status = parsed.ok ? row.status : initialStatus(parsed, row);
        this.set({ ...row, cells, parsed: row.parsed.ok ? row.parsed : parsed, status });
        changed.add(id);
        continue;
      }
      this.cancel(id);
      this.queue.delete(id);
      const cached = parsed.ok ? this.cache.get(parsed.key) : undefined;
      const base: RowState = { ...row, cells, parsed, version: row.version + 1, live: [] };
      if (cached && parsed.ok) {
        // Seen before (an undo, an old value typed back): the result is shown at once.
        this.set({ ...base, status: finishedStatus(cached), result: cached, resultKey: parsed.key });
      } else {
        this.set({ ...base, status: initialStatus(parsed, row) });
        this.enqueueIfRunnable(id, seq);
      }
      changed.add(id);
    }
    this.emit(changed);
    this.pump();
  }

  /** Insert a row (at the end by default) and queue it. Returns its id. */
  addRow(init: RowInit, index = this.order.length): string {
    const id = this.insert(init, index);
    if (this.byId.get(id)!.status.state === 'queued') this.queue.set(id, ++this.editSeq);
    this.emit(new Set([id]));
    this.pump();
    return id;
  }

  removeRow(id: string): void {
    if (!this.byId.has(id)) return;
    this.cancel(id);
    this.queue.delete(id);
    this.byId.delete(id);
    this.order = this.order.filter((x) => x !== id);
    this.emit(new Set([id]));
    this.checkIdle();
  }

  /** Retrain a row whose spec did not change (after a failure, or to check reproducibility). */
  rerun(id: string): void {
    const row = this.byId.get(id);
    if (!row || !row.parsed.ok) return;
    this.cancel(id);
    this.set({ ...row, version: row.version + 1, status: { state: 'queued' }, live: [] });
    this.queue.set(id, ++this.editSeq);
    this.emit(new Set([id]));
    this.pump();
  }

  /** Resolves when no row is queued or running. */
  idle(): Promise<void> {
    if (this.queue.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop every run and drop listeners. */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.running.keys()]) this.cancel(id);
    this.queue.clear();
    this.listeners.clear();
    this.checkIdle();
  }

  private insert(init: RowInit, index: number): string {
    let id = init.id ?? `r${this.nextId++}`;
    while (this.byId.has(id)) id = `r${this.nextId++}`;
    const parsed = parseRow(init.cells);
    const cachedResult = parsed.ok ? this.cache.get(parsed.key) : undefined;
    const saved = init.saved ?? (cachedResult && parsed.ok ? { key: parsed.key, result: cachedResult } : null);
    const fresh = saved !== null && parsed.ok && saved.key === parsed.key;
    const status: RunStatus = fresh ? finishedStatus(saved.result) : initialStatus(parsed, null);
    const row: RowState = {
      id, cells: { ...init.cells }, parsed, status,
      result: saved?.result ?? null, resultKey: saved?.key ?? null, version: 1, live: [],
    };
    this.byId.set(id, row);
    this.order.splice(Math.max(0, Math.min(index, this.order.length)), 0, id);
    return id;
  }

  private enqueueIfRunnable(id: string, seq: number): void {
    const row = this.byId.get(id);
    if (row?.parsed.ok) this.queue.set(id, seq);
  }

  /** Start queued rows while the runner has room: latest edit first, then sheet order. */
  private pump(): void {
    if (this.disposed) return;
    while (this.running.size < this.runner.capacity) {
      const id = this.nextQueued();
      if (id === null) break;
      this.queue.delete(id);
      this.start(id);
    }
    this.checkIdle();
  }

  /** The queued row to start next, skipping rows whose identical spec is already training. */
  private nextQueued(): string | null {
    const inFlight = new Set<string>();
    for (const id of this.running.keys()) {
      const p = this.byId.get(id)?.parsed;
      if (p?.ok) inFlight.add(p.key);
    }
    let best: string | null = null;
    let bestSeq = -1;
    for (const id of this.order) {
      const seq = this.queue.get(id);
      if (seq === undefined || seq <= bestSeq) continue;
      const p = this.byId.get(id)!.parsed;
      if (p.ok && inFlight.has(p.key)) continue;
      best = id;
      bestSeq = seq;
    }
    return best;
  }

  private start(id: string): void {
    const row = this.byId.get(id)!;
    if (!row.parsed.ok) return;
    const { version } = row;
    const abort = new AbortController();
    this.running.set(id, { version, abort });
    const epochs = row.parsed.spec.epochs;
    this.set({ ...row, status: { state: 'running', fraction: 0, epoch: 1, epochs } });
    this.emit(new Set([id]));
    const key = row.parsed.key;
    let settled = false;
    // Progress travels on its own message port and may arrive after the result: settled drops it.
    const current = () => !settled && !this.disposed && this.byId.get(id)?.version === version && !abort.signal.aborted;
    const onProgress = (p: TrainProgress) => {
      if (!current()) return;
      const r = this.byId.get(id)!;
      const live = p.loss !== undefined && r.live.length < p.epoch ? [...r.live, p.loss] : r.live;
      this.set({ ...r, live, status: { state: 'running', fraction: p.fraction, epoch: p.epoch, epochs: p.epochs } });
      this.emit(new Set([id]));
    };
    this.runner.run({ id: `${id}@${version}`, spec: row.parsed.spec }, { signal: abort.signal, onProgress }).then(
      (result) => {
        if (!current()) return;
        settled = true;
        const r = this.byId.get(id)!;
        this.set({ ...r, status: finishedStatus(result), result, resultKey: key, live: [] });
        this.cache.set(key, result);
        this.settleTwins(key, result);
        this.finish(id, version);
      },
      (error: unknown) => {
        if (!current()) return;
        settled = true;
        const r = this.byId.get(id)!;
        this.set({ ...r, status: { state: 'failed', message: errorMessage(error) }, live: [] });
        this.finish(id, version);
      },
    );
  }

  /** Identical specs run once: rows that waited on the same key take the result. */
  private settleTwins(key: string, result: TrainResult): void {
    for (const [id] of this.queue) {
      const r = this.byId.get(id)!;
      if (!r.parsed.ok || r.parsed.key !== key) continue;
      this.queue.delete(id);
      this.set({ ...r, status: finishedStatus(result), result, resultKey: key, live: [] });
      this.emit(new Set([id]));
    }
  }

  private finish(id: string, version: number): void {
    if (this.running.get(id)?.version === version) this.running.delete(id);
    this.emit(new Set([id]));
    this.pump();
  }

  private cancel(id: string): void {
    const run = this.running.get(id);
    if (!run) return;
    this.running.delete(id);
    run.abort.abort();
  }

  private set(row: RowState): void {
    this.byId.set(row.id, row);
  }

  private emit(changed: ReadonlySet<string>): void {
    if (changed.size === 0) return;
    for (const fn of this.listeners) fn(changed);
  }

  private checkIdle(): void {
    if (this.queue.size > 0 || this.running.size > 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}

function finishedStatus(result: TrainResult): RunStatus {
  return result.diverged ? { state: 'diverged', epoch: result.diverged.epoch, message: result.diverged.message } : { state: 'done' };
}

function keyOf(p: ParsedRow): string | null {
  return p.ok ? p.key : null;
}

function initialStatus(parsed: ParsedRow, _prev: RowState | null): RunStatus {
  return parsed.ok ? { state: 'queued' } : { state: 'invalid', errors: parsed.errors };
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
