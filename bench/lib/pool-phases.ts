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
import { drive } from './drive.ts';
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
    await page.call('stage', grid(jobs));
    const before = snapshot(pids);
    const r = await page.call('grid', null);
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

/**
 * `--rounds`: a warmed 1-worker and a warmed 2-worker pool timed in turn, round after round, so
 * both sides of each ratio see the same JIT state and (within a second or two) the same machine
 * load — separately timed sessions drift more than the effect being measured. Two pools, not one
 * pool at one and two jobs at a time: a pool that takes small jobs ahead would spread a second job
 * in flight over its second worker.
 */
export interface Round {
  /** One worker. */
  readonly c1: Phase;
  /** Two workers. */
  readonly c2: Phase;
}

/** One worker first in even rounds, two first in odd ones: neither side always runs right after warming. */
async function alternate(rounds: number, time: (c: 1 | 2, round: number) => Promise<Phase>, each: (r: Round, i: number) => void): Promise<Round[]> {
  const out: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? [1, 2] as const : [2, 1] as const;
    const p: Partial<Record<1 | 2, Phase>> = {};
    for (const c of order) p[c] = await time(c, i);
    const r = { c1: p[1]!, c2: p[2]! };
    each(r, i);
    out.push(r);
  }
  return out;
}

/**
 * Node worker threads: the app's createNodePool of 1 and of 2 side by side, `warm` jobs per
 * worker, then the rounds, the jobs handed out as the app's scheduler does (drive.ts: while fewer
 * than the pool's capacity are in flight, so a pool that takes small jobs ahead gets them).
 */
export async function nodeRounds(jobs: number, warm: number, rounds: number, each: (r: Round, i: number) => void): Promise<Round[]> {
  const startup = new Set(threadsOf().map((t) => t.tid));
  const pools = { 1: createNodePool({ size: 1, stallTimeoutMs: 600_000 }), 2: createNodePool({ size: 2, stallTimeoutMs: 600_000 }) };
  try {
    for (const size of [1, 2] as const) {
      await pools[size].info();
      await drive(pools[size], grid(size * warm, 600));
    }
    return await alternate(rounds, async (c) => {
      const before = threadsOf();
      const t0 = performance.now();
      const own = await drive(pools[c], grid(jobs));
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, jobs, jobSeconds: own.reduce((a, b) => a + b, 0) / jobs, cpu: splitNode(delta(before, threadsOf()), startup) };
    }, each);
  } finally {
    pools[1].dispose();
    pools[2].dispose();
  }
}

/** Child mode for processRounds: a warmed one-worker pool that times each "n:from" grid it is sent. */
export async function childRounds(warm: number): Promise<void> {
  const startup = new Set(threadsOf().map((t) => t.tid));
  const pool = createNodePool({ size: 1, stallTimeoutMs: 600_000 });
  await pool.info();
  for (const j of grid(warm, 600)) await runOn(pool, j);
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'end') break;
    const [n, from] = line.split(':').map(Number) as [number, number];
    const before = threadsOf();
    const own = await drive(pool, grid(n, from));
    console.log(JSON.stringify({ seconds: 0, jobs: n, jobSeconds: own.reduce((a, b) => a + b, 0) / n, cpu: splitNode(delta(before, threadsOf()), startup) } satisfies Phase));
  }
  pool.dispose();
  process.exit(0);
}

/**
 * Two processes with a one-worker pool each (the reference: nothing shared but the machine):
 * concurrency 1 gives the whole grid to one of them (they take turns by round), concurrency 2
 * half to each at once. Wall time is the parent's, from the request until the answers.
 */
export async function processRounds(script: string, jobs: number, warm: number, rounds: number, each: (r: Round, i: number) => void): Promise<Round[]> {
  const kids = [0, 1].map(() => spawn(process.execPath, [...process.execArgv, script, `--child-rounds=${warm}`], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const reads = kids.map((k) => {
    const lines: string[] = [];
    const waiters: ((s: string) => void)[] = [];
    createInterface({ input: k.stdout! }).on('line', (s) => { const w = waiters.shift(); if (w) w(s); else lines.push(s); });
    return async (want: (s: string) => boolean): Promise<string> => {
      for (;;) {
        const s = lines.shift() ?? await new Promise<string>((resolve) => waiters.push(resolve));
        if (want(s)) return s;
      }
    };
  });
  try {
    await Promise.all(reads.map((r) => r((s) => s === 'ready')));
    return await alternate(rounds, async (c, round) => {
      const shares = c === 1 ? [[round % 2, jobs, 0]] : [[0, Math.ceil(jobs / 2), 0], [1, jobs - Math.ceil(jobs / 2), Math.ceil(jobs / 2)]];
      const t0 = performance.now();
      for (const [k, n, from] of shares) kids[k!]!.stdin!.write(`${n}:${from}\n`);
      const parts = (await Promise.all(shares.map(([k]) => reads[k!]!((s) => s.startsWith('{'))))).map((s) => JSON.parse(s) as Phase);
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, jobs, jobSeconds: parts.reduce((a, p) => a + p.jobSeconds * p.jobs, 0) / jobs, cpu: parts.map((p) => p.cpu).reduce(addSplits) };
    }, each);
  } finally {
    for (const k of kids) k.stdin!.end('end\n');
  }
}

/** The app's Web Worker in chromium: pools of 1 and 2 kept open in the page, warmed, then the rounds. */
export async function chromiumRounds(page: BenchBrowser, jobs: number, warm: number, rounds: number, each: (r: Round, i: number) => void): Promise<Round[]> {
  const procs = descendants().filter((p) => threadsOf(p).some((t) => t.tid === p && t.name.startsWith('chrom')));
  for (const size of [1, 2]) {
    await page.call('openNamed', String(size), 'auto', size);
    await page.call('drive', String(size), grid(size * warm, 600));
  }
  try {
    return await alternate(rounds, async (c) => {
      await page.call('stage', grid(jobs));
      const before = snapshot(procs);
      const r = await page.call('drive', String(c), null);
      const cpu = splitChromium(delta(before, snapshot(procs)));
      return { seconds: r.seconds, jobs, jobSeconds: r.jobSeconds.reduce((a, b) => a + b, 0) / jobs, cpu };
    }, each);
  } finally {
    await page.call('close');
  }
}
