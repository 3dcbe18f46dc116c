/**
 * One open sheet in the page: its engine and autosave, on the page's result cache and worker pool.
 * Opening another sheet builds a new session first and only then closes the old one, so a sheet
 * that fails to open leaves the open one as it was. The pool outlives its sessions: closing one
 * withdraws its runs (each worker stops at its next batch) and the next sheet's rows train on
 * workers that have tfjs, the kernels and the datasets loaded already.
 */
// The version only, from the package's manifest: importing it from '@tensorflow/tfjs' evaluated
// all of tfjs (backends, kernels, layers) on the page's main thread, where nothing trains, and
// kept its objects and code on the heap every major GC walks.
import tfjsPackage from '@tensorflow/tfjs/package.json';
import { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { type SheetDocument, rowInits } from '../engine/sheet-file.ts';
import { type Autosave, recoverSheet, startAutosave } from '../persist/autosave.ts';
import type { PersistStore, StoreError } from '../persist/idb.ts';
import { ResultStore } from '../persist/result-store.ts';
import { watchSheetPresence } from '../persist/tab-presence.ts';
import type { BrowserPool } from '../workers/browser-pool.ts';
import { chooseRunner } from '../workers/queue-runner.ts';

export const APP_VERSION = '0.1.0';
export const STAMP = { app: APP_VERSION, tfjs: tfjsPackage.version };

export interface Session {
  /** The id the sheet is saved under in the browser: `fixture:<name>`, `file:<name>`, `link:<hash>`. */
  readonly id: string;
  readonly engine: SheetEngine;
  readonly pool: BrowserPool;
  readonly saver: Autosave;
  /** The sheet as it stands now (for save and copy link). */
  document(): SheetDocument;
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly store: PersistStore;
  readonly cache: ResultStore;
  readonly onError: (e: StoreError) => void;
  /** The page's workers, shared by every sheet it opens (not disposed when a session closes). */
  readonly pool: BrowserPool;
  /** Take the copy saved in this browser over `doc` when there is one (a reload); false for a file just opened. */
  readonly preferSaved: boolean;
  /** Another tab of this browser has the same sheet open: their autosaves overwrite each other. */
  readonly onShared?: () => void;
}

/** Open `doc` under `id`: restore the browser's copy if asked, warm the cache, start the engine and autosave. */
export async function openSession(id: string, doc: SheetDocument, opts: SessionOptions): Promise<Session> {
  const saved = opts.preferSaved ? await recoverSheet(opts.store, id, opts.onError) : null;
  const base = saved ?? doc;
  // A file's own results keep their stamps; the cache makes them (and every earlier result) instant.
  opts.cache.importSaved(base.results);
  const { pool } = opts;
  // Served by `sweepsheet serve --redis`: the person may send runs to the job queue instead.
  // The runner's dispose ends this sheet's use of it; the pool itself stays for the next sheet.
  const runner = await chooseRunner({ get capacity() { return pool.capacity; }, run: (job, o) => pool.run(job, o), dispose() {} });
  const engine = new SheetEngine(rowInits(base), runner, {
    cache: opts.cache, formulaColumns: base.columns, runMode: base.settings.runMode,
  });
  const saver = startAutosave(engine, { sheetId: id, base, store: opts.store, onError: opts.onError, stamp: STAMP });
  const presence = watchSheetPresence(id, () => opts.onShared?.());
  return {
    id, engine, pool, saver,
    document: () => saver.document(),
    async close() {
      presence.close();
      await saver.stop();
      engine.dispose();
      runner.dispose();
    },
  };
}

export async function openCache(store: PersistStore, onError: (e: StoreError) => void): Promise<ResultStore> {
  return ResultStore.open({ store, onError, stamp: STAMP });
}
