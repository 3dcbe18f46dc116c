/**
 * Where the W4-style CNN's training step goes on wasm, set up as the trainer sets up its worker
 * (src/workers/trainer.ts: direct kernels, fast matmul, conv kernels, shared Identity):
 *
 *   npx tsx bench/cnn-profile.ts [--workload=cnn|w4] [--steps=20] [--cpuprofile=FILE] [--no-relaxed]
 *
 * Relaxed SIMD (our GEMM's FMA build) is turned on as the Node workers turn it on, unless
 * --no-relaxed. --sparse-below=F sets the GEMM's sparse threshold (0: off). --stock-conv2d puts XNNPACK's Conv2D back in place of ours (im2col + GEMM).
 *
 * 1. the step as fitJob runs it (the model's train function, trainStepOf), ms per batch of 64;
 * 2. per kernel: CPU ms per step (process CPU time around each wasm kernel, so waiting for a
 *    core on a loaded machine is not counted) and calls per step, with the costliest shapes;
 * 3. with --cpuprofile, a V8 CPU profile of the timed steps (self time per function), to see
 *    tfjs' per-op bookkeeping beside the kernels.
 */
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
import { batchOf } from '../src/engine/train/batches.ts';
import { loadData } from '../src/engine/train/load.ts';
import { buildModel, makeOptimizer } from '../src/engine/train/model.ts';
import { trainStepOf } from '../src/engine/train/step.ts';
import { runViews } from '../src/engine/train/views.ts';
import { installWasmTrainingKernels } from '../src/engine/train/wasm-training-kernels.ts';
import { CNN, W4, jobOf } from './lib/jobs.ts';
import { enableRelaxedSimd, setGemmSparseBelow } from '../src/engine/train/kernels/gemm.ts';

const relaxed = process.argv.includes('--no-relaxed') ? false : enableRelaxedSimd(setFlagsFromString);

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const steps = Number(arg('steps') ?? 20);
const cpuprofile = arg('cpuprofile');

if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
await tf.ready();
const stockConv = tf.getKernel(tf.Conv2D, 'wasm')!;
installWasmTrainingKernels();
if (process.argv.includes('--stock-conv2d')) {
  tf.unregisterKernel(tf.Conv2D, 'wasm');
  tf.registerKernel(stockConv);
}
const sparseBelow = arg('sparse-below');
if (sparseBelow !== undefined) setGemmSparseBelow(Number(sparseBelow));
console.log(`relaxed SIMD ${relaxed ? 'on' : 'off'}, Conv2D ${process.argv.includes('--stock-conv2d') ? 'stock (XNNPACK)' : 'as installed'}`);

const workload = arg('workload') ?? 'cnn';
const spec = jobOf(workload === 'w4' ? W4 : CNN).spec;
console.log(`workload ${workload}`);
const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
const views = runViews(data, spec);
const model = buildModel(spec, data.sampleShape, data.classes, data.task);
model.compile({ optimizer: makeOptimizer(spec.optimizer, spec.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const step = trainStepOf(model);
const B = spec.batchSize;
const trainN = views.train.idx.length;
const perEpoch = Math.floor(trainN / B);
const run = (b: number) => {
  const from = (b % perEpoch) * B;
  const { xs, ys } = batchOf(data, views.train.samples, views.train.idx.subarray(from, from + B));
  const out = step(xs, ys);
  const v = out.map((s) => s.dataSync()[0]);
  tf.dispose(out);
  return v;
};
for (let b = 0; b < 10; b++) run(b);

// 1. Wall and CPU time per step (medians of rounds of 5).
const rounds: number[] = [];
const cpus: number[] = [];
for (let r = 0; r < Math.max(1, Math.floor(steps / 5)); r++) {
  const t = performance.now();
  const c = process.cpuUsage();
  for (let b = 0; b < 5; b++) run(b);
  const u = process.cpuUsage(c);
  rounds.push((performance.now() - t) / 5);
  cpus.push((u.user + u.system) / 5000);
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
const wall = median(rounds);
console.log(`step (train fn, batch ${B}): wall median ${wall.toFixed(1)} ms (${(1000 * B / wall).toFixed(0)} samples/s), CPU median ${median(cpus).toFixed(1)} ms (${(1000 * B / median(cpus)).toFixed(0)} samples/s of CPU)`);

// 2. Per kernel: CPU time of this process inside each registered wasm kernel (wall time on a
// loaded machine is mostly waiting for a core), summed by name and by input shapes.
const sums = new Map<string, { ms: number; calls: number; shapes: Map<string, number> }>();
let depth = 0;
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const wrapped: tf.KernelConfig[] = [];
for (const k of tf.getKernelsForBackend('wasm')) {
  const inner = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'wasm');
  wrapped.push(k);
  tf.registerKernel({
    ...k,
    kernelFunc: (p) => {
      // Kernels of ours call other kernels: only the outermost call is counted.
      if (depth > 0) return inner(p);
      depth++;
      const t = cpuMs();
      try {
        return inner(p);
      } finally {
        depth--;
        const ms = cpuMs() - t;
        const e = sums.get(k.kernelName) ?? { ms: 0, calls: 0, shapes: new Map() };
        e.ms += ms;
        e.calls++;
        const key = Object.values(p.inputs).map((t) => `[${t?.shape.join(",") ?? ""}]`).join(" ");
        e.shapes.set(key, (e.shapes.get(key) ?? 0) + ms);
        sums.set(k.kernelName, e);
      }
    },
  });
}
const P = 10;
const c0 = cpuMs();
for (let s = 0; s < P; s++) run(s);
const stepCpu = (cpuMs() - c0) / P;
const total = [...sums.values()].reduce((t, e) => t + e.ms, 0) / P;
console.log(`CPU per step ${stepCpu.toFixed(1)} ms, in kernels ${total.toFixed(1)} ms (${([...sums.values()].reduce((t, e) => t + e.calls, 0) / P).toFixed(0)} calls)`);
for (const [name, e] of [...sums].sort((p, q) => q[1].ms - p[1].ms)) {
  if (e.ms / P < 0.1) continue;
  const top = [...e.shapes].sort((p, q) => q[1] - p[1]).slice(0, 3).map(([k, ms]) => `${k} ${(ms / P).toFixed(1)}`).join('; ');
  console.log(`  ${name.padEnd(22)} ${(e.ms / P).toFixed(2).padStart(7)} ms ${(100 * e.ms / P / stepCpu).toFixed(1).padStart(5)} %  ${(e.calls / P).toFixed(0).padStart(3)} calls  ${top}`);
}
for (const k of wrapped) {
  tf.unregisterKernel(k.kernelName, 'wasm');
  tf.registerKernel(k);
}

// 3. CPU profile.
if (cpuprofile) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  for (let b = 0; b < steps; b++) run(b);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(cpuprofile, JSON.stringify(profile));
  const self = new Map<string, number>();
  const dt = new Map<number, number>();
  const ids = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  ids.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (deltas[i] ?? 0) / 1000));
  let sampled = 0;
  for (const n of profile.nodes) {
    const ms = dt.get(n.id) ?? 0;
    sampled += ms;
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  }
  console.log(`cpu profile: ${(sampled / steps).toFixed(1)} ms per step sampled; self time per step:`);
  for (const [k, ms] of [...self].sort((p, q) => q[1] - p[1]).slice(0, 30)) {
    console.log(`  ${(ms / steps).toFixed(2).padStart(7)} ms  ${k}`);
  }
}
