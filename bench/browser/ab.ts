/**
 * The A/B page of bench/pool-ab.ts: pools of the app's Web Worker built from two source trees
 * at once (the tree as it is, and an older one extracted under bench/.ab-old/), so their grids
 * alternate in one page, seconds apart, under the same load. Only the worker's code differs
 * between the two: both pools are this tree's WorkerPool.
 */
import type { TrainJob } from '../../src/engine/job.ts';
import { type WorkerHandle, WorkerPool } from '../../src/workers/pool.ts';

function handle(url: string): WorkerHandle {
  const worker = new Worker(url, { type: 'module' });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    onExit(cb) {
      worker.addEventListener('error', (e) => cb(e.message || 'uncaught error in worker'), { once: true });
    },
  };
}

const pools = new Map<string, WorkerPool>();

const ab = {
  /** A pool of `size` workers started from the worker entry at `url` (a path the dev server serves). */
  async open(name: string, url: string, size: number): Promise<void> {
    pools.get(name)?.dispose();
    const pool = new WorkerPool({ size, factory: () => handle(url), stallTimeoutMs: 600_000 });
    pools.set(name, pool);
    await pool.info();
  },

  /** The jobs on pool `name`, at most `concurrency` in flight: wall seconds and each job's own seconds. */
  async grid(name: string, jobs: TrainJob[], concurrency: number): Promise<{ seconds: number; jobSeconds: number[] }> {
    const pool = pools.get(name)!;
    const t0 = performance.now();
    const jobSeconds: number[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const r = await pool.run(jobs[next++]!, { signal: new AbortController().signal, onProgress: () => {} });
        jobSeconds.push(r.seconds);
      }
    }));
    return { seconds: (performance.now() - t0) / 1000, jobSeconds };
  },

  close(): void {
    for (const p of pools.values()) p.dispose();
    pools.clear();
  },
};

export type AbPage = typeof ab;
(window as unknown as { __ab: AbPage }).__ab = ab;
document.title = 'ab ready';
