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
import { documentFromRows, writeSheetSized } from '../engine/file/write.ts';
import { FILE_LIMITS, type SheetDocument } from '../engine/file/types.ts';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import type { PersistStore, StoreError } from './idb.ts';
import { saveSheetRecord, setCurrentSheetId } from './sheets.ts';

export { currentSheetId, deleteSheet, listRecent, recoverSheet, setCurrentSheetId, type SheetRecord, type SheetSummary } from './sheets.ts';

/** The longest wait between writes while changes keep coming. */
const MAX_SPACING_MS = 5000;

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

class AutosaveRun implements Autosave {
  private doc: SheetDocument;
  private title: string;
  private description: string;
  /** The text the store holds, as far as we know. */
  private stored: string | null = null;
  private dirty = true;
  private failed = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  /** What each row looked like at the last change we counted: progress ticks keep these references. */
  private readonly seen = new Map<string, Seen>();
  /** Run mode and formula columns at the last change we counted. */
  private settings: string;
  private readonly unsubscribe: () => void;
  private readonly onHide = () => {
    if (globalThis.document?.visibilityState !== 'visible') void this.flush();
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
    return this.dirty ? this.build() : this.doc;
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

  /** How long the last write took to build and print (the store's own time comes on top). */
  private lastWriteMs = 0;

  private schedule(): void {
    if (this.stopped || this.timer !== null || this.inFlight !== null) return;
    // A big sheet costs tens of ms of main thread per write; while results stream in, writes are
    // spaced so that they take at most about a tenth of the time (the delay is the least wait).
    const wait = Math.max(this.opts.delayMs ?? 250, Math.min(MAX_SPACING_MS, 10 * this.lastWriteMs));
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

  private build(): SheetDocument {
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
    return documentFromRows(base, this.engine.rows(), stamp);
  }

  private write(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    let text: string;
    let bytes: number;
    const started = performance.now();
    try {
      this.doc = this.build();
      ({ text, bytes } = writeSheetSized(this.doc));
      this.lastWriteMs = performance.now() - started;
    } catch (e) {
      this.report('build', `the sheet could not be prepared for saving: ${e instanceof Error ? e.message : String(e)}`);
      return Promise.resolve();
    }
    if (text === this.stored) {
      this.failed = false;
      return Promise.resolve();
    }
    this.checkLimits(bytes);
    const updatedAt = (this.opts.now?.() ?? new Date()).getTime();
    const record = { id: this.opts.sheetId, title: this.doc.title, updatedAt, text };
    this.inFlight = saveSheetRecord(this.opts.store, record).then(
      (r) => {
        if (r.ok) {
          this.stored = text;
          this.failed = false;
          this.opts.onSaved?.(updatedAt);
        } else {
          this.failed = true;
          this.opts.onError?.(r.error);
        }
      },
      (e: unknown) => {
        this.failed = true;
        this.report('put sheets', String(e));
      },
    ).finally(() => {
      this.inFlight = null;
      if (this.dirty) this.schedule();
    });
    return this.inFlight;
  }

  /** Saved anyway, but a sheet past the file caps would be refused when recovered: say so now. */
  private checkLimits(bytes: number): void {
    const rows = this.doc.rows.length;
    if (rows > FILE_LIMITS.maxRows) this.report('put sheets', `the sheet has ${rows} rows; a saved sheet opens with at most ${FILE_LIMITS.maxRows}, so remove some rows`);
    else if (bytes > FILE_LIMITS.maxBytes) this.report('put sheets', `the sheet is ${bytes} bytes; a saved sheet opens up to ${FILE_LIMITS.maxBytes}`);
  }

  private report(op: string, message: string): void {
    this.opts.onError?.({ kind: 'store-error', op, message, quota: false });
  }
}

function seen(r: { cells: object; result: object | null; resultKey: string | null }): Seen {
  return { cells: r.cells, result: r.result, resultKey: r.resultKey };
}
