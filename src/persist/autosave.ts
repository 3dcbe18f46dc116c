/**
 * Autosave: the open sheet is written to the `sheets` store after every change that a file would
 * show (a cell, a row added or removed, a finished result), so closing the tab loses nothing.
 *
 * Writes are coalesced: a change starts a short timer, and everything that happens before it
 * fires costs one write. At most one write is in flight; a change during it schedules exactly one
 * more, built from the engine's state at that moment, so the last state is never dropped. Progress
 * ticks of a running row change nothing a file holds and cost nothing.
 *
 * What is not saved: live progress. A row that was queued or running when the tab closed has no
 * result for its current spec, so an engine rebuilt from the recovered document queues it again.
 */
import { curvesLeftOut, documentSteps, resultsLeftOut } from '../engine/file/write.ts';
import { type SheetParts, sheetPartsSteps } from '../engine/file/write-parts.ts';
import { type Steps, drain } from '../engine/file/steps.ts';
import { FILE_LIMITS, type SheetDocument } from '../engine/file/types.ts';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { type PersistStore, type SaveLimit, type StoreError, type StoreResult, type Transaction, failure } from './idb.ts';
import { chunkKey, saveSheetChunks, setCurrentSheetId } from './sheets.ts';
import { runSliced } from './slices.ts';

export { currentSheetId, deleteSheet, listRecent, recoverSheet, setCurrentSheetId, type SheetRecord, type SheetSummary } from './sheets.ts';

/** The longest wait between writes while changes keep coming. */
const MAX_SPACING_MS = 5000;
/** Main-thread time a save's build takes before it gives the page a turn. */
const SLICE_MS = 6;

/** What autosave reads from the engine. */
export type AutosaveEngine = Pick<SheetEngine, 'subscribe' | 'rows' | 'row' | 'formulaColumns' | 'runMode'>;

export interface AutosaveOptions {
  readonly sheetId: string;
  /** The document the sheet was opened from: title, description and the results cache carry over. */
  readonly base: SheetDocument;
  readonly store: PersistStore;
  /** A write failed (storage full, database closed); the next change or flush() tries again. */
  readonly onError?: (e: StoreError) => void;
  /** A write landed; for a "saved" indicator. */
  readonly onSaved?: (updatedAt: number) => void;
  /** Provenance for results first saved by this session. */
  readonly stamp?: { readonly app: string | null; readonly tfjs: string | null };
  /** How long changes are gathered before a write. Default 250 ms. */
  readonly delayMs?: number;
  readonly now?: () => Date;
}

export interface Autosave {
  /**
   * Save soon although no row changed: after the title, description or run mode changed (the
   * engine reports only row changes; a formula column change is noticed through its rows, but a
   * sheet with no rows, or a run-mode switch, reports nothing). Run mode and formula columns are
   * read from the engine; title and description come from `patch`.
   */
  touch(patch?: { readonly title?: string; readonly description?: string }): void;
  /** Write now whatever is unsaved (retrying a failed write once); resolves when that is settled. */
  flush(): Promise<void>;
  /** The document as last built: what "save to file" should write. */
  document(): SheetDocument;
  /** Stop listening and write what is unsaved. */
  stop(): Promise<void>;
}

/**
 * Start saving `engine`'s sheet under `sheetId`, and record it as the current sheet. The first
 * write happens after `delayMs`, so a sheet opened from a fixture or a file is saved at once.
 */
export function startAutosave(engine: AutosaveEngine, opts: AutosaveOptions): Autosave {
  return new AutosaveRun(engine, opts);
}

interface Seen {
  readonly cells: object;
  readonly result: object | null;
  readonly resultKey: string | null;
}

/** One write: its build, then its transaction. `dropped` when a flush on hide took its place. */
interface Job {
  readonly hurry: boolean;
  dropped: boolean;
  built: boolean;
  tx: Transaction | null;
}

class AutosaveRun implements Autosave {
  private doc: SheetDocument;
  private title: string;
  private description: string;
  /** The chunk keys of the copy in the store as far as we know, joined. */
  private stored: string | null = null;
  private dirty = true;
  private failed = false;
  /** The last file cap reported (its SaveLimit as JSON), null while under every cap. */
  private lastLimit: string | null = null;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private job: Job | null = null;
  /**
   * Chunk names by signature (write-parts.ts): a chunk keeps its key, and is stored once, while
   * its text stays the same. The nonce keeps keys of this page apart from any earlier page's.
   */
  private names = new Map<string, string>();
  private readonly nonce = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  private serial = 0;
  /** Main-thread time the last build took, slices added up (the store's own time comes on top). */
  private lastBuildMs = 0;
  /** What each row looked like at the last change we counted: progress ticks keep these references. */
  private readonly seen = new Map<string, Seen>();
  /** Run mode and formula columns at the last change we counted. */
  private settings: string;
  private readonly unsubscribe: () => void;
  private readonly onHide = () => {
    if (globalThis.document?.visibilityState !== 'visible') void this.flushNow();
  };

  constructor(private readonly engine: AutosaveEngine, private readonly opts: AutosaveOptions) {
    this.doc = opts.base;
    this.title = opts.base.title;
    this.description = opts.base.description;
    for (const r of engine.rows()) this.seen.set(r.id, seen(r));
    this.settings = this.settingsText();
    this.unsubscribe = engine.subscribe((changed) => this.changed(changed));
    // The last chance before the tab goes: hidden pages may be discarded without another event.
    globalThis.document?.addEventListener('visibilitychange', this.onHide);
    globalThis.addEventListener?.('pagehide', this.onHide);
    void setCurrentSheetId(opts.store, opts.sheetId).then((r) => { if (!r.ok) opts.onError?.(r.error); });
    this.schedule();
  }

  touch(patch: { readonly title?: string; readonly description?: string } = {}): void {
    if (patch.title !== undefined) this.title = patch.title;
    if (patch.description !== undefined) this.description = patch.description;
    this.markDirty();
  }

  document(): SheetDocument {
    // While a write is still building, this.doc is the one before it.
    return this.dirty || (this.job !== null && !this.job.built) ? drain(this.documentSteps()) : this.doc;
  }

  async flush(): Promise<void> {
    // Edits made in this tick are applied by the engine in a microtask queued before this one.
    await null;
    if (this.failed) this.dirty = true;
    // One retry per flush at most: a failed write clears `dirty` and sets `failed`.
    for (;;) {
      this.clearTimer();
      if (this.inFlight) await this.inFlight;
      else if (this.dirty) await this.write();
      else return;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    globalThis.document?.removeEventListener('visibilitychange', this.onHide);
    globalThis.removeEventListener?.('pagehide', this.onHide);
    await this.flush();
  }

  private changed(ids: ReadonlySet<string>): void {
    let any = false;
    for (const id of ids) {
      const r = this.engine.row(id);
      const before = this.seen.get(id);
      if (!r) {
        if (this.seen.delete(id)) any = true;
        continue;
      }
      if (!before || before.cells !== r.cells || before.result !== r.result || before.resultKey !== r.resultKey) {
        this.seen.set(id, seen(r));
        any = true;
      }
    }
    // A formula column added or changed reaches us as its rows' formula values changing.
    const settings = this.settingsText();
    if (settings !== this.settings) {
      this.settings = settings;
      any = true;
    }
    if (any) this.markDirty();
  }

  private settingsText(): string {
    return JSON.stringify([this.engine.runMode(), this.engine.formulaColumns()]);
  }

  private markDirty(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer !== null || this.inFlight !== null) return;
    // Each write walks every row and result (in slices); while results stream in, writes are
    // spaced so that they take at most about a tenth of the main thread (the delay is the least wait).
    const wait = Math.max(this.opts.delayMs ?? 250, Math.min(MAX_SPACING_MS, 10 * this.lastBuildMs));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, wait);
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** The document as the engine stands now (read when the steps start). */
  private documentSteps(): Steps<SheetDocument> {
    const now = this.opts.now?.() ?? new Date();
    // The last document is the base: results of specs no row shows now stay in the file.
    const base: SheetDocument = {
      ...this.doc,
      title: this.title,
      description: this.description,
      settings: { ...this.doc.settings, runMode: this.engine.runMode() },
      columns: [...this.engine.formulaColumns()],
    };
    const stamp = { finishedAt: now.toISOString(), app: this.opts.stamp?.app ?? null, tfjs: this.opts.stamp?.tfjs ?? null };
    return documentSteps(base, this.engine.rows(), stamp);
  }

  private *buildSteps(): Steps<{ doc: SheetDocument; parts: SheetParts }> {
    const doc = yield* this.documentSteps();
    return { doc, parts: yield* sheetPartsSteps(doc) };
  }

  private write(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (!this.dirty) return Promise.resolve();
    return this.start(false);
  }

  /**
   * The page is being hidden and may be closed: save the newest state in this task. A write in
   * flight is dropped (its transaction aborted: it would need more tasks to finish); the sheet is
   * built at once and every request made before this returns.
   */
  private flushNow(): Promise<void> {
    if (!this.dirty && !this.failed && this.job === null) return Promise.resolve();
    // visibilitychange then pagehide: the first already sent everything.
    if (!this.dirty && this.job?.hurry && this.inFlight) return this.inFlight;
    if (this.job) {
      this.job.dropped = true;
      this.job.tx?.abort();
    }
    this.clearTimer();
    return this.start(true);
  }

  private start(hurry: boolean): Promise<void> {
    this.dirty = false;
    const job: Job = { hurry, dropped: false, built: false, tx: null };
    this.job = job;
    const run: Promise<void> = this.save(job, hurry).finally(() => {
      if (this.inFlight !== run) return;
      this.inFlight = null;
      this.job = null;
      if (this.dirty) this.schedule();
    });
    this.inFlight = run;
    return run;
  }

  /** Build (in slices, or at once when hurried) and store. Runs synchronously up to its first pause. */
  private async save(job: Job, hurry: boolean): Promise<void> {
    let built: { doc: SheetDocument; parts: SheetParts } | null;
    try {
      if (hurry) built = drain(this.buildSteps());
      else {
        const sliced = await runSliced(this.buildSteps(), SLICE_MS, () => job.dropped);
        built = sliced.value;
        this.lastBuildMs = sliced.busyMs;
      }
    } catch (e) {
      this.opts.onError?.({ kind: 'store-error', op: 'build', quota: false, message: `the sheet could not be prepared for saving: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    if (built === null || job.dropped) return;
    this.doc = built.doc;
    job.built = true;
    const { parts } = built;
    const names = new Map<string, string>();
    const chunks = parts.chunks.map((c) => {
      const name = this.names.get(c.sig) ?? `${this.nonce}.${(++this.serial).toString(36)}`;
      names.set(c.sig, name);
      return { key: chunkKey(this.opts.sheetId, name), bytes: c.bytes, text: c.text };
    });
    this.names = names;
    const list = chunks.map((c) => c.key).join('\n');
    if (list === this.stored) {
      this.failed = false;
      return;
    }
    this.checkLimits(built.doc, parts.bytes);
    const updatedAt = (this.opts.now?.() ?? new Date()).getTime();
    job.tx = saveSheetChunks(this.opts.store, { id: this.opts.sheetId, title: built.doc.title, updatedAt }, chunks, parts.bytes, hurry);
    const r: StoreResult<void> = await job.tx.done.catch((e: unknown) => failure('put sheets', e));
    // Dropped: a flush on hide aborted it and wrote a newer state; that one reports.
    if (job.dropped) return;
    if (r.ok) {
      this.stored = list;
      this.failed = false;
      this.opts.onSaved?.(updatedAt);
    } else {
      // What the store holds is unknown now (the write may have landed before a closed connection
      // said so): the next write compares against nothing.
      this.stored = null;
      this.failed = true;
      this.opts.onError?.(r.error);
    }
  }

  /** Saved anyway, but a sheet past the file caps would be refused when recovered: say so now. */
  private checkLimits(doc: SheetDocument, bytes: number): void {
    const found = limitOf(doc, bytes);
    // Once per cap and count: a large sheet is saved at every edit and every result, and the same
    // notice each time kept coming back after it was read (review-20). Back under every cap, the
    // next one passed is news again.
    const key = found === null ? null : JSON.stringify(found.limit);
    if (key === this.lastLimit) return;
    this.lastLimit = key;
    if (found) this.opts.onError?.({ kind: 'store-error', op: 'put sheets', message: found.message, quota: false, limit: found.limit });
  }
}

/** The cap a saved sheet passed, if any, with its English sentence. */
function limitOf(doc: SheetDocument, bytes: number): { limit: SaveLimit; message: string } | null {
  const rows = doc.rows.length;
  if (rows > FILE_LIMITS.maxRows) {
    return { limit: { what: 'rows', rows, max: FILE_LIMITS.maxRows }, message: `the sheet has ${rows} rows; a saved sheet opens with at most ${FILE_LIMITS.maxRows}, so remove some rows` };
  }
  if (bytes > FILE_LIMITS.maxBytes) {
    return { limit: { what: 'bytes', bytes, max: FILE_LIMITS.maxBytes }, message: `the sheet is ${bytes} bytes; a saved sheet opens up to ${FILE_LIMITS.maxBytes}` };
  }
  // The writer drops the oldest results the rows show when they do not fit (file/write.ts).
  // Asked of the document, not of the rows now: a run that finished while it was built is not one left out.
  const left = resultsLeftOut(doc);
  if (left > 0) {
    return {
      limit: { what: 'results', left, maxResults: FILE_LIMITS.maxResults, maxBytes: FILE_LIMITS.maxBytes },
      message: `${left} results did not fit in the saved sheet (at most ${FILE_LIMITS.maxResults} results and ${FILE_LIMITS.maxBytes} bytes): their rows train again when it is opened; export CSV to keep their numbers`,
    };
  }
  const bare = curvesLeftOut(doc);
  if (bare > 0) {
    return {
      limit: { what: 'curves', left: bare, maxBytes: FILE_LIMITS.maxBytes },
      message: `the learning curves of the ${bare} oldest results did not fit in the saved sheet (at most ${FILE_LIMITS.maxBytes} bytes): their numbers are kept, their curves are not`,
    };
  }
  return null;
}

function seen(r: { cells: object; result: object | null; resultKey: string | null }): Seen {
  return { cells: r.cells, result: r.result, resultKey: r.resultKey };
}
