/**
 * WorkerPool.resize (the page's workers menu): growing starts workers that take waiting jobs at
 * once; shrinking stops idle workers at once and busy ones only after their job, which finishes
 * with its full result. Real worker threads, real training.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainJob, TrainResult } from '../../src/engine/job.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { nodeWorkerFactory } from '../../src/workers/node-pool.ts';
import { type WorkerHandle, WorkerPool } from '../../src/workers/pool.ts';

const job = (id: string, epochs: number): TrainJob => {
  // A dropout layer keeps the job on tfjs' step: a few seconds, long enough to overlap others.
  const p = parseRow({
    dataset: 'circle', noise: '0.1', layers: 'dense(16, relu) dropout(0.1) dense(16, relu)', optimizer: 'adam', lr: '0.01',
    batch_size: '8', epochs: String(epochs), seed: '1',
  });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return { id, spec: p.spec };
};

const pools: WorkerPool[] = [];
function pool(size: number) {
  const handles: WorkerHandle[] = [];
  const terminated: WorkerHandle[] = [];
  const p = new WorkerPool({
    size, retries: 0,
    factory: () => {
      const h = nodeWorkerFactory();
      const counted: WorkerHandle = { ...h, endpoint: h.endpoint, onExit: (cb) => h.onExit(cb), terminate: () => { terminated.push(counted); h.terminate(); } };
      handles.push(counted);
      return counted;
    },
  });
  pools.push(p);
  return { pool: p, handles, terminated };
}
afterEach(() => { for (const p of pools.splice(0)) p.dispose(); });

/** Runs a job and notes when it started training (its first progress) and when it ended. */
function timed(p: WorkerPool, j: TrainJob) {
  const t = { started: -1, ended: -1 };
  const done = p.run(j, { signal: new AbortController().signal, onProgress: () => { if (t.started < 0) t.started = performance.now(); } })
    .then((r: TrainResult) => { t.ended = performance.now(); return r; });
  return { t, done };
}

describe('resizing the pool', () => {
  it('growing from one worker to two starts a waiting job at once, beside the running one', async () => {
    const { pool: p, handles } = pool(1);
    await p.info();
    const a = timed(p, job('a', 40));
    const b = timed(p, job('b', 5));
    // a trains, b waits for the only worker.
    while (a.t.started < 0) await new Promise((r) => setTimeout(r, 20));
    expect(b.t.started).toBe(-1);
    p.resize(2);
    expect(p.capacity).toBe(2);
    expect(handles).toHaveLength(2);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    // b ran on the new worker while a still trained, not after it.
    expect(b.t.started).toBeLessThan(a.t.ended);
    expect([ra.epochsRun, rb.epochsRun]).toEqual([40, 5]);
    await expect(p.info()).resolves.toHaveLength(2);
  });

  it('shrinking stops an idle worker at once, and a busy one only after its job ends with its full result', async () => {
    const { pool: p, handles, terminated } = pool(3);
    await p.info();
    const a = timed(p, job('a', 30));
    const b = timed(p, job('b', 30));
    while (a.t.started < 0 || b.t.started < 0) await new Promise((r) => setTimeout(r, 20));
    // Two busy, one idle: going to one worker stops the idle one now, one busy one after its job.
    p.resize(1);
    expect(p.capacity).toBe(1);
    expect(terminated).toHaveLength(1);
    expect(handles.indexOf(terminated[0]!)).toBe(2);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.epochsRun, rb.epochsRun]).toEqual([30, 30]);
    expect(terminated).toHaveLength(2);
    // One worker left, and it still trains; no replacement was started for the ones that left.
    const c = await p.run(job('c', 3), { signal: new AbortController().signal, onProgress: () => {} });
    expect(c.epochsRun).toBe(3);
    expect(handles).toHaveLength(3);
    await expect(p.info()).resolves.toHaveLength(1);
  });

  it('growing back before a leaving worker finishes keeps that worker instead of starting another', async () => {
    const { pool: p, handles, terminated } = pool(2);
    await p.info();
    const a = timed(p, job('a', 30));
    const b = timed(p, job('b', 30));
    while (a.t.started < 0 || b.t.started < 0) await new Promise((r) => setTimeout(r, 20));
    p.resize(1);
    p.resize(2);
    await Promise.all([a.done, b.done]);
    expect(terminated).toHaveLength(0);
    expect(handles).toHaveLength(2);
    expect(p.capacity).toBe(2);
  });
});
