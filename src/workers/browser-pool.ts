/** The pool on Web Workers, for the page, and how many workers the person asked for. */
import { type PoolOptions, type WorkerHandle, WorkerPool } from './pool.ts';

let started = 0;

/** How many training workers this page has started (the first pool's, resizes and replacements). */
export function workersStarted(): number {
  return started;
}

function startWorker(): WorkerHandle {
  started++;
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'sweepsheet-trainer' });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    onExit(cb) {
      // A Web Worker has no exit event: an uncaught error or an unreadable message is fatal to us.
      worker.addEventListener('error', (e) => cb(e.message || 'uncaught error in worker'), { once: true });
      worker.addEventListener('messageerror', () => cb('a message could not be read'), { once: true });
    },
  };
}

/** The machine's hardware threads, as the browser reports them (2 when it does not). */
export function hardwareThreads(): number {
  return (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2;
}

/** Default size: hardware threads minus one (the page needs one), at least one. */
export function defaultPoolSize(): number {
  return Math.max(1, hardwareThreads() - 1);
}

/** The most the workers menu offers: one per hardware thread (two on a one-thread machine, to compare). */
export function maxPoolSize(): number {
  return Math.max(2, hardwareThreads());
}

const STORAGE_KEY = 'sweepsheet.workers';

/**
 * The size the person chose in this browser (the toolbar's workers menu), else the default. A
 * stored value outside 1..maxPoolSize (another machine's, or edited) falls back to the default.
 */
export function preferredPoolSize(): number {
  try {
    const n = Number(globalThis.localStorage?.getItem(STORAGE_KEY));
    if (Number.isInteger(n) && n >= 1 && n <= maxPoolSize()) return n;
  } catch {
    // Storage refused (private mode, a sandboxed frame): the default.
  }
  return defaultPoolSize();
}

/** Remember the chosen size for the next sheet and the next visit. */
export function rememberPoolSize(n: number): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, String(n));
  } catch {
    // Not remembered; the choice still applies to the open sheet.
  }
}

export type BrowserPool = WorkerPool;

export function createBrowserPool(opts: Partial<PoolOptions> = {}): BrowserPool {
  return new WorkerPool({ size: opts.size ?? preferredPoolSize(), factory: startWorker, ...opts });
}
