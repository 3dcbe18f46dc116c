import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainJob, TrainProgress } from '../../src/engine/job.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { nodeWorkerFactory } from '../../src/workers/node-pool.ts';
import { type WorkerHandle, WorkerPool } from '../../src/workers/pool.ts';
import { SECONDS_LONG } from '../helpers/slow-cells.ts';

const job = (id: string, over: Record<string, string> = {}): TrainJob => {
  const p = parseRow({
    dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03',
    batch_size: '16', epochs: '3', seed: '1', ...over,
  });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return { id, spec: p.spec };
};

const pools: WorkerPool[] = [];
/** A pool of real worker threads; `handles` sees each worker it starts, so a test can kill one. */
function pool(size: number, opts: { retries?: number; stallTimeoutMs?: number } = {}) {
  const handles: WorkerHandle[] = [];
  const p = new WorkerPool({
    size, retries: opts.retries ?? 0, stallTimeoutMs: opts.stallTimeoutMs,
    factory: () => { const h = nodeWorkerFactory(); handles.push(h); return h; },
  });
  pools.push(p);
  return { pool: p, handles };
}
afterEach(() => { for (const p of pools.splice(0)) p.dispose(); });

const run = (p: WorkerPool, j: TrainJob, signal = new AbortController().signal, onProgress: (p: TrainProgress) => void = () => {}) =>
  p.run(j, { signal, onProgress });

describe('WorkerPool over Node worker threads (real training)', () => {
  it('announces each worker\'s backends through the ready handshake', async () => {
    const { pool: p } = pool(2);
    const info = await p.info();
    expect(info).toHaveLength(2);
    for (const i of info) expect(i.backends).toEqual(['wasm', 'cpu']);
  });

  it('runs jobs concurrently, one per worker', async () => {
    const { pool: p } = pool(2);
    await p.info();
    const spans: Record<string, [number, number]> = {};
    const timed = async (id: string) => {
      const t0 = Date.now();
      let first = 0;
      // Enough epochs to overlap: the fused dense step trains a small job in tens of ms.
      const r = await run(p, job(id, { epochs: '100' }), undefined, () => { first ||= Date.now(); });
      spans[id] = [first || t0, Date.now()];
      return r;
    };
    const [a, b] = await Promise.all([timed('a'), timed('b')]);
    expect(a.testAcc).toBeGreaterThan(0.8);
    expect(b.jobId).toBe('b');
    // Both were training at the same time: each started before the other finished.
    expect(spans.a![0]).toBeLessThan(spans.b![1]);
    expect(spans.b![0]).toBeLessThan(spans.a![1]);
  });

  it('cancels a job whose inputs changed mid-run, and the worker takes the next job', async () => {
    const { pool: p } = pool(1);
    await p.info();
    const ctl = new AbortController();
    const progress: TrainProgress[] = [];
    const long = run(p, job('long', SECONDS_LONG), ctl.signal, (pr) => {
      progress.push(pr);
      if (pr.epoch >= 2) ctl.abort();
    });
    await expect(long).rejects.toThrow(/cancelled/);
    expect(progress.at(-1)!.epoch).toBeLessThan(10);
    const next = await run(p, job('next'));
    expect(next.jobId).toBe('next');
    expect(p.replaced).toBe(0); // it stopped cooperatively; no worker was killed
  });

  it('a worker killed mid-job fails that job cleanly and the next job still runs', async () => {
    const { pool: p, handles } = pool(1);
    await p.info();
    let killed = false;
    const doomed = run(p, job('doomed', SECONDS_LONG), undefined, () => {
      if (!killed) { killed = true; handles[0]!.terminate(); }
    });
    await expect(doomed).rejects.toThrow(/the worker crashed/);
    const after = await run(p, job('after'));
    expect(after.testAcc).toBeGreaterThan(0.5);
    expect(p.replaced).toBe(1);
  });

  it('retries a job once on a fresh worker when its worker dies', async () => {
    const { pool: p, handles } = pool(1, { retries: 1 });
    await p.info();
    let killed = false;
    const r = await run(p, job('retried', { ...SECONDS_LONG, epochs: '60' }), undefined, () => {
      if (!killed) { killed = true; handles[0]!.terminate(); }
    });
    expect(r.jobId).toBe('retried');
    expect(handles).toHaveLength(2);
  });

  it('a worker that hangs mid-job is replaced and its job rejected, not left pending', async () => {
    let started = 0;
    const p = new WorkerPool({
      size: 1, retries: 0, stallTimeoutMs: 1500,
      factory: () => {
        if (started++ > 0) return nodeWorkerFactory();
        const w = new Worker(new URL('../helpers/hanging-worker.mjs', import.meta.url));
        return { endpoint: nodeEndpoint(w), terminate: () => void w.terminate(), onExit: (cb) => void w.once('exit', (c) => cb(`exit ${c}`)) };
      },
    });
    pools.push(p);
    await expect(run(p, job('stuck'))).rejects.toThrow(/stopped responding/);
    const r = await run(p, job('fine'));
    expect(r.jobId).toBe('fine');
    expect(p.replaced).toBe(1);
  });

  it('leaves a worker\'s tensor count at its baseline after jobs', async () => {
    const { pool: p } = pool(1);
    await p.info();
    const [baseline] = await p.memory();
    await run(p, job('m1', { layers: 'dense(16, relu) batchnorm dropout(0.3) dense(8, tanh)', optimizer: 'momentum' }));
    await run(p, job('m2', { optimizer: 'rmsprop' }));
    const [after] = await p.memory();
    expect(after!.numTensors).toBe(baseline!.numTensors);
  });
});
