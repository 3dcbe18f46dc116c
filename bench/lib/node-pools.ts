/**
 * Pools of bench workers on Node threads: our WorkerPool supervisor with a factory that starts
 * bench/lib/node-worker (the project's trainer, wasm or cpu only, with a heap() call).
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { TrainJob, TrainProgress, TrainResult } from '../../src/engine/job.ts';
import type { TrainerApi } from '../../src/workers/protocol.ts';
import { workerThreadHandle } from '../../src/workers/node-pool.ts';
import { type WorkerFactory, WorkerPool } from '../../src/workers/pool.ts';

const ENTRY = new URL('./node-worker.mjs', import.meta.url);

export interface HeapStats {
  readonly usedHeap: number;
  readonly external: number;
  readonly wasmMemory: number;
  readonly rss: number;
}

export type BenchApi = TrainerApi & { heap(): HeapStats };

export function benchWorkerFactory(wasm: boolean): WorkerFactory {
  return () => workerThreadHandle(new Worker(ENTRY, { workerData: { wasm } }));
}

export function benchPool(size: number, wasm: boolean): WorkerPool {
  return new WorkerPool({ size, factory: benchWorkerFactory(wasm), stallTimeoutMs: 600_000 });
}

/** One bench worker driven directly (no pool), for calls the pool does not forward (heap). */
export function directWorker(wasm: boolean): { api: Comlink.Remote<BenchApi>; close(): void } {
  const worker = new Worker(ENTRY, { workerData: { wasm } });
  const api = Comlink.wrap<BenchApi>(nodeEndpoint(worker));
  return { api, close: () => { api[Comlink.releaseProxy](); void worker.terminate(); } };
}

/** Run one job on a pool, resolving with its result. */
export function runOn(pool: WorkerPool, job: TrainJob, onProgress: (p: TrainProgress) => void = () => {}): Promise<TrainResult> {
  return pool.run(job, { signal: new AbortController().signal, onProgress });
}
