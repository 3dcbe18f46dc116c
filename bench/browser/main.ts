/**
 * The benchmark page: pools of training workers in chromium, driven from Node by
 * bench/lib/browser.ts through window.__bench. "auto" is the app's own worker
 * (src/workers/train.worker.ts, its own backend choice); "wasm" and "webgl" pin a backend.
 */
import type { TrainJob, TrainResult } from '../../src/engine/job.ts';
import type { RowCells } from '../../src/engine/spec.ts';
import type { TensorMemory } from '../../src/workers/protocol.ts';
import { type WorkerHandle, WorkerPool } from '../../src/workers/pool.ts';
import { drive } from '../lib/drive.ts';
import { editToFirstProgress } from '../lib/edit-latency.ts';

export type WorkerKind = 'auto' | 'wasm' | 'webgl';

function handle(worker: Worker): WorkerHandle {
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    onExit(cb) {
      worker.addEventListener('error', (e) => cb(e.message || 'uncaught error in worker'), { once: true });
    },
  };
}

const FACTORIES: Record<WorkerKind, () => WorkerHandle> = {
  auto: () => handle(new Worker(new URL('../../src/workers/train.worker.ts', import.meta.url), { type: 'module' })),
  wasm: () => handle(new Worker(new URL('./wasm.worker.ts', import.meta.url), { type: 'module' })),
  webgl: () => handle(new Worker(new URL('./webgl.worker.ts', import.meta.url), { type: 'module' })),
};

export interface TimedResult {
  readonly result: TrainResult;
  readonly wallSeconds: number;
  readonly firstProgressMs: number;
}

function timedRun(pool: WorkerPool, job: TrainJob): Promise<TimedResult> {
  const t0 = performance.now();
  let first = NaN;
  const onProgress = () => { if (Number.isNaN(first)) first = performance.now() - t0; };
  // A small job that ends within its first update's hold sends only its end: then that is its first update.
  return pool.run(job, { signal: new AbortController().signal, onProgress }).then((result) => {
    onProgress();
    return { result, wallSeconds: (performance.now() - t0) / 1000, firstProgressMs: first };
  });
}

let kept: WorkerPool | null = null;
/** More pools kept open by name (bench:pool --rounds: a 1- and a 2-worker pool side by side). */
const named = new Map<string, WorkerPool>();
let staged: TrainJob[] | null = null;
function takeStaged(): TrainJob[] {
  const jobs = staged;
  staged = null;
  if (!jobs) throw new Error('no jobs staged');
  return jobs;
}

const bench = {
  /** Train jobs one after another on a fresh one-worker pool (warm-up job first, if given). */
  async train(kind: WorkerKind, jobs: TrainJob[], warmup: TrainJob | null): Promise<{ info: unknown; runs: TimedResult[] }> {
    const pool = new WorkerPool({ size: 1, factory: FACTORIES[kind], stallTimeoutMs: 600_000 });
    try {
      const [info] = await pool.info();
      if (warmup) await timedRun(pool, warmup);
      const runs: TimedResult[] = [];
      for (const j of jobs) runs.push(await timedRun(pool, j));
      return { info, runs };
    } finally {
      pool.dispose();
    }
  },

  /** All jobs at once on a pool of `size` workers, after one warm-up job per worker. */
  async pool(kind: WorkerKind, size: number, jobs: TrainJob[], warmups: TrainJob[]): Promise<{ seconds: number; runs: TimedResult[] }> {
    const pool = new WorkerPool({ size, factory: FACTORIES[kind], stallTimeoutMs: 600_000 });
    try {
      await pool.info();
      await Promise.all(warmups.map((j) => timedRun(pool, j)));
      const t0 = performance.now();
      const runs = await Promise.all(jobs.map((j) => timedRun(pool, j)));
      return { seconds: (performance.now() - t0) / 1000, runs };
    } finally {
      pool.dispose();
    }
  },

  /** A pool kept open across calls, so Node can take CPU snapshots around each phase (bench:pool). */
  async open(kind: WorkerKind, size: number): Promise<void> {
    kept?.dispose();
    kept = new WorkerPool({ size, factory: FACTORIES[kind], stallTimeoutMs: 600_000 });
    await kept.info();
  },

  /**
   * All jobs at once on the open pool (or at most `concurrency` in flight, each lane submitting its
   * next job when its previous one ended: bench:pool --rounds): wall seconds and each job's own seconds.
   */
  async grid(given: TrainJob[] | null, concurrency?: number): Promise<{ seconds: number; jobSeconds: number[] }> {
    const jobs = given ?? takeStaged();
    const t0 = performance.now();
    let next = 0;
    const lane = async (out: TimedResult[]) => { while (next < jobs.length) out.push(await timedRun(kept!, jobs[next++]!)); return out; };
    const runs = concurrency === undefined ? await Promise.all(jobs.map((j) => timedRun(kept!, j)))
      : (await Promise.all(Array.from({ length: concurrency }, () => lane([])))).flat();
    return { seconds: (performance.now() - t0) / 1000, jobSeconds: runs.map((r) => r.result.seconds) };
  },

  /** A pool of `size` kept open under `name`, beside the others. */
  async openNamed(name: string, kind: WorkerKind, size: number): Promise<void> {
    named.get(name)?.dispose();
    const pool = new WorkerPool({ size, factory: FACTORIES[kind], stallTimeoutMs: 600_000 });
    named.set(name, pool);
    await pool.info();
  },

  /**
   * Keep `jobs` in the page for the next `drive` or `grid` called with null. A thousand jobs are
   * ~800 kB of arguments, and the page spends ~0.2 s of CPU taking them in: staged first, that
   * falls outside the CPU snapshot Node takes around the timed call.
   */
  stage(jobs: TrainJob[]): void {
    staged = jobs;
  },

  /** The jobs (or the staged ones) on pool `name`, handed out as the app's scheduler does (bench/lib/drive.ts). */
  async drive(name: string, jobs: TrainJob[] | null): Promise<{ seconds: number; jobSeconds: number[] }> {
    const t0 = performance.now();
    const jobSeconds = await drive(named.get(name)!, jobs ?? takeStaged());
    return { seconds: (performance.now() - t0) / 1000, jobSeconds };
  },

  close(): void {
    kept?.dispose();
    kept = null;
    for (const p of named.values()) p.dispose();
    named.clear();
  },

  /** Edit a row's learning rate N times; each time, ms from the edit to the re-run's first progress. */
  async latency(kind: WorkerKind, cells: RowCells, lrs: string[]): Promise<number[]> {
    const pool = new WorkerPool({ size: 1, factory: FACTORIES[kind], stallTimeoutMs: 600_000 });
    try {
      return await editToFirstProgress(pool, cells, lrs);
    } finally {
      pool.dispose();
    }
  },

  async memory(kind: WorkerKind, jobs: TrainJob[]): Promise<{ before: TensorMemory[]; after: TensorMemory[] }> {
    const pool = new WorkerPool({ size: 1, factory: FACTORIES[kind], stallTimeoutMs: 600_000 });
    try {
      await pool.info();
      await timedRun(pool, jobs[0]!);
      const before = await pool.memory();
      for (const j of jobs) await timedRun(pool, j);
      return { before, after: await pool.memory() };
    } finally {
      pool.dispose();
    }
  },
};

export type BenchPage = typeof bench;
(window as unknown as { __bench: BenchPage }).__bench = bench;
document.title = 'bench ready';
