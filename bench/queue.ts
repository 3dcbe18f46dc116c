/**
 * `npm run bench:queue`: the job queue on this machine, with a private redis-server.
 *   1. throughput: the same batch of small real training jobs (distinct seeds, so none is
 *      deduplicated) through 1, 2 and 4 `sweepsheet worker` processes: jobs per minute, and the
 *      ratio to one worker (on 2 cores, expect about 2x at best: the work is CPU-bound)
 *   2. overhead per job: a trivial job (one step on xor) run one at a time on a warm worker,
 *      through the queue and on a local worker thread: the difference is what the queue costs
 *      (Redis round trips, the worker's fetch, progress and result events). Target < 20 ms.
 * Usage: npm run bench:queue [-- JOBS]   (default 12 jobs per worker count)
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseRow } from '../src/engine/spec.ts';
import type { ExperimentSpec } from '../src/engine/spec.ts';
import { parseRedisUrl } from '../src/queue/connection.ts';
import { QueueRunner } from '../src/queue/runner.ts';
import { createNodePool } from '../src/workers/node-pool.ts';
import { type Proc, startRedis, startWorker } from '../test/queue/helpers.ts';

const JOBS = Number(process.argv[2] ?? 12);
const TRIVIAL_RUNS = 30;

function spec(cells: Record<string, string>): ExperimentSpec {
  const p = parseRow(cells);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p.spec;
}

const small = (seed: number) => spec({ dataset: 'circle', layers: 'dense(8, relu)', epochs: '5', batch_size: '32', seed: String(seed) });
const trivial = (seed: number) => spec({ dataset: 'xor', layers: '', epochs: '1', batch_size: '4096', seed: String(seed) });

async function runAll(runner: QueueRunner, specs: ExperimentSpec[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(specs.map((s, i) => runner.run({ id: `b${i}@1`, spec: s }, { signal: new AbortController().signal, onProgress: () => undefined })));
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const redis = await startRedis();
const target = parseRedisUrl(redis.url);
if (!target.ok) throw new Error(target.error);
const runner = await QueueRunner.open({ target: target.value });
const workers: Proc[] = [];
let seed = 1_000;
try {
  console.log(`queue benchmark: ${JOBS} jobs (circle, dense(8, relu), 5 epochs) per worker count, redis ${redis.url}`);
  // Scaling is only meaningful on an otherwise idle machine: say how busy this one was.
  console.log(`  ${availableParallelism()} hardware threads, load average ${loadavg()[0]!.toFixed(1)} at the start`);
  let base = 0;
  for (const n of [1, 2, 4]) {
    while (workers.length < n) workers.push(await startWorker(redis.url));
    // One warm-up job per worker so dataset generation and backend setup are not counted.
    await runAll(runner, workers.map(() => small(seed++)));
    const ms = await runAll(runner, Array.from({ length: JOBS }, () => small(seed++)));
    const perMin = (JOBS / ms) * 60_000;
    if (n === 1) base = perMin;
    console.log(`  ${n} worker${n === 1 ? ' ' : 's'}: ${perMin.toFixed(1).padStart(6)} jobs/min  (${(ms / 1000).toFixed(1)} s, ${(perMin / base).toFixed(2)}x one worker)`);
  }
  while (workers.length > 1) await workers.pop()!.kill('SIGKILL');

  // Overhead: one job at a time, warm, on one worker thread either way; queue and local runs
  // alternate so both see the same machine load (others share these cores).
  const pool = createNodePool({ size: 1 });
  const viaQueue: number[] = [];
  const local: number[] = [];
  const diffs: number[] = [];
  const signal = new AbortController().signal;
  try {
    for (let i = 0; i < TRIVIAL_RUNS + 3; i++) {
      let t0 = performance.now();
      await runner.run({ id: `t${i}@1`, spec: trivial(seed++) }, { signal, onProgress: () => undefined });
      const q = performance.now() - t0;
      t0 = performance.now();
      await pool.run({ id: `l${i}`, spec: trivial(seed++) }, { signal, onProgress: () => undefined });
      const l = performance.now() - t0;
      if (i < 3) continue;
      viaQueue.push(q);
      local.push(l);
      diffs.push(q - l);
    }
  } finally {
    pool.dispose();
  }
  await workers.pop()!.kill('SIGKILL');
  const overhead = median(diffs);
  console.log(`trivial job (xor, no hidden layer, 1 epoch), median of ${TRIVIAL_RUNS}: queue ${median(viaQueue).toFixed(1)} ms, local thread ${median(local).toFixed(1)} ms`);
  console.log(`queue overhead per job (median of paired differences): ${overhead.toFixed(1)} ms (target < 20 ms: ${(overhead / 20).toFixed(2)}x target)`);
} finally {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await runner.close();
  await redis.stop();
}
