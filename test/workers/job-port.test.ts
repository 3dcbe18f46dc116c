/**
 * The pool's job port (src/workers/protocol.ts): one channel per worker for its whole life, with
 * progress routed by job id and boundaries packed for the trip (src/workers/wire.ts). Real
 * worker threads, real training.
 */
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainJob, TrainProgress, TrainResult } from '../../src/engine/job.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { nodeWorkerFactory } from '../../src/workers/node-pool.ts';
import { type WorkerHandle, WorkerPool } from '../../src/workers/pool.ts';
import { SECONDS_LONG } from '../helpers/slow-cells.ts';
import { packProgress, packResult, unpackProgress, unpackResult } from '../../src/workers/wire.ts';

const job = (id: string, over: Record<string, string> = {}): TrainJob => {
  const p = parseRow({
    dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03',
    batch_size: '16', epochs: '4', seed: '1', ...over,
  });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return { id, spec: p.spec };
};

const pools: WorkerPool[] = [];
function pool(size: number, retries = 0) {
  const handles: WorkerHandle[] = [];
  const p = new WorkerPool({ size, retries, factory: () => { const h = nodeWorkerFactory(); handles.push(h); return h; } });
  pools.push(p);
  return { pool: p, handles };
}
afterEach(() => { for (const p of pools.splice(0)) p.dispose(); });

/** Runs a job, keeping every progress update it was given. */
async function tracked(p: WorkerPool, j: TrainJob, signal = new AbortController().signal, onEach: (pr: TrainProgress) => void = () => {}) {
  const progress: TrainProgress[] = [];
  const result = await p.run(j, { signal, onProgress: (pr) => { progress.push(pr); onEach(pr); } });
  return { result, progress };
}

/**
 * The records a job's progress brought are its result's first epochs, each once, in order: what
 * was still queued at the end stayed behind, since the result has every epoch (protocol.ts).
 * Returns how many epochs progress brought.
 */
function expectProgressPrefix(j: TrainJob, progress: readonly TrainProgress[], result: TrainResult): number {
  for (const pr of progress) expect(pr.jobId).toBe(j.id);
  const records = progress.filter((pr) => pr.record !== undefined);
  expect(records.map((pr) => pr.epoch)).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
  expect(records.map((pr) => pr.record)).toEqual(result.history.slice(0, records.length));
  expect(result.history).toHaveLength(result.epochsRun);
  return records.length;
}

/**
 * A circle job of 0.25-1.5 s here (by load): far past its first update's hold (20 ms) and its first
 * live boundary (25 ms, sent at once), with several progress batches.
 */
const TENTHS_LONG = { epochs: '500', batch_size: '1' };

describe('the job port', () => {
  it('routes progress to the right job when many short jobs follow one another on a worker', async () => {
    const { pool: p } = pool(1);
    await p.info();
    // Queued all at once: each starts the moment the one before ends, on the same port. Every
    // third one trains long enough to send progress while the others end within their hold.
    const jobs = Array.from({ length: 12 }, (_, i) => job(`quick-${i}`, { seed: String(1 + (i % 3)), ...(i % 3 === 2 ? TENTHS_LONG : { epochs: String(2 + (i % 4)) }) }));
    const runs = await Promise.all(jobs.map((j) => tracked(p, j)));
    runs.forEach(({ result, progress }, i) => {
      expect(result.jobId).toBe(jobs[i]!.id);
      expect(result.epochsRun).toBe(jobs[i]!.spec.epochs);
      const brought = expectProgressPrefix(jobs[i]!, progress, result);
      if (i % 3 === 2) expect(brought).toBeGreaterThan(0);
    });
    expect(p.replaced).toBe(0);
  });

  it('delivers boundaries as plain arrays, equal to what the worker computed', async () => {
    const { pool: p } = pool(1);
    await p.info();
    const { result, progress } = await tracked(p, job('grid', TENTHS_LONG));
    const b = result.insights!.boundary!;
    expect(Array.isArray(b.predicted)).toBe(true);
    expect(Array.isArray(b.confidence)).toBe(true);
    expect(b.predicted).toHaveLength(b.size * b.size);
    for (const c of b.confidence) expect(c).toBeGreaterThanOrEqual(0);
    expect(new Set(b.predicted)).toEqual(new Set([0, 1]));
    const live = progress.find((pr) => pr.boundary)?.boundary;
    expect(live, 'a live boundary reached the page').toBeDefined();
    expect(Array.isArray(live!.confidence)).toBe(true);
    // Packing and unpacking a real result and its progress gives them back exactly.
    expect(unpackResult(packResult(result))).toEqual(result);
    expect(unpackProgress(packProgress(progress))).toEqual(progress);
    // A result saved to a sheet file is JSON: a packed Float64Array would not survive that.
    expect(JSON.parse(JSON.stringify(result.insights))).toEqual(result.insights);
  });

  it('a progress handler that throws does not lose the job\'s end', async () => {
    const { pool: p } = pool(1);
    await p.info();
    let calls = 0;
    const r = await p.run(job('throws', TENTHS_LONG), {
      signal: new AbortController().signal,
      onProgress: () => { calls++; throw new Error('a bug in the page'); },
    });
    expect(r.epochsRun).toBe(500);
    expect(calls).toBeGreaterThan(0);
    expect((await tracked(p, job('after'))).result.jobId).toBe('after');
  });

  it('a job cancelled mid-run leaves nothing behind for the job after it on the same worker', async () => {
    const { pool: p } = pool(1);
    await p.info();
    const ctl = new AbortController();
    const long = tracked(p, job('long', SECONDS_LONG), ctl.signal, (pr) => { if (pr.epoch >= 2) ctl.abort(); });
    const next = tracked(p, job('next'));
    await expect(long).rejects.toThrow(/cancelled/);
    const { result, progress } = await next;
    expect(result.jobId).toBe('next');
    expectProgressPrefix(job('next'), progress, result);
    expect(p.replaced).toBe(0);
  });

  it('the one pool-wide watchdog replaces only the worker that went silent, not its busy neighbour', async () => {
    let started = 0;
    const p = new WorkerPool({
      size: 2, retries: 0, stallTimeoutMs: 1500,
      factory: () => {
        if (started++ > 0) return nodeWorkerFactory();
        const w = new Worker(new URL('../helpers/hanging-worker.mjs', import.meta.url));
        return { endpoint: nodeEndpoint(w), terminate: () => void w.terminate(), onExit: (cb) => void w.once('exit', (c) => cb(`exit ${c}`)) };
      },
    });
    pools.push(p);
    await p.info();
    // The hanging worker is the first free one, so it takes the first job; the second (seconds
    // long) is still training, and reporting, when the watchdog finds the first silent.
    const stuck = p.run(job('stuck'), { signal: new AbortController().signal, onProgress: () => {} });
    const long = job('busy', SECONDS_LONG);
    let busyDone = false;
    const busy = tracked(p, long).finally(() => { busyDone = true; });
    await expect(stuck).rejects.toThrow(/stopped responding/);
    expect(busyDone).toBe(false);
    const { result, progress } = await busy;
    expect(expectProgressPrefix(long, progress, result)).toBeGreaterThan(0);
    expect(p.replaced).toBe(1);
  });

  it('a worker killed mid-job: the job is retried on a fresh worker and the queued jobs all run', async () => {
    const { pool: p, handles } = pool(2, 1);
    await p.info();
    let killed = false;
    const doomed = tracked(p, job('doomed', { ...SECONDS_LONG, epochs: '60' }), undefined, () => {
      if (!killed) { killed = true; handles[0]!.terminate(); }
    });
    const others = Array.from({ length: 6 }, (_, i) => job(`other-${i}`, { seed: String(i + 1) }));
    const done = await Promise.all(others.map((j) => tracked(p, j)));
    done.forEach(({ result, progress }, i) => expectProgressPrefix(others[i]!, progress, result));
    const { result, progress } = await doomed;
    expect(result.jobId).toBe('doomed');
    expect(result.epochsRun).toBe(60);
    // The retry's own run is complete; the dead attempt's epochs came before it, from epoch 1.
    const retryStart = progress.map((pr) => pr.epoch === 1 && pr.record !== undefined).lastIndexOf(true);
    expect(expectProgressPrefix(job('doomed'), progress.slice(retryStart), result)).toBeGreaterThan(0);
    expect(p.replaced).toBe(1);
    expect(handles).toHaveLength(3);
  });
});
