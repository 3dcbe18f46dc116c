/**
 * The runs of a sheet, from queued to settled: which rows wait (with the edit that queued them),
 * which train now (with the row version they started for and an abort signal), and what comes
 * back. A run carries its row's version: progress or a result arriving after the row changed, or
 * after the run was cancelled, is dropped. Identical specs train once; finished results are kept
 * by spec key, so a spec seen before shows its result without training.
 */
import type { EpochRecord, TrainProgress, TrainResult } from '../job.ts';
import { type RowState, finishedStatus, progressRecord } from './row-state.ts';
import { type QueueView, nextQueued } from './run-order.ts';
import type { Runner } from './runner.ts';

/** Finished results by spec key: typing an old value back shows its result without training. */
export interface ResultCache {
  get(key: string): TrainResult | undefined;
  set(key: string, result: TrainResult): void;
}

/** What the runs read and change of the sheet around them. */
export interface RunHost {
  /** Row ids in sheet order: ties in the queue go by it. */
  order(): readonly string[];
  row(id: string): RowState | undefined;
  /** Replace a row with a new object (status, progress, result). */
  set(row: RowState): void;
  /** Tell listeners these rows changed. */
  emit(changed: ReadonlySet<string>): void;
  /** A child's status changed: its sweep recounts. */
  refreshSweep(parent: string | null): void;
  /** A row's shown result changed: formulas reading it recompute at the next recompute. */
  resultChanged(id: string): void;
  /** A run ended with a result or a failure: bring formulas up to date and tell listeners. */
  settled(id: string): void;
  /** These queued rows started running: formulas reading their status read 'running' now. */
  started(ids: readonly string[]): void;
  /** Call `fn` later, from a fresh task (never synchronously). */
  later(fn: () => void): void;
  /** Whether rows wait as stale (manual mode): only then may a stale row take a twin's result. */
  manual(): boolean;
}

/** A run in flight: the row version it started for, and how to stop it. */
interface Run {
  readonly version: number;
  readonly abort: AbortController;
}

/**
 * A row taken out of the queue or off its run while one update places rows (withdraw): the row as
 * it was, the spec key it was queued or running for, and its run or its place in the queue.
 */
interface Parked {
  readonly key: string;
  readonly row: RowState;
  readonly run: Run | undefined;
  readonly seq: number | undefined;
}

/** A sheet's runs: one per row at most, started through the runner while it has room. */
export class Runs {
  /** Rows waiting to run, with the edit sequence that queued them (latest edit runs first). */
  private readonly queue = new Map<string, number>();
  private readonly running = new Map<string, Run>();
  /**
   * Rows withdrawn during the current update, kept until it ends (dropParked): a row placed again
   * with the same spec key before then takes its run back (unpark), as if never withdrawn.
   */
  private readonly parked = new Map<string, Parked>();
  /** Rows on screen: after the row just edited, they run before the rest. */
  private visible: ReadonlySet<string> = new Set();
  private idleWaiters: (() => void)[] = [];
  private disposed = false;
  /** A pump is scheduled for rows a pump left queued (see pump). */
  private pumpLater = false;
  /** The queue as the run order reads it; getters, since the sheet replaces its order array. */
  private readonly view: QueueView;

  constructor(private readonly host: RunHost, private readonly runner: Runner, private readonly cache: ResultCache) {
    const self = this;
    this.view = {
      get order() { return host.order(); },
      get queue() { return self.queue; },
      get running() { return self.running.keys(); },
      get visible() { return self.visible; },
      row: (id: string) => host.row(id),
    };
  }

  /** Whether dispose() was called: nothing starts and late results are dropped. */
  get stopped(): boolean {
    return this.disposed;
  }

  /** A finished result known for this spec key (the cache, e.g. after an undo or from a saved file). */
  known(key: string): TrainResult | undefined {
    return this.cache.get(key);
  }

  /** Keep a result found elsewhere (a saved file) under its spec key. */
  remember(key: string, result: TrainResult): void {
    this.cache.set(key, result);
  }

  /** Queue a row for the edit numbered `seq`; start it with pump(). */
  enqueue(id: string, seq: number): void {
    this.queue.set(id, seq);
  }

  /**
   * Take a row out of the queue and off its run: its spec changed, or the row is gone. The run is
   * cancelled when the update ends (dropParked), unless the row is placed again with the spec key
   * it had by then (unpark): an update whose rounds change a setting and change it back (a status
   * read through IF, a formula just typed over a value) keeps the run, its status and its version
   * (review-25 F1: a re-place cancelled the run, the restart changed a status, and so on for ever).
   */
  withdraw(id: string): void {
    const run = this.running.get(id);
    const seq = this.queue.get(id);
    this.running.delete(id);
    this.queue.delete(id);
    if (!run && seq === undefined) return;
    const row = this.host.row(id);
    // The first withdrawal in an update is the one to go back to; a later one dropped a spec never started.
    if (this.parked.has(id) || !row?.parsed.ok) run?.abort.abort();
    else this.parked.set(id, { key: row.parsed.key, row, run, seq });
  }

  /** Take a row out of the queue and cancel its run now (a rerun, the sheet closing). */
  cancel(id: string): void {
    this.withdraw(id);
    this.parked.get(id)?.run?.abort.abort();
    this.parked.delete(id);
  }

  /**
   * The row as it was before this update withdrew it, if it was queued or running for spec `key`:
   * what placing it with `key` again shows (unpark). Read-only, for placedView.
   */
  parkedRow(id: string, key: string): RowState | undefined {
    const p = this.parked.get(id);
    return p && p.key === key ? p.row : undefined;
  }

  /**
   * A run of sweep `parent` dropped in this update (its row gone, its id free and not in `taken`)
   * that was queued or running for spec `key`, as it was then: a sweep placed again with that
   * run's values gives it back under its old id (placeSweep; placedView's sweepView reads the same).
   */
  parkedChild(parent: string, key: string, taken: ReadonlySet<string>): RowState | undefined {
    for (const [id, p] of this.parked) {
      if (p.row.parent === parent && p.key === key && !taken.has(id) && this.host.row(id) === undefined) return p.row;
    }
    return undefined;
  }

  /**
   * Give a row withdrawn in this update back its run or its place in the queue, if it was there for
   * spec `key`; returns the row as it was then (its status, version, result), else undefined.
   */
  unpark(id: string, key: string): RowState | undefined {
    const p = this.parked.get(id);
    if (!p || p.key !== key) return undefined;
    this.parked.delete(id);
    if (p.run) this.running.set(id, p.run);
    if (p.seq !== undefined) this.queue.set(id, p.seq);
    return p.row;
  }

  /** The update ended: runs withdrawn in it and not taken back are cancelled. */
  dropParked(): void {
    if (this.parked.size === 0) return;
    for (const p of this.parked.values()) p.run?.abort.abort();
    this.parked.clear();
  }

  /** Tell the queue which rows are on screen: they run before rows scrolled out of view. */
  setVisible(ids: Iterable<string>): void {
    this.visible = new Set(ids);
  }

  /**
   * Start queued rows while the runner has room: latest edit first, then sheet order. Each batch
   * started is told to the host (formulas reading a status read 'running'), whose recompute may
   * queue rows (a setting reading that status) or take runs back; then more start. A row this call
   * started is not started again by it, so the call ends: a row queued again stays queued, and a
   * later call (a run ending, an edit, or the one scheduled here while the runner has room) starts it.
   */
  pump(): void {
    if (this.disposed) return;
    this.dropParked();
    const startedNow = new Set<string>();
    for (;;) {
      const batch: string[] = [];
      while (this.running.size < this.runner.capacity) {
        const id = nextQueued(this.view, startedNow);
        if (id === null) break;
        this.queue.delete(id);
        startedNow.add(id);
        if (this.start(id)) batch.push(id);
      }
      if (batch.length === 0 || this.disposed) break;
      this.host.started(batch);
    }
    if (this.running.size < this.runner.capacity && [...startedNow].some((id) => this.queue.has(id)) && !this.pumpLater) {
      this.pumpLater = true;
      this.host.later(() => {
        this.pumpLater = false;
        this.pump();
      });
    }
    this.checkIdle();
  }

  /** Resolves when no row is queued or running. */
  idle(): Promise<void> {
    if (this.queue.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolve idle() waiters if nothing is queued or running. */
  private checkIdle(): void {
    if (this.queue.size > 0 || this.running.size > 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }

  /** Cancel every run and empty the queue; later results are dropped. */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.running.keys()]) this.cancel(id);
    this.dropParked();
    this.queue.clear();
    this.checkIdle();
  }

  /** Start a queued row's run; false when it has no spec to train. */
  private start(id: string): boolean {
    const { host } = this;
    const row = host.row(id)!;
    if (!row.parsed.ok) return false;
    const { version } = row;
    const abort = new AbortController();
    this.running.set(id, { version, abort });
    const epochs = row.parsed.spec.epochs;
    // The run's epoch records, appended in place: a copy per epoch ([...live, record]) allocated
    // O(epochs²) per run, the page's largest allocation while rows trained (~23 MB in 40 s with
    // 100 toy rows, bench:charts --heap), and its garbage collections landed in frames. Every row
    // state of this run shares the array; a view that wants one that stays put copies it (the
    // grid's and detail's curves: compare-data.ts shownEpochs, a copy per frame at most).
    const live: EpochRecord[] = [];
    host.set({ ...row, status: { state: 'running', fraction: 0, epoch: 1, epochs }, live });
    host.emit(new Set([id]));
    host.refreshSweep(row.parent);
    const key = row.parsed.key;
    let settled = false;
    // Progress travels on its own message port and may arrive after the result: settled drops it.
    const current = () => !settled && !this.disposed && host.row(id)?.version === version && !abort.signal.aborted;
    const onProgress = (p: TrainProgress) => {
      if (!current()) return;
      const r = host.row(id)!;
      const record = progressRecord(p);
      if (record !== undefined && live.length < p.epoch) live.push(record);
      host.set({ ...r, live, liveBoundary: p.boundary ?? r.liveBoundary, status: { state: 'running', fraction: p.fraction, epoch: p.epoch, epochs: p.epochs } });
      host.emit(new Set([id]));
    };
    this.runner.run({ id: `${id}@${version}`, spec: row.parsed.spec }, { signal: abort.signal, onProgress }).then(
      (result) => {
        if (!current()) return;
        settled = true;
        const r = host.row(id)!;
        host.set({ ...r, status: finishedStatus(result), result, resultKey: key, live: [], liveBoundary: null });
        host.resultChanged(id);
        this.cache.set(key, result);
        this.settleTwins(key, result);
        this.finish(id, version);
      },
      (error: unknown) => {
        if (!current()) return;
        settled = true;
        const r = host.row(id)!;
        host.set({ ...r, status: { state: 'failed', message: errorMessage(error) }, live: [], liveBoundary: null });
        // Formulas waiting on its result now read that none will come (NO_RESULT), not wait for ever.
        host.resultChanged(id);
        this.finish(id, version);
      },
    );
    return true;
  }

  /**
   * Identical specs run once: rows that waited on the same key take the result, those queued and
   * those stale (manual mode) alike, as a sheet opened fresh shows them (from the cache). A stale
   * twin kept waiting for "run stale", which trained the spec again (review-23 P2).
   */
  private settleTwins(key: string, result: TrainResult): void {
    const { host } = this;
    const twins = new Set<string>();
    for (const [id] of this.queue) {
      const r = host.row(id)!;
      if (r.parsed.ok && r.parsed.key === key) twins.add(id);
    }
    // A walk over every row, at every result landing: only in manual mode, the one with stale rows.
    if (host.manual()) {
      for (const id of host.order()) {
        const r = host.row(id)!;
        if (r.status.state === 'stale' && r.parsed.ok && r.parsed.key === key) twins.add(id);
      }
    }
    for (const id of twins) {
      const r = host.row(id)!;
      this.queue.delete(id);
      host.set({ ...r, status: finishedStatus(result), result, resultKey: key, live: [], liveBoundary: null });
      host.resultChanged(id);
      host.emit(new Set([id]));
      host.refreshSweep(r.parent);
    }
  }

  private finish(id: string, version: number): void {
    if (this.running.get(id)?.version === version) this.running.delete(id);
    this.host.settled(id);
    this.pump();
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
