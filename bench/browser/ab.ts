/**
 * The A/B page of bench/pool-ab.ts: pools built from two source trees at once (the tree as it is,
 * and an older one extracted under .ab-old/), so their grids alternate in one page, seconds apart,
 * under the same load. Each tree's pool (src/workers/pool.ts) and worker come from that tree.
 */
import type { TrainJob } from '../../src/engine/job.ts';
import type { WorkerHandle, WorkerPool } from '../../src/workers/pool.ts';
import { drive } from '../lib/drive.ts';

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
let staged: TrainJob[] | null = null;

const ab = {
  /** A pool of `size` workers started from the worker entry at `url`, supervised by the pool module at `poolUrl` (paths the dev server serves). */
  async open(name: string, url: string, poolUrl: string, size: number): Promise<void> {
    pools.get(name)?.dispose();
    const mod = (await import(/* @vite-ignore */ poolUrl)) as { WorkerPool: typeof WorkerPool };
    const pool = new mod.WorkerPool({ size, factory: () => handle(url), stallTimeoutMs: 600_000 });
    pools.set(name, pool);
    await pool.info();
  },

  /** Keep `jobs` for the next `grid` called with null: taking them in costs the page ~0.2 ms a job, outside the CPU Node counts then. */
  stage(jobs: TrainJob[]): void {
    staged = jobs;
  },

  /** The jobs (or the staged ones) on pool `name`, handed out as the scheduler does: wall seconds and each job's own seconds. */
  async grid(name: string, given: TrainJob[] | null): Promise<{ seconds: number; jobSeconds: number[] }> {
    const jobs = given ?? staged;
    staged = null;
    if (!jobs) throw new Error('no jobs staged');
    const t0 = performance.now();
    const jobSeconds = await drive(pools.get(name)!, jobs);
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
