/** The pool on Node worker threads, for the CLI and the tests: the same trainer as in the page. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { type PoolOptions, type WorkerFactory, type WorkerHandle, WorkerPool } from './pool.ts';

const ENTRY = new URL('./train.node-worker.mjs', import.meta.url);

/** A worker thread as the pool supervisor sees it: a Comlink endpoint, terminate, and its exit. */
export function workerThreadHandle(worker: Worker): WorkerHandle {
  return {
    endpoint: nodeEndpoint(worker),
    terminate: () => void worker.terminate(),
    onExit(cb) {
      worker.once('error', (e) => cb(e instanceof Error ? e.message : String(e)));
      worker.once('exit', (code) => cb(`exit code ${code}`));
    },
  };
}

/** Start one training worker thread. */
export const nodeWorkerFactory: WorkerFactory = (): WorkerHandle => workerThreadHandle(new Worker(ENTRY));

/** Default size: hardware threads minus one (the main thread needs one), at least one. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function createNodePool(opts: Partial<PoolOptions> = {}): WorkerPool {
  return new WorkerPool({ size: defaultPoolSize(), factory: nodeWorkerFactory, ...opts });
}
