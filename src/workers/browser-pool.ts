/** The pool on Web Workers, for the page. */
import { type PoolOptions, type WorkerHandle, WorkerPool } from './pool.ts';

function startWorker(): WorkerHandle {
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

/** Default size: hardware threads minus one (the page needs one), at least one. */
export function defaultPoolSize(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, n - 1);
}

export type BrowserPool = WorkerPool & { readonly size: number };

export function createBrowserPool(opts: Partial<PoolOptions> = {}): BrowserPool {
  const pool = new WorkerPool({ size: opts.size ?? defaultPoolSize(), factory: startWorker, ...opts });
  return Object.assign(pool, { size: pool.capacity });
}
