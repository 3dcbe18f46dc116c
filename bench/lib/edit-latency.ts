/**
 * Time from an edit to the first progress (or, for a run that ends first, the result) of the row it re-runs: the same loop in Node (bench/latency.ts)
 * and in the chromium bench page (bench/browser/main.ts). No Node or DOM APIs, so both can import it.
 */
import type { TrainJob, TrainProgress, TrainResult } from '../../src/engine/job.ts';
import type { Runner } from '../../src/engine/scheduler/runner.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import type { RowCells } from '../../src/engine/spec.ts';
import type { WorkerPool } from '../../src/workers/pool.ts';

/** The runner the engine sees, noting when each job's first progress (or its result) arrives. */
class WatchingRunner implements Runner {
  readonly capacity: number;
  readonly firstProgress = new Map<string, number>();
  constructor(private readonly inner: WorkerPool) {
    this.capacity = inner.capacity;
  }
  run(job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> {
    const seen = () => { if (!this.firstProgress.has(job.id)) this.firstProgress.set(job.id, performance.now()); };
    // A small job that ends within its first update's hold sends only its result (protocol.ts):
    // then that is the first the row shows of its new run.
    return this.inner.run(job, { signal: opts.signal, onProgress: (p) => { seen(); opts.onProgress(p); } }).then((r) => { seen(); return r; });
  }
}

/**
 * Milliseconds from each edit of the row's lr to the first progress of its new run, on a pool that is
 * already warm (tfjs loaded). The caller owns the pool.
 */
export async function editToFirstProgress(pool: WorkerPool, cells: RowCells, lrs: readonly string[]): Promise<number[]> {
  await pool.info();
  const runner = new WatchingRunner(pool);
  const engine = new SheetEngine([{ id: 'r', cells }], runner);
  try {
    await new Promise((r) => setTimeout(r, 0));
    await engine.idle();
    const out: number[] = [];
    for (const lr of lrs) {
      const before = new Set(runner.firstProgress.keys());
      const t0 = performance.now();
      engine.edit([{ row: 'r', column: 'lr', text: lr }]);
      // The edit is applied in a microtask pass; idle() before it would see nothing queued.
      await new Promise((r) => setTimeout(r, 0));
      await engine.idle();
      const id = [...runner.firstProgress.keys()].find((k) => !before.has(k));
      out.push(id === undefined ? NaN : runner.firstProgress.get(id)! - t0);
    }
    return out;
  } finally {
    engine.dispose();
  }
}
