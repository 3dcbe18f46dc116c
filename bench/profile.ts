/**
 * `npm run bench:profile`: where W1's training time goes on the wasm backend, in this process,
 * set up as the trainer sets up its worker (wasm + our kernels).
 *
 *   1. the real loop: fitJob on W1 (mnist:10k, 2 epochs), samples/s
 *   2. its parts, timed on their own: cutting batches (batchOf), one training step per kernel
 *      (tf.profile over model.trainOnBatch), the optimizer update, the read-back of the loss
 *   3. the matmul rate: the step's FLOPs over its time, against a plain wasm matmul of the same
 *      sizes and against torch.mm (one thread), i.e. which fraction of the machine's peak we reach
 *
 *   npx tsx bench/profile.ts [--epochs=2]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
import { fitJob } from '../src/engine/train/fit.ts';
import { batchOf } from '../src/engine/train/batches.ts';
import { loadData } from '../src/engine/train/load.ts';
import { buildModel, makeOptimizer } from '../src/engine/train/model.ts';
import { permutation, mulberry32 } from '../src/engine/train/rng.ts';
import { runViews } from '../src/engine/train/views.ts';
import { installWasmTrainingKernels } from '../src/engine/train/wasm-training-kernels.ts';
import { installSharedWasmIdentity, uninstallSharedWasmIdentity } from '../src/engine/train/kernels/wasm-identity.ts';
import { W1, jobOf } from './lib/jobs.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';
import { torchMatmulGflops } from './lib/torch.ts';

const epochs = Number(process.argv.find((a) => a.startsWith('--epochs='))?.slice(9) ?? 2);
const m = await machine();
console.log(machineLine(m));
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
await tf.ready();
// The kernels the trainer installs in its worker (src/workers/trainer.ts).
installWasmTrainingKernels();

const job = jobOf(W1, { epochs: String(epochs) });
const spec = job.spec;
const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
const views = runViews(data, spec);
const B = spec.batchSize;
const trainN = views.train.idx.length;
const stepsPerEpoch = Math.ceil(trainN / B);

// 1. The real loop (after a warm-up job that compiles kernels and builds XNNPACK operators).
const hooks = { onProgress: () => {}, cancelled: () => false, yieldToEvents: () => new Promise<void>((r) => setImmediate(r)), backend: 'wasm' as const, backendReason: 'bench' };
await fitJob(jobOf(W1, { dataset: 'mnist:1k', epochs: '1' }), data, hooks);
const real = await fitJob(job, data, hooks);
const stepMsReal = 1000 * B / real.samplesPerSec;
console.log(`\n1. fitJob W1: ${fmt(real.samplesPerSec)} samples/s = ${fmt(stepMsReal, 2)} ms per batch of ${B} (test acc ${fmt(real.testAcc, 4)})`);

// 2a. Cutting batches alone: batchOf as it is, and as it was before this profile (kept below),
// alternated so both see the same load.
const order = permutation(trainN, mulberry32(1));
const cutEpoch = (cut: typeof batchOf): number => {
  const t = performance.now();
  for (let b = 0; b < stepsPerEpoch; b++) {
    const idx = order.subarray(b * B, Math.min(trainN, (b + 1) * B)).map((i) => views.train.idx[i]!);
    const { xs, ys } = cut(data, views.train.samples, idx);
    tf.dispose([xs, ys]);
  }
  return (performance.now() - t) / stepsPerEpoch;
};
let batchMs = 0;
let batchBeforeMs = 0;
for (let rep = 0; rep < 3; rep++) {
  batchBeforeMs += cutEpoch(batchOfBefore) / 3;
  batchMs += cutEpoch(batchOf) / 3;
}

// 2a'. Cutting a run's views: afresh (a new dataset object misses the cache) and again (a re-run).
let viewsColdMs = 0;
let viewsCachedMs = 0;
for (let rep = 0; rep < 5; rep++) {
  let t = performance.now();
  runViews({ ...data }, spec);
  viewsColdMs += (performance.now() - t) / 5;
  t = performance.now();
  runViews(data, spec);
  viewsCachedMs += (performance.now() - t) / 5;
}

// 2b. One step per kernel, and steps with and without reading the loss back.
const model = buildModel(spec, data.sampleShape, data.classes, data.task);
const optimizer = makeOptimizer(spec.optimizer, spec.learningRate);
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const fixed = batchOf(data, views.train.samples, views.train.idx.subarray(0, B));
for (let i = 0; i < 5; i++) await model.trainOnBatch(fixed.xs, fixed.ys);
const STEPS = 30;
let t0 = performance.now();
for (let i = 0; i < STEPS; i++) await model.trainOnBatch(fixed.xs, fixed.ys);
const trainOnBatchMs = (performance.now() - t0) / STEPS;
// The same with the stock, copying wasm Identity (kernels/wasm-identity.ts), alternated.
let identityStockMs = 0;
let identityOursMs = 0;
for (let rep = 0; rep < 4; rep++) {
  for (const ours of rep % 2 === 0 ? [false, true] : [true, false]) {
    if (ours) installSharedWasmIdentity();
    else uninstallSharedWasmIdentity();
    const t = performance.now();
    for (let i = 0; i < STEPS / 2; i++) await model.trainOnBatch(fixed.xs, fixed.ys);
    const ms = (performance.now() - t) / (STEPS / 2) / 4;
    if (ours) identityOursMs += ms;
    else identityStockMs += ms;
  }
}
installSharedWasmIdentity();
// The same step with tfjs' stock RMSprop (a twin model, same weights), alternated with ours.
const stockModel = buildModel(spec, data.sampleShape, data.classes, data.task);
const stockStepOpt = tf.train.rmsprop(spec.learningRate, 0.9, 0, 1e-7);
stockModel.compile({ optimizer: stockStepOpt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
for (let i = 0; i < 5; i++) await stockModel.trainOnBatch(fixed.xs, fixed.ys);
let optFusedStepMs = 0;
let optStockStepMs = 0;
for (let rep = 0; rep < 4; rep++) {
  for (const m of rep % 2 === 0 ? [stockModel, model] : [model, stockModel]) {
    const t = performance.now();
    for (let i = 0; i < STEPS / 2; i++) await m.trainOnBatch(fixed.xs, fixed.ys);
    const ms = (performance.now() - t) / (STEPS / 2) / 4;
    if (m === model) optFusedStepMs += ms;
    else optStockStepMs += ms;
  }
}
stockModel.dispose();
stockStepOpt.dispose();

// The bare step: forward, gradients and optimizer update, no metric, no read-back.
const [w1, b1, w2, b2] = model.trainableWeights.map((w) => w.read() as tf.Variable);
const flatXs = fixed.xs.reshape([B, -1]) as tf.Tensor2D;
const lossFn = () => tf.tidy(() => {
  const h = tf.relu(tf.add(tf.matMul(flatXs, w1 as tf.Tensor2D), b1!));
  const logits = tf.add(tf.matMul(h, w2 as tf.Tensor2D), b2!);
  return tf.losses.softmaxCrossEntropy(fixed.ys, logits) as tf.Scalar;
});
// The bare step uses the app's optimizer (fused update); tfjs' stock RMSprop is timed beside it.
const bareOpt = makeOptimizer(spec.optimizer, spec.learningRate);
const stockOpt = tf.train.rmsprop(spec.learningRate, 0.9, 0, 1e-7);
const vars = [w1, b1, w2, b2] as tf.Variable[];
for (let i = 0; i < 5; i++) bareOpt.minimize(lossFn, true, vars)?.dispose();
await tf.ready();
t0 = performance.now();
for (let i = 0; i < STEPS; i++) bareOpt.minimize(lossFn, true, vars)?.dispose();
(await tf.zeros([1]).data());
const bareStepMs = (performance.now() - t0) / STEPS;
let gradMs = 0;
let updateMs = 0;
let updateStockMs = 0;
for (let i = 0; i < STEPS; i++) {
  let t = performance.now();
  const { value, grads } = tf.variableGrads(lossFn, vars);
  gradMs += performance.now() - t;
  // Alternate which goes first, so both see the same caches and load.
  for (const opt of i % 2 === 0 ? [bareOpt, stockOpt] : [stockOpt, bareOpt]) {
    t = performance.now();
    opt.applyGradients(grads);
    if (opt === bareOpt) updateMs += performance.now() - t;
    else updateStockMs += performance.now() - t;
  }
  tf.dispose([value, ...Object.values(grads)]);
}
gradMs /= STEPS;
updateMs /= STEPS;
updateStockMs /= STEPS;
t0 = performance.now();
for (let i = 0; i < STEPS; i++) {
  const l = lossFn();
  await l.data();
  l.dispose();
}
const readBackMs = (performance.now() - t0) / STEPS;

// Kernel by kernel, over a few trainOnBatch steps (what fitDataset runs for each batch).
const kernels = new Map<string, { ms: number; calls: number }>();
const PROFILED = 5;
const prof = await tf.profile(async () => {
  for (let i = 0; i < PROFILED; i++) await model.trainOnBatch(fixed.xs, fixed.ys);
});
for (const k of prof.kernels) {
  const e = kernels.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  e.calls++;
  kernels.set(k.name, e);
}
tf.dispose([fixed.xs, fixed.ys, flatXs]);
model.dispose();
optimizer.dispose();
bareOpt.dispose();
stockOpt.dispose();

const kernelRows = [...kernels.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelTotal = kernelRows.reduce((s, [, v]) => s + v.ms, 0) / PROFILED;
console.log(`\n2. one W1 step (batch ${B}), timed alone:`);
const parts: string[][] = [['part', 'ms per batch', 'share of the real step']];
const share = (ms: number) => `${fmt((100 * ms) / stepMsReal, 1)} %`;
parts.push(['real loop step (fitJob)', fmt(stepMsReal, 2), '100 %']);
parts.push(['cutting the batch (batchOf)', fmt(batchMs, 2), share(batchMs)]);
parts.push(['  the same, batchOf before this profile', fmt(batchBeforeMs, 2), share(batchBeforeMs)]);
parts.push(['per job: cutting the run\'s views afresh (runViews)', fmt(viewsColdMs, 2), '']);
parts.push(['  the same for a re-run (cached)', fmt(viewsCachedMs, 3), '']);
parts.push(['model.trainOnBatch (step + metric + loss read-back)', fmt(trainOnBatchMs, 2), share(trainOnBatchMs)]);
parts.push(['  the same, our sharing Identity (alternated)', fmt(identityOursMs, 2), share(identityOursMs)]);
parts.push(['  the same, stock copying Identity (alternated)', fmt(identityStockMs, 2), share(identityStockMs)]);
parts.push(['  the same, fused RMSprop (alternated)', fmt(optFusedStepMs, 2), share(optFusedStepMs)]);
parts.push(['  the same, tfjs\' stock RMSprop (alternated)', fmt(optStockStepMs, 2), share(optStockStepMs)]);
parts.push(['  sum of kernel times in it (tf.profile)', fmt(kernelTotal, 2), share(kernelTotal)]);
parts.push(['bare step: forward + grads + RMSprop, no read-back', fmt(bareStepMs, 2), share(bareStepMs)]);
parts.push(['  forward + gradients (variableGrads)', fmt(gradMs, 2), share(gradMs)]);
parts.push(['  optimizer update (applyGradients, fused)', fmt(updateMs, 2), share(updateMs)]);
parts.push(['  the same with tfjs\' stock RMSprop', fmt(updateStockMs, 2), share(updateStockMs)]);
parts.push(['forward + loss read-back (data())', fmt(readBackMs, 2), share(readBackMs)]);
console.log(textTable(parts));
const kTable: string[][] = [['kernel', 'calls/step', 'ms/step', 'share of kernel time']];
for (const [name, v] of kernelRows.slice(0, 14)) kTable.push([name, fmt(v.calls / PROFILED, 0), fmt(v.ms / PROFILED, 2), `${fmt((100 * v.ms) / PROFILED / kernelTotal, 1)} %`]);
console.log(`\nkernels (tf.profile, ${PROFILED} trainOnBatch steps):\n${textTable(kTable)}`);

// 3. Matmul rate. A W1 step: forward 128x784x512 and 128x512x10; the weight gradients of both
// layers (784x128 @ 128x512 after the transpose, 512x128 @ 128x10); the second layer's input
// gradient (128x10 @ 10x512). The first layer's input gradient is not computed.
const SHAPES: [number, number, number][] = [[B, 784, 512], [784, B, 512], [B, 512, 10], [512, B, 10], [B, 10, 512]];
const flopsPerStep = SHAPES.reduce((s, [a, b, c]) => s + 2 * a * b * c, 0);
const wasmMm = (mm: number, k: number, n: number): number => {
  const a = tf.randomUniform([mm, k]);
  const b = tf.randomUniform([k, n]);
  for (let i = 0; i < 5; i++) tf.matMul(a, b).dispose();
  const reps = Math.max(5, Math.round(2e9 / (2 * mm * k * n)));
  const t = performance.now();
  for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
  const s = (performance.now() - t) / 1000;
  tf.dispose([a, b]);
  return (2 * mm * k * n * reps) / s / 1e9;
};
const mmRows: string[][] = [['product (m x k @ k x n)', 'wasm GFLOP/s', 'torch.mm GFLOP/s']];
let wasmSecs = 0;
let torchSecs = 0;
let torchAll = true;
for (const [a, b, c] of SHAPES) {
  const w = wasmMm(a, b, c);
  const t = torchMatmulGflops(a, b, c);
  wasmSecs += (2 * a * b * c) / (w * 1e9);
  if (t === null) torchAll = false;
  else torchSecs += (2 * a * b * c) / (t * 1e9);
  mmRows.push([`${a}x${b} @ ${b}x${c}`, fmt(w, 1), t === null ? '—' : fmt(t, 1)]);
}
const ourRate = flopsPerStep / (stepMsReal / 1000) / 1e9;
const wasmPeak = flopsPerStep / wasmSecs / 1e9;
const torchPeak = torchAll ? flopsPerStep / torchSecs / 1e9 : NaN;
console.log(`\n3. matmul rate\n${textTable(mmRows)}`);
console.log(`W1 step = ${fmt(flopsPerStep / 1e6, 1)} MFLOP of products; our loop reaches ${fmt(ourRate, 2)} GFLOP/s,` +
  ` ${fmt((100 * ourRate) / wasmPeak, 1)} % of plain wasm matmuls of the same sizes (${fmt(wasmPeak, 1)} GFLOP/s)` +
  (torchAll ? ` and ${fmt((100 * ourRate) / torchPeak, 1)} % of torch.mm (${fmt(torchPeak, 1)} GFLOP/s).` : '; torch.mm not measured (no torch).'));

save('profile', m, {
  fitJob: { samplesPerSec: real.samplesPerSec, stepMs: stepMsReal, testAcc: real.testAcc },
  parts: { batchMs, batchBeforeMs, viewsColdMs, viewsCachedMs, trainOnBatchMs, identityOursMs, identityStockMs, optFusedStepMs, optStockStepMs, kernelMs: kernelTotal, bareStepMs, gradMs, updateMs, updateStockMs, readBackMs },
  kernels: Object.fromEntries(kernelRows.map(([k, v]) => [k, { msPerStep: v.ms / PROFILED, callsPerStep: v.calls / PROFILED }])),
  matmul: { flopsPerStep, ourGflops: ourRate, wasmGflops: wasmPeak, torchGflops: torchAll ? torchPeak : null, shapes: mmRows.slice(1) },
}, `${markdownTable(parts)}\n\n${markdownTable(kTable)}\n\n${markdownTable(mmRows)}\n\nour loop: ${fmt(ourRate, 2)} GFLOP/s; plain wasm ${fmt(wasmPeak, 1)}; torch.mm ${fmt(torchPeak, 1)}`);
process.exit(0);

/** batchOf as it was at commit 8057386 (a multiply per pixel through a union-typed array). */
function batchOfBefore(d: typeof data, s: typeof data.train, idx: ArrayLike<number>): { xs: tf.Tensor; ys: tf.Tensor } {
  const f = d.features;
  const n = idx.length;
  const x = new Float32Array(n * f);
  for (let r = 0; r < n; r++) {
    const from = idx[r]! * f;
    if (d.scale === 1) x.set(s.x.subarray(from, from + f), r * f);
    else for (let k = 0; k < f; k++) x[r * f + k] = s.x[from + k]! * d.scale;
  }
  const xs = tf.tensor(x, [n, ...d.sampleShape], 'float32');
  const y = new Float32Array(n * d.classes);
  for (let r = 0; r < n; r++) y[r * d.classes + s.y[idx[r]!]!] = 1;
  return { xs, ys: tf.tensor2d(y, [n, d.classes]) };
}
