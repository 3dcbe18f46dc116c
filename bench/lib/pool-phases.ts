/**
 * bench:pool's measuring parts: a pool trained through two timed phases, "cold" (after one
 * warm-up job per worker) and "steady" (after each worker has trained at least `warm` jobs, so
 * V8 has finished tiering tfjs' code up: TurboFan compilations per job fall from ~40 in the
 * second job to ~0 after ~16 here), with the CPU of each kind of thread over each phase.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TrainJob } from '../../src/engine/job.ts';
import { createNodePool } from '../../src/workers/node-pool.ts';
import type { WorkerPool } from '../../src/workers/pool.ts';
import type { BenchBrowser } from './browser.ts';
import { jobOf, smallJob } from './jobs.ts';
import { runOn } from './node-pools.ts';
import { type CpuSplit, addSplits, delta, descendants, snapshot, splitChromium, splitNode, threadsOf } from './thread-cpu.ts';

export const grid = (n: number, from = 0): TrainJob[] => Array.from({ length: n }, (_, i) => jobOf(smallJob(from + i)));

export interface Phase {
  /** Wall seconds of the whole grid. */
  readonly seconds: number;
  /** Mean seconds of one job inside its worker (fitJob's own clock; queueing excluded). */
  readonly jobSeconds: number;
  readonly jobs: number;
  /** CPU seconds by kind of thread over the phase. */
  readonly cpu: CpuSplit;
}

export interface Session {
  readonly cold: Phase;
  readonly steady: Phase;
}

/** Warm-up jobs each worker still needs before "steady", after one warm-up and its share of the cold grid. */
export const topUp = (warm: number, jobs: number, size: number): number => Math.max(0, warm - 1 - Math.ceil(jobs / size));

async function timedGrid(pool: WorkerPool, jobs: TrainJob[], startup: ReadonlySet<number>): Promise<Phase> {
  const before = threadsOf();
  const t0 = performance.now();
  const own: number[] = [];
  await Promise.all(jobs.map(async (j) => {
    const r = await runOn(pool, j);
    own.push(r.seconds);
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = splitNode(delta(before, threadsOf()), startup);
  return { seconds, jobSeconds: own.reduce((a, b) => a + b, 0) / own.length, jobs: jobs.length, cpu };
}

/** A pool of `size` Node worker threads (the app's createNodePool) through both phases. */
export async function nodeSession(size: number, jobs: number, warm: number, from = 0): Promise<Session> {
  const startup = new Set(threadsOf().map((t) => t.tid));
  const pool = createNodePool({ size, stallTimeoutMs: 600_000 });
  try {
    await pool.info();
    await Promise.all(grid(size, 500).map((j) => runOn(pool, j)));
    const cold = await timedGrid(pool, grid(jobs, from), startup);
    await Promise.all(grid(size * topUp(warm, jobs, size), 600).map((j) => runOn(pool, j)));
    const steady = await timedGrid(pool, grid(jobs, from), startup);
    return { cold, steady };
  } finally {
    pool.dispose();
  }
}

/** Child mode of bench/pool.ts: a one-worker pool that runs its share of each phase when told "go". */
export async function childSession(share: number, from: number, warm: number, total: number): Promise<void> {
  const startup = new Set(threadsOf().map((t) => t.tid));
  const pool = createNodePool({ size: 1, stallTimeoutMs: 600_000 });
  const rl = createInterface({ input: process.stdin });
  const go = () => new Promise<void>((resolve) => rl.once('line', () => resolve()));
  await pool.info();
  await runOn(pool, jobOf(smallJob(500)));
  for (const phase of ['cold', 'steady']) {
    // Same warm-up as a worker of the 2-thread pool: it too trained half of the cold grid.
    if (phase === 'steady') for (const j of grid(topUp(warm, total, 2), 600)) await runOn(pool, j);
    console.log('ready');
    await go();
    const p = await timedGrid(pool, grid(share, from), startup);
    console.log(JSON.stringify(p));
  }
  pool.dispose();
  process.exit(0);
}

/**
 * Two processes, each with a one-worker pool and half the grid, started together: nothing
 * shared but the machine (the ceiling for two threads in one process). Wall time is the
 * parent's, from "go" until both are done; CPU is summed over both processes.
 */
export async function processSession(script: string, jobs: number, warm: number): Promise<Session> {
  const half = Math.ceil(jobs / 2);
  const kids = [0, 1].map((k) => spawn(process.execPath, [...process.execArgv, script, `--child=${k === 0 ? half : jobs - half}:${k * half}:${warm}:${jobs}`], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const queues = kids.map((k) => {
    const lines: string[] = [];
    const waiters: ((s: string) => void)[] = [];
    createInterface({ input: k.stdout! }).on('line', (s) => { const w = waiters.shift(); if (w) w(s); else lines.push(s); });
    return () => new Promise<string>((resolve) => { const s = lines.shift(); if (s !== undefined) resolve(s); else waiters.push(resolve); });
  });
  const next = async (q: () => Promise<string>, want: (s: string) => boolean) => { for (;;) { const s = await q(); if (want(s)) return s; } };
  const phase = async (): Promise<Phase> => {
    await Promise.all(queues.map((q) => next(q, (s) => s === 'ready')));
    const t0 = performance.now();
    for (const k of kids) k.stdin!.write('go\n');
    const parts = (await Promise.all(queues.map((q) => next(q, (s) => s.startsWith('{'))))).map((s) => JSON.parse(s) as Phase);
    const seconds = (performance.now() - t0) / 1000;
    const n = parts.reduce((a, p) => a + p.jobs, 0);
    return { seconds, jobs: n, jobSeconds: parts.reduce((a, p) => a + p.jobSeconds * p.jobs, 0) / n, cpu: parts.map((p) => p.cpu).reduce(addSplits) };
  };
  const cold = await phase();
  const steady = await phase();
  return { cold, steady };
}

/** The app's Web Worker in chromium, in a pool of `size`, CPU read from chromium's threads. */
export async function chromiumSession(page: BenchBrowser, size: number, jobs: number, warm: number): Promise<Session> {
  const procs = () => descendants().filter((p) => threadsOf(p).some((t) => t.tid === p && t.name.startsWith('chrom')));
  const timed = async (): Promise<Phase> => {
    const pids = procs();
    const before = snapshot(pids);
    const r = await page.call('grid', grid(jobs));
    const cpu = splitChromium(delta(before, snapshot(pids)));
    return { seconds: r.seconds, jobs, jobSeconds: r.jobSeconds.reduce((a, b) => a + b, 0) / jobs, cpu };
  };
  await page.call('open', 'auto', size);
  try {
    await page.call('grid', grid(size, 500));
    const cold = await timed();
    await page.call('grid', grid(size * topUp(warm, jobs, size), 600));
    const steady = await timed();
    return { cold, steady };
  } finally {
    await page.call('close');
  }
}
