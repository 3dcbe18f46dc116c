/**
 * Experiment for issue 7 (not part of `npm run bench`): what a small job's training step costs
 * through tfjs-layers' model.fitDataset (as src/engine/train/fit.ts trains) against a plain step
 * (optimizer.minimize on model.apply inside tf.tidy), same model, optimizer, batches and order,
 * on wasm in this thread: wall and CPU per step split into this thread and V8's background
 * threads, and bytes allocated per step (sampled, collected objects included). Alternates A/B
 * so a change in machine load hits both.
 *   npx tsx bench/pool-loop.ts [--rounds=3] [--epochs=10]
 */
import { Session } from 'node:inspector/promises';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
import { batchOf } from '../src/engine/train/batches.ts';
import { loadData } from '../src/engine/train/load.ts';
import { buildModel, makeOptimizer } from '../src/engine/train/model.ts';
import { deriveSeed, mulberry32, permutation } from '../src/engine/train/rng.ts';
import { runViews } from '../src/engine/train/views.ts';
import { installDirectWasmKernels } from '../src/engine/train/kernels/wasm-direct.ts';
import { installFastWasmMatMul } from '../src/engine/train/wasm-kernels.ts';
import { specOf, smallJob } from './lib/jobs.ts';
import { delta, threadsOf } from './lib/thread-cpu.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROUNDS = Number(arg('rounds') ?? 3), EPOCHS = Number(arg('epochs') ?? 10);
await tf.setBackend('wasm');
installDirectWasmKernels();
installFastWasmMatMul();
const spec = specOf(smallJob(0));
const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
const views = runViews(data, spec);
const trainN = views.train.idx.length, B = spec.batchSize, batches = Math.ceil(trainN / B);

function* order(): Generator<{ xs: tf.Tensor; ys: tf.Tensor }> {
  const shuffle = mulberry32(deriveSeed(spec.seed, 'shuffle'));
  const o = permutation(trainN, shuffle);
  for (let b = 0; b < batches; b++) yield batchOf(data, views.train.samples, o.subarray(b * B, Math.min(trainN, (b + 1) * B)).map((i) => views.train.idx[i]!));
}

type Variant = (epochs: number) => Promise<number>;
const fresh = () => ({ model: buildModel(spec, data.sampleShape, data.classes, data.task), optimizer: makeOptimizer(spec.optimizer, spec.learningRate) });

/** As fit.ts: fitDataset over a generator, a callback reading the loss after every batch. */
const layers: Variant = async (epochs) => {
  const { model, optimizer } = fresh();
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  let last = 0;
  await model.fitDataset(tf.data.generator(order), { epochs, verbose: 0, yieldEvery: 'never', callbacks: { onBatchEnd: async (_b, logs) => { last = logs?.loss ?? NaN; } } });
  model.dispose(); optimizer.dispose();
  return last;
};

/** A plain step: forward, loss, gradients and update in one tidy; the loss read back every batch. */
const plain: Variant = async (epochs) => {
  const { model, optimizer } = fresh();
  let last = 0;
  for (let e = 0; e < epochs; e++) {
    for (const { xs, ys } of order()) {
      const loss = tf.tidy(() => optimizer.minimize(() => tf.metrics.categoricalCrossentropy(ys, model.apply(xs, { training: true }) as tf.Tensor).mean() as tf.Scalar, true)!);
      last = loss.dataSync()[0]!;
      tf.dispose([loss, xs, ys]);
    }
  }
  model.dispose(); optimizer.dispose();
  return last;
};

/** fit.ts' loop since issue 7: the model's own train function (same math as fitDataset), no tf.data, no callback list. */
const own: Variant = async (epochs) => {
  const { model, optimizer } = fresh();
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const train = (model as unknown as { model: { makeTrainFunction(): (d: tf.Tensor[]) => tf.Scalar[] } }).model.makeTrainFunction();
  let last = 0;
  for (let e = 0; e < epochs; e++) {
    for (const { xs, ys } of order()) {
      const outs = train([xs, ys]);
      last = outs[0]!.dataSync()[0]!;
      tf.dispose([...outs, xs, ys]);
    }
  }
  model.dispose(); optimizer.dispose();
  return last;
};

const steps = EPOCHS * batches;
const session = new Session();
session.connect();
async function measure(name: string, v: Variant): Promise<void> {
  const b = threadsOf();
  const t0 = performance.now();
  const loss = await v(EPOCHS);
  const wall = performance.now() - t0;
  const d = delta(b, threadsOf());
  const self = d.filter((t) => t.tid === process.pid).reduce((a, t) => a + t.seconds, 0);
  const bg = d.filter((t) => t.tid !== process.pid).reduce((a, t) => a + t.seconds, 0);
  await session.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  await v(1);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: { selfSize: number; children: unknown[] } } };
  type N = { selfSize: number; children: N[] };
  const sum = (n: N): number => n.selfSize + n.children.reduce((a, c) => a + sum(c), 0);
  const kb = sum(profile.head as N) / batches / 1024;
  console.log(`${name.padEnd(12)} ${(wall / steps).toFixed(2)} ms/step wall, CPU ms/step: this thread ${(1000 * self / steps).toFixed(2)}, background ${(1000 * bg / steps).toFixed(2)}; ${kb.toFixed(0)} KB allocated/step; final loss ${loss.toFixed(4)}`);
}

console.log(`${spec.dataset.name}, ${smallJob(0).layers}, ${spec.optimizer}, batch ${B}: ${batches} steps/epoch, ${EPOCHS} epochs per measure (${steps} steps); tf ${tf.getBackend()}`);
for (let w = 0; w < 16; w++) { await layers(EPOCHS); await plain(EPOCHS); await own(EPOCHS); } // JIT warm-up of both paths
for (let r = 0; r < ROUNDS; r++) {
  await measure('fitDataset', layers);
  await measure('plain step', plain);
  await measure('train fn', own);
}
console.log(`tensors left: ${tf.memory().numTensors}`);
process.exit(0);
