/**
 * A small promise wrapper over IndexedDB: one database, three object stores, one transaction per
 * call. Every failure comes back as a value ({ ok: false, error }) and never as a throw, because a
 * full disk or a closed database must not stop the sheet. Where IndexedDB cannot be used (private
 * modes, disabled storage, an upgrade blocked by an old tab) the same API runs on in-memory maps
 * and says so in `warning`.
 *
 * Written by hand rather than with the `idb` package: the project needs five calls, error values
 * instead of rejections, and a memory fallback behind the same interface, and a hand-written
 * wrapper adds no dependency.
 */
import type { Result } from '../engine/errors.ts';

export const DB_NAME = 'sweepsheet';
/** 2 added `chunks`; records of version 1 are read as they are. */
export const DB_VERSION = 2;

/**
 * `sheets`: sheet id → SheetRecord (the canonical version 2 file text, whole or as chunk keys);
 * `chunks`: a piece of a saved sheet's text, by a key that starts with its sheet's (sheets.ts);
 * `results`: spec key → the saved result's JSON text, as the file stores it;
 * `meta`: small values such as the current sheet id.
 */
export const STORE_NAMES = ['sheets', 'chunks', 'results', 'meta'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export interface StoreError {
  readonly kind: 'store-error';
  /** What was attempted, e.g. `put results`. */
  readonly op: string;
  /** For a person: what happened and what to do. */
  readonly message: string;
  /** The browser refused to store more (QuotaExceededError). */
  readonly quota: boolean;
  /** Saved, but past a cap of the sheet file: what, with its numbers, for the page to say in its language. */
  readonly limit?: SaveLimit;
}

/**
 * A saved sheet past a file cap: with too many rows or bytes the reader would refuse it when it
 * is recovered; past the results' caps the writer left the oldest results (or their curves) out.
 */
export type SaveLimit =
  | { readonly what: 'rows'; readonly rows: number; readonly max: number }
  | { readonly what: 'bytes'; readonly bytes: number; readonly max: number }
  | { readonly what: 'results'; readonly left: number; readonly maxResults: number; readonly maxBytes: number }
  | { readonly what: 'curves'; readonly left: number; readonly maxBytes: number };

export type StoreResult<T> = Result<T, StoreError>;

export interface Entry<T> {
  readonly key: string;
  readonly value: T;
}

/** The persistence backend: IndexedDB, or memory when IndexedDB cannot be used. */
export interface PersistStore {
  readonly kind: 'indexeddb' | 'memory';
  /** Set when nothing will survive a reload (memory fallback), or when the database was closed. */
  readonly warning: string | null;
  get<T>(store: StoreName, key: string): Promise<StoreResult<T | undefined>>;
  /** Every entry, in key order. */
  getAll<T>(store: StoreName): Promise<StoreResult<Entry<T>[]>>;
  put(store: StoreName, key: string, value: unknown): Promise<StoreResult<void>>;
  delete(store: StoreName, key: string): Promise<StoreResult<void>>;
  /**
   * One transaction over `stores`, driven by `body`, all or nothing. The body may await the
   * requests it makes, each answer coming in a main-thread task of its own, so a big write can be
   * spread over several tasks; awaiting anything else ends the transaction (IndexedDB commits it
   * when no request is pending), after which requests fail. A body that throws aborts it.
   */
  transact(stores: readonly StoreName[], mode: IDBTransactionMode, op: string, body: (tx: Tx) => Promise<void>): Transaction;
  close(): void;
}

/** What a transaction's body can do. Requests run in the order they are made. */
export interface Tx {
  get<T>(store: StoreName, key: string): Promise<T | undefined>;
  /** The keys that start with `prefix` (up to prefix + U+FFFF), in key order. */
  keys(store: StoreName, prefix: string): Promise<string[]>;
  /** The value is cloned when this is called: that is where a put costs main-thread time. */
  put(store: StoreName, key: string, value: unknown): Promise<void>;
  delete(store: StoreName, key: string): void;
  deletePrefix(store: StoreName, prefix: string): void;
}

export interface Transaction {
  /** Resolves when the transaction committed or failed; never rejects. */
  readonly done: Promise<StoreResult<void>>;
  /** Undo everything it did; `done` then gives an error. Nothing happens once it has finished. */
  abort(): void;
}

export interface OpenOptions {
  /** Database name; tests use their own. */
  readonly name?: string;
  /** The factory to use; defaults to globalThis.indexedDB. Pass null to force the memory store. */
  readonly factory?: IDBFactory | null;
  /** Give up waiting (a blocked upgrade, a hung open) after this long and use memory. Default 5 s. */
  readonly timeoutMs?: number;
  /** Called once if the database is closed under us: a newer version opened in another tab, or storage was cleared. */
  readonly onClosed?: (message: string) => void;
}

export const MEMORY_WARNING = 'this browser does not let Sweepsheet store data (IndexedDB is unavailable, as in some private windows): work is kept in this tab only and is lost on reload';

/** Open the database; never rejects. Falls back to memory, with a warning, when IndexedDB cannot be used. */
export async function openStore(opts: OpenOptions = {}): Promise<PersistStore> {
  const factory = opts.factory === undefined ? globalFactory() : opts.factory;
  if (!factory) return new MemoryStore(MEMORY_WARNING);
  const opened = await openDatabase(factory, opts.name ?? DB_NAME, opts.timeoutMs ?? 5000);
  if (!opened.ok) return new MemoryStore(`${opened.error}; work is kept in this tab only and is lost on reload`);
  return new IdbStore(opened.value, opts.onClosed);
}

function globalFactory(): IDBFactory | null {
  try {
    // Reading the property itself throws in some sandboxed frames.
    return (globalThis as { indexedDB?: IDBFactory }).indexedDB ?? null;
  } catch {
    return null;
  }
}

function openDatabase(factory: IDBFactory, name: string, timeoutMs: number): Promise<Result<IDBDatabase, string>> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Result<IDBDatabase, string>) => {
      if (settled) {
        // A late success after we gave up: let it go, or it would block the next upgrade.
        if (r.ok) r.value.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    let blocked = false;
    const timer = setTimeout(() => done({
      ok: false,
      error: blocked
        ? 'another Sweepsheet tab holds an older version of the saved data open (close it and reload)'
        : `IndexedDB did not open within ${timeoutMs} ms`,
    }), timeoutMs);
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name, DB_VERSION);
    } catch (e) {
      done({ ok: false, error: `IndexedDB could not be opened (${describe(e)})` });
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const s of STORE_NAMES) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s);
    };
    req.onblocked = () => { blocked = true; };
    req.onsuccess = () => done({ ok: true, value: req.result });
    req.onerror = (ev) => {
      ev.preventDefault();
      done({ ok: false, error: `IndexedDB could not be opened (${describe(req.error)})` });
    };
  });
}

class IdbStore implements PersistStore {
  readonly kind = 'indexeddb';
  warning: string | null = null;
  private closed = false;

  constructor(private readonly db: IDBDatabase, private readonly onClosed?: (message: string) => void) {
    // A newer version opening in another tab waits for us: step aside rather than block it.
    db.onversionchange = () => this.lose('a newer Sweepsheet opened the saved data in another tab; reload this tab to keep saving');
    db.onclose = () => this.lose('the browser closed the saved data (storage cleared?); reload to keep saving');
  }

  get<T>(store: StoreName, key: string): Promise<StoreResult<T | undefined>> {
    return this.run(`get ${store}`, store, 'readonly', (s) => s.get(key), (r) => r as T | undefined);
  }

  getAll<T>(store: StoreName): Promise<StoreResult<Entry<T>[]>> {
    let keys: IDBRequest<IDBValidKey[]> | null = null;
    return this.run(`read ${store}`, store, 'readonly', (s) => {
      keys = s.getAllKeys();
      return s.getAll();
    }, (values) => (values as T[]).map((value, i) => ({ key: String(keys!.result[i]), value })));
  }

  put(store: StoreName, key: string, value: unknown): Promise<StoreResult<void>> {
    return this.run(`put ${store}`, store, 'readwrite', (s) => s.put(value, key), () => undefined);
  }

  delete(store: StoreName, key: string): Promise<StoreResult<void>> {
    return this.run(`delete ${store}`, store, 'readwrite', (s) => s.delete(key), () => undefined);
  }

  transact(stores: readonly StoreName[], mode: IDBTransactionMode, op: string, body: (tx: Tx) => Promise<void>): Transaction {
    if (this.closed) return { done: Promise.resolve(failure(op, this.warning ?? 'the saved data is closed')), abort() {} };
    let tx: IDBTransaction;
    try {
      tx = this.db.transaction([...stores], mode);
    } catch (e) {
      return { done: Promise.resolve(failure(op, e)), abort() {} };
    }
    let finished = false;
    let thrown: unknown = null;
    const abort = () => {
      if (finished) return;
      try { tx.abort(); } catch { /* already committing or done */ }
    };
    const done = new Promise<StoreResult<void>>((resolve) => {
      tx.oncomplete = () => { finished = true; resolve({ ok: true, value: undefined }); };
      tx.onabort = () => { finished = true; resolve(failure(op, tx.error ?? thrown ?? 'the transaction was aborted')); };
    });
    const request = <T>(r: IDBRequest): Promise<T> => {
      const p = new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result as T);
        // Not prevented: a failed request aborts the whole transaction.
        r.onerror = () => reject(r.error);
      });
      p.catch(() => {});
      return p;
    };
    const range = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const view: Tx = {
      get: (store, key) => request(tx.objectStore(store).get(key)),
      keys: async (store, prefix) => (await request<IDBValidKey[]>(tx.objectStore(store).getAllKeys(range(prefix)))).map(String),
      put: (store, key, value) => request(tx.objectStore(store).put(value, key)),
      delete: (store, key) => { tx.objectStore(store).delete(key); },
      deletePrefix: (store, prefix) => { tx.objectStore(store).delete(range(prefix)); },
    };
    let ran: Promise<void>;
    try {
      ran = body(view);
    } catch (e) {
      ran = Promise.reject(e);
    }
    // Committing at once, rather than when the task ends, matters when the page is going away.
    ran.then(() => { try { (tx as IDBTransaction & { commit?: () => void }).commit?.(); } catch { /* ended already */ } }, (e: unknown) => {
      thrown = e;
      abort();
    });
    return { done, abort };
  }

  close(): void {
    this.closed = true;
    this.db.close();
  }

  private lose(message: string): void {
    if (this.closed) return;
    this.closed = true;
    this.warning = message;
    this.db.close();
    this.onClosed?.(message);
  }

  /** One request in its own transaction; resolves when the transaction commits (or fails). */
  private run<T>(op: string, store: StoreName, mode: IDBTransactionMode, request: (s: IDBObjectStore) => IDBRequest, read: (result: unknown) => T): Promise<StoreResult<T>> {
    if (this.closed) return Promise.resolve(failure(op, this.warning ?? 'the saved data is closed'));
    return new Promise((resolve) => {
      let req: IDBRequest;
      let tx: IDBTransaction;
      try {
        tx = this.db.transaction(store, mode);
        req = request(tx.objectStore(store));
      } catch (e) {
        // Thrown synchronously: a closed connection, a value that cannot be cloned, a quota hit.
        resolve(failure(op, e));
        return;
      }
      tx.oncomplete = () => resolve({ ok: true, value: read(req.result) });
      // The request's error bubbles to the transaction; abort covers quota hits found at commit.
      tx.onabort = () => resolve(failure(op, tx.error ?? req.error ?? 'the transaction was aborted'));
    });
  }
}

/** The same API on maps: values are cloned in and out, as IndexedDB would. */
export class MemoryStore implements PersistStore {
  readonly kind = 'memory';
  private readonly maps = new Map<StoreName, Map<string, unknown>>(STORE_NAMES.map((s) => [s, new Map()]));

  constructor(readonly warning: string | null = MEMORY_WARNING) {}

  async get<T>(store: StoreName, key: string): Promise<StoreResult<T | undefined>> {
    const v = this.maps.get(store)!.get(key);
    return { ok: true, value: v === undefined ? undefined : (structuredClone(v) as T) };
  }

  async getAll<T>(store: StoreName): Promise<StoreResult<Entry<T>[]>> {
    const keys = [...this.maps.get(store)!.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { ok: true, value: keys.map((key) => ({ key, value: structuredClone(this.maps.get(store)!.get(key)) as T })) };
  }

  async put(store: StoreName, key: string, value: unknown): Promise<StoreResult<void>> {
    try {
      this.maps.get(store)!.set(key, structuredClone(value));
      return { ok: true, value: undefined };
    } catch (e) {
      return failure(`put ${store}`, e);
    }
  }

  async delete(store: StoreName, key: string): Promise<StoreResult<void>> {
    this.maps.get(store)!.delete(key);
    return { ok: true, value: undefined };
  }

  /** Transactions one after another, as IndexedDB runs those whose stores overlap. */
  private queue: Promise<unknown> = Promise.resolve();

  /** On copies of the stores' maps, swapped in when the body ends well (readwrite). */
  transact(stores: readonly StoreName[], mode: IDBTransactionMode, op: string, body: (tx: Tx) => Promise<void>): Transaction {
    let aborted = false;
    const run = async (): Promise<StoreResult<void>> => {
      const staged = new Map(stores.map((s) => [s, new Map(this.maps.get(s)!)]));
      const map = (s: StoreName) => {
        const m = staged.get(s);
        if (!m) throw new DOMException(`${s} is not in this transaction`, 'NotFoundError');
        return m;
      };
      const writable = (s: StoreName) => {
        if (mode === 'readonly') throw new DOMException('the transaction is read-only', 'ReadOnlyError');
        return map(s);
      };
      const inRange = (k: string, prefix: string) => k >= prefix && k <= `${prefix}\uffff`;
      const view: Tx = {
        get: async (s, key) => structuredClone(map(s).get(key)) as never,
        keys: async (s, prefix) => [...map(s).keys()].filter((k) => inRange(k, prefix)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        put: async (s, key, value) => { writable(s).set(key, structuredClone(value)); },
        delete: (s, key) => { writable(s).delete(key); },
        deletePrefix: (s, prefix) => { const m = writable(s); for (const k of [...m.keys()]) if (inRange(k, prefix)) m.delete(k); },
      };
      try {
        await body(view);
      } catch (e) {
        return failure(op, e);
      }
      if (aborted) return failure(op, 'the transaction was aborted');
      if (mode === 'readwrite') for (const [s, m] of staged) this.maps.set(s, m);
      return { ok: true, value: undefined };
    };
    const done = this.queue.then(run);
    this.queue = done;
    return { done, abort: () => { aborted = true; } };
  }

  close(): void {}
}

/** A StoreError from whatever was thrown or reported; quota errors get their own message. */
export function failure(op: string, cause: unknown): { ok: false; error: StoreError } {
  const name = cause instanceof Error || (typeof DOMException !== 'undefined' && cause instanceof DOMException) ? (cause as Error).name : '';
  const quota = name === 'QuotaExceededError';
  const message = quota
    ? `the browser's storage for this site is full, so the last change was not saved (${op}); free space or delete old sheets`
    : `could not ${op}: ${describe(cause)}`;
  return { ok: false, error: { kind: 'store-error', op, message, quota } };
}

function describe(e: unknown): string {
  if (e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException)) {
    const x = e as Error;
    return x.message ? `${x.name}: ${x.message}` : x.name;
  }
  return String(e);
}

/** Ask the browser not to evict our data under storage pressure; false where it declines or cannot. */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    return (await globalThis.navigator?.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
