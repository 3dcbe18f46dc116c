/**
 * The engine's result cache, kept in IndexedDB so it survives a reload: typing an old value back
 * after a reload shows its result without training.
 *
 * The engine reads the cache synchronously, so `open()` loads every stored result into a Map
 * first, as the JSON text it is stored as; a result is parsed and checked the first time get()
 * asks for it (checking 10,000 long histories up front would take seconds). `set()` updates the
 * Map and queues the write at once. Writes go out one at a time, in order; a failed write is
 * reported through `onError` and the result stays in memory.
 *
 * Cap: the newest `limit` results (10,000 by default, the same cap a sheet file has) are kept.
 * "Newest" is by the finishedAt stamp when the store opens (set() stamps a result with the time
 * it arrived; importSaved() keeps a file's stamps): the older ones are dropped from memory and
 * from the database. During a session, each result kept past the cap drops the one that arrived
 * first.
 */
import type { TrainResult } from '../engine/job.ts';
import { savedResultSchema } from '../engine/file/schema.ts';
import { type ResultStamp, savedFromTrainResult, trainResultFromSaved } from '../engine/file/result.ts';
import { FILE_LIMITS, type SavedResult } from '../engine/file/types.ts';
import type { ResultCache } from '../engine/scheduler/sheet-engine.ts';
import { type PersistStore, type StoreError, failure, openStore } from './idb.ts';

export const RESULT_LIMIT = FILE_LIMITS.maxResults;

export interface ResultStoreOptions {
  /** Where to keep results; by default the "sweepsheet" database (memory where IndexedDB is unavailable). */
  readonly store?: PersistStore;
  /** A write or a read failed; the results stay usable in memory. */
  readonly onError?: (e: StoreError) => void;
  /** What trained the results set from now on (app and tfjs versions), for their provenance. */
  readonly stamp?: { readonly app: string | null; readonly tfjs: string | null };
  /** How many results to keep, newest first. Default RESULT_LIMIT (10,000). */
  readonly limit?: number;
  /** The clock for finishedAt stamps. */
  readonly now?: () => Date;
}

const NO_STAMP: ResultStamp = { finishedAt: null, app: null, tfjs: null };

export class ResultStore implements ResultCache {
  /**
   * Oldest first: Map order is insertion order, and a re-set moves a key to the end. A string is
   * a stored result not yet read: its JSON text.
   */
  private readonly results = new Map<string, TrainResult | string>();
  private tail: Promise<void> = Promise.resolve();
  private readonly limit: number;

  private constructor(readonly store: PersistStore, private readonly opts: ResultStoreOptions) {
    this.limit = Math.max(1, Math.floor(opts.limit ?? RESULT_LIMIT));
  }

  /** Load every stored result. Never rejects: a read failure is reported and the cache starts empty. */
  static async open(opts: ResultStoreOptions = {}): Promise<ResultStore> {
    const rs = new ResultStore(opts.store ?? (await openStore()), opts);
    await rs.load();
    return rs;
  }

  /** Set when results will not survive a reload (see PersistStore.warning). */
  get warning(): string | null {
    return this.store.warning;
  }

  get size(): number {
    return this.results.size;
  }

  get(key: string): TrainResult | undefined {
    const v = this.results.get(key);
    if (typeof v !== 'string') return v;
    const saved = parseSaved(v);
    if (saved === null) {
      this.results.delete(key);
      this.enqueue(() => this.store.delete('results', key));
      this.opts.onError?.({ kind: 'store-error', op: 'read results', quota: false, message: 'a stored result could not be read and was removed; its row will train again' });
      return undefined;
    }
    const result = trainResultFromSaved(saved);
    // Setting an existing key keeps its place in the age order.
    this.results.set(key, result);
    return result;
  }

  has(key: string): boolean {
    return this.results.has(key);
  }

  /** Keep a finished result: in memory now, in the database as soon as the writes before it are done. */
  set(key: string, result: TrainResult): void {
    const old = this.get(key);
    // The engine re-sets every result a sheet carries when it starts: an unchanged one costs nothing.
    if (old !== undefined && (old === result || sameRun(old, result))) return;
    const stamp: ResultStamp = { finishedAt: (this.opts.now?.() ?? new Date()).toISOString(), app: this.opts.stamp?.app ?? null, tfjs: this.opts.stamp?.tfjs ?? null };
    this.keep(key, result, savedFromTrainResult(result, stamp));
  }

  /** Keep results from a sheet file with their own stamps (opening a file, say); ones already here are left alone. */
  importSaved(results: Readonly<Record<string, SavedResult>>): void {
    for (const [key, saved] of Object.entries(results)) {
      if (!this.results.has(key)) this.keep(key, trainResultFromSaved(saved), saved);
    }
  }

  /** Resolves when every write queued so far has been tried. */
  flush(): Promise<void> {
    return this.tail;
  }

  private keep(key: string, result: TrainResult, saved: SavedResult): void {
    this.results.delete(key);
    this.results.set(key, result);
    // JSON as the file writes it: NaN and Infinity become null, and read back as NaN.
    this.enqueue(() => this.store.put('results', key, JSON.stringify(saved)));
    while (this.results.size > this.limit) {
      const oldest = this.results.keys().next().value as string;
      this.results.delete(oldest);
      this.enqueue(() => this.store.delete('results', oldest));
    }
  }

  private enqueue(write: () => Promise<{ ok: true } | { ok: false; error: StoreError }>): void {
    this.tail = this.tail.then(async () => {
      try {
        const r = await write();
        if (!r.ok) this.opts.onError?.(r.error);
      } catch (e) {
        this.opts.onError?.(failure('write results', e).error);
      }
    });
  }

  private async load(): Promise<void> {
    const all = await this.store.getAll<unknown>('results');
    if (!all.ok) {
      this.opts.onError?.(all.error);
      return;
    }
    const good: { key: string; text: string; finishedAt: string }[] = [];
    const bad: string[] = [];
    for (const { key, value } of all.value) {
      const finishedAt = typeof value === 'string' ? FINISHED_AT.exec(value) : null;
      if (finishedAt) good.push({ key, text: value as string, finishedAt: finishedAt[1] ?? '' });
      else bad.push(key);
    }
    // Oldest first (undated ones first of all); ties in key order, so loading is deterministic.
    good.sort((a, b) => (a.finishedAt < b.finishedAt ? -1 : a.finishedAt > b.finishedAt ? 1 : 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const drop = good.length > this.limit ? good.splice(0, good.length - this.limit) : [];
    for (const { key, text } of good) this.results.set(key, text);
    for (const key of [...bad, ...drop.map((d) => d.key)]) this.enqueue(() => this.store.delete('results', key));
    if (bad.length > 0) {
      this.opts.onError?.({ kind: 'store-error', op: 'read results', quota: false, message: `${bad.length} stored result(s) could not be read and were removed; those rows will train again` });
    }
  }
}

/**
 * The stamp of a stored result, read without parsing it: JSON escapes every quote inside a
 * string, so this pattern can only match the key itself.
 */
const FINISHED_AT = /"finishedAt":(?:null|"([^"\\]*)")/;

function parseSaved(value: string): SavedResult | null {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return null;
  }
  const r = savedResultSchema.safeParse(data);
  return r.success ? (r.data as SavedResult) : null;
}

/** The same numbers and history, whoever ran it and whenever (jobId and stamps aside). */
function sameRun(a: TrainResult, b: TrainResult): boolean {
  return JSON.stringify(savedFromTrainResult(a, NO_STAMP)) === JSON.stringify(savedFromTrainResult(b, NO_STAMP));
}
