/**
 * Issue 7's fused dense step on bench:pool's small job (bench/lib/jobs.ts smallJob: spiral,
 * dense(16, relu) dense(16, relu), adam, batch 16, 10 epochs), in this thread on wasm: ms per
 * job and ms per step, fused vs tfjs' step, alternated in one run so load drift hits both.
 *   N=20 npx tsx bench/dense-small.ts
 * --w1: W1 instead (MNIST MLP 784-512-10, RMSprop, batch 128, mnist:10k, 2 epochs), N runs each:
 * samples/s and test accuracy, fused vs stock, in this thread (bench:train runs it in workers).
 *   N=2 npx tsx bench/dense-small.ts --w1
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { enableRelaxedSimd } from '../src/engine/train/kernels/gemm.ts';
import { installWasmTrainingKernels } from '../src/engine/train/wasm-training-kernels.ts';
import { type FitOptions, fitJob } from '../src/engine/train/fit.ts';
import { loadData } from '../src/engine/train/load.ts';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
import { runViews } from '../src/engine/train/views.ts';
import { W1, jobOf, smallJob } from './lib/jobs.ts';

enableRelaxedSimd(setFlagsFromString);
await tf.setBackend('wasm');
await tf.ready();
installWasmTrainingKernels();
const w1 = process.argv.includes('--w1');
const N = Number(process.env.N ?? (w1 ? 2 : 20));
const hooks = { onProgress: () => {}, cancelled: () => false, yieldToEvents: () => new Promise<void>((r) => setImmediate(r)), backend: 'wasm' as const, backendReason: 'bench' };

async function one(i: number, step: FitOptions['step']): Promise<{ ms: number; steps: number; samples: number; path: string; acc: number }> {
  const job = w1 ? jobOf(W1) : jobOf(smallJob(i));
  const data = await loadData(job.spec.dataset, job.spec.seed, loadDatasetFile);
  let path = '';
  const t0 = performance.now();
  const r = await fitJob(job, data, hooks, { step, onStep: (p) => { path = p; } });
  const ms = performance.now() - t0;
  const trained = runViews(data, job.spec).train.idx.length;
  return { ms, steps: r.epochsRun * Math.ceil(trained / job.spec.batchSize), samples: r.samplesPerSec, path, acc: r.testAcc };
}

for (let i = 0; i < (w1 ? 0 : 4); i++) { await one(100 + i, 'stock'); await one(100 + i, 'auto'); }
const sums = { stock: [0, 0, 0, 0], auto: [0, 0, 0, 0] } as Record<'stock' | 'auto', number[]>;
let paths = '';
for (let i = 0; i < N; i++) {
  for (const s of (i % 2 ? ['stock', 'auto'] : ['auto', 'stock']) as ('stock' | 'auto')[]) {
    const r = await one(i, s);
    sums[s][0]! += r.ms; sums[s][1]! += r.steps; sums[s][2]! += r.acc; sums[s][3]! += r.samples;
    if (s === 'auto') paths = r.path;
  }
}
const line = (s: 'stock' | 'auto') => `${s === 'auto' ? `fused (${paths})` : 'stock'}: ${(sums[s][0]! / N).toFixed(1)} ms/job, ${(1000 * sums[s][0]! / sums[s][1]!).toFixed(1)} µs/step (whole job ÷ steps)${w1 ? `, ${Math.round(sums[s][3]! / N)} samples/s (training time, as TrainResult.samplesPerSec)` : ''}, test acc ${(sums[s][2]! / N).toFixed(4)}`;
console.log(`${N} ${w1 ? 'W1 runs' : 'small jobs'} each, alternated; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(line('stock'));
console.log(line('auto'));
console.log(`speedup ${(sums.stock[0]! / sums.auto[0]!).toFixed(2)}x per job`);
