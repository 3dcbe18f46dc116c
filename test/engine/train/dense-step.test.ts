/**
 * The fused dense step (src/engine/train/dense/) against tfjs' own step (step.ts trainStepOf) on
 * the same model, weights and batches: gradients of one step, and weights, losses and metrics
 * after several.
 *
 * Tolerances, and why: both paths run the same GEMM (wasm-kernels.ts puts it under the stock
 * path's BatchMatMul, and the fused step calls it with the same operands and transpose flags),
 * so products agree on the same inputs. What differs is the element-wise math: exp/log/tanh in float64 rounded once here
 * against float32 kernels there, and float64 row/column sums against float32 ones — a few ulps
 * (float32 ulp ~6e-8 relative) per op. One step: |ours - tfjs| ≤ 2e-7 + 2e-6·|tfjs| (some 30 ulps;
 * measured up to 0.55 of that). After several steps the differences feed back through the weights
 * and the optimizer's division by √v (Adam and RMSprop magnify tiny gradients' differences):
 * ≤ 2e-6 + 2e-5·|tfjs|. A wrong constant is far outside (leaky alpha 0.301 instead of 0.3: 5,800x
 * the tolerance).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { trainStepOf } from '../../../src/engine/train/step.ts';
import { batchOf } from '../../../src/engine/train/batches.ts';
import { denseSetup } from '../../helpers/dense-setup.ts';
import { mulberry32, permutation } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: typeof TF;
beforeAll(async () => { tf = await useWasm(); });

const ONE_STEP = { rtol: 2e-6, atol: 2e-7 };
const SEVERAL = { rtol: 2e-5, atol: 2e-6 };

/** The largest |a - b| / (atol + rtol·|b|) over all elements: ≤ 1 means close. */
function misfit(a: ArrayLike<number>[], b: ArrayLike<number>[], tol: { rtol: number; atol: number }): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  a.forEach((x, k) => {
    expect(x.length).toBe(b[k]!.length);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - b[k]![i]!) / (tol.atol + tol.rtol * Math.abs(b[k]![i]!)));
  });
  if (process.env.DENSE_DEBUG) console.log('misfit', worst.toFixed(4)); // to re-measure the margins above
  return worst;
}

interface Case { dataset: string; layers: string; optimizer: string; lr: string; batch?: number }

/** Model, stock step, fused trainer from the same initial weights, and seeded batches. */
async function pair(c: Case) {
  const { spec, data, model, optimizer, classification, fast } = await denseSetup(tf, {
    dataset: c.dataset, noise: '0.1', layers: c.layers, optimizer: c.optimizer, lr: c.lr, batch_size: String(c.batch ?? 16), epochs: '1', seed: '3',
  });
  const order = permutation(data.train.n, mulberry32(11));
  const batch = (k: number) => {
    const b = spec.batchSize;
    return Int32Array.from(order.subarray((k * b) % (data.train.n - b), ((k * b) % (data.train.n - b)) + b));
  };
  const step = trainStepOf(model);
  return {
    data, model, fast, batch, classification,
    stock(idx: Int32Array): number[] {
      const { xs, ys } = batchOf(data, data.train, idx);
      const outs = step(xs, ys);
      const v = outs.map((t) => t.dataSync()[0]!);
      tf.dispose(outs);
      return v;
    },
    /** tfjs' gradients of the compiled loss (with the kernel penalties) at the model's weights. */
    stockGrads(idx: Int32Array): Float32Array[] {
      const { xs, ys } = batchOf(data, data.train, idx);
      const vars = model.trainableWeights.map((w) => (w as unknown as { read(): TF.Variable }).read());
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const out = model.apply(xs, { training: true }) as TF.Tensor;
        let loss = tf.mean(classification ? tf.metrics.categoricalCrossentropy(ys, out) : tf.metrics.meanSquaredError(ys, out)) as TF.Scalar;
        for (const l of model.layers) {
          const reg = (l as unknown as { kernelRegularizer?: { apply(x: TF.Tensor): TF.Scalar }; kernel?: { read(): TF.Tensor } });
          if (reg.kernelRegularizer && reg.kernel) loss = tf.add(loss, reg.kernelRegularizer.apply(reg.kernel.read()));
        }
        return loss;
      }), vars);
      const out = vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
      tf.dispose([value, xs, ys, ...Object.values(grads)]);
      return out;
    },
    dispose() {
      fast.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}

const weightsOf = (m: TF.LayersModel) => m.getWeights().map((w) => w.dataSync());

/** One step's gradients, then `steps` steps' losses, metrics and weights, against tfjs. */
async function compare(c: Case, steps: number) {
  const t = await pair(c);
  try {
    const idx0 = t.batch(0);
    const g = t.stockGrads(idx0);
    const first = t.fast.step(t.data, t.data.train, idx0);
    expect(misfit(t.fast.gradients(), g, ONE_STEP), 'gradients of step 1').toBeLessThanOrEqual(1);
    const s0 = t.stock(idx0);
    expect(misfit([[first[0]!, first[1]!]], [s0], ONE_STEP), 'loss, metric of step 1').toBeLessThanOrEqual(1);
    expect(misfit(t.fast.weights(), weightsOf(t.model), ONE_STEP), 'weights after step 1').toBeLessThanOrEqual(1);
    const ours: number[] = [], theirs: number[] = [];
    for (let k = 1; k < steps; k++) {
      // The last one short, as an epoch's last batch can be.
      const idx = k === steps - 1 ? t.batch(k).subarray(0, 5) : t.batch(k);
      ours.push(...t.fast.step(t.data, t.data.train, idx));
      theirs.push(...t.stock(idx));
    }
    expect(misfit([ours], [theirs], SEVERAL), 'losses, metrics').toBeLessThanOrEqual(1);
    expect(misfit(t.fast.weights(), weightsOf(t.model), SEVERAL), `weights after ${steps} steps`).toBeLessThanOrEqual(1);
  } finally {
    t.dispose();
  }
}

describe('the fused dense step follows tfjs step for step', () => {
  it.each(['sigmoid', 'tanh', 'relu', 'leakyrelu', 'elu', 'selu', 'softmax', 'linear'])('activation %s (iris, 3 classes, adam)', async (act) => {
    await compare({ dataset: 'iris', layers: `dense(8, ${act}) dense(6, ${act})`, optimizer: 'adam', lr: '0.01' }, 8);
  });

  it.each(['sgd', 'momentum', 'rmsprop', 'adam', 'adagrad', 'adamax'])('optimizer %s (spiral, relu)', async (opt) => {
    await compare({ dataset: 'spiral', layers: 'dense(16, relu) dense(16, relu)', optimizer: opt, lr: '0.01' }, 12);
  });

  it('regression: linear output, MSE and MAE (gauss-mix, tanh, rmsprop)', async () => {
    await compare({ dataset: 'gauss-mix', layers: 'dense(12, tanh) dense(8, elu)', optimizer: 'rmsprop', lr: '0.01' }, 10);
  });

  it('L1 and L2 kernel penalties: in the loss and the gradients', async () => {
    await compare({ dataset: 'circle', layers: 'dense(10, relu, l1=0.01) dense(8, tanh, l2=0.02) dense(2, softmax, l1=0.001, l2=0.001)', optimizer: 'adam', lr: '0.02' }, 10);
  });

  it('no hidden layer, batches of 7', async () => {
    await compare({ dataset: 'gaussian', layers: '', optimizer: 'sgd', lr: '0.1', batch: 7 }, 6);
  });

  it('images: the implied flatten, bytes scaled through the table (mnist:1k, 784-32-10)', async () => {
    await compare({ dataset: 'mnist:1k', layers: 'dense(32, relu)', optimizer: 'rmsprop', lr: '0.001', batch: 32 }, 5);
  });

  it('keeps stepping right after the wasm heap grows (its views are re-taken)', async () => {
    const t = await pair({ dataset: 'spiral', layers: 'dense(16, relu) dense(16, relu)', optimizer: 'momentum', lr: '0.05' });
    try {
      const mod = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void } }).wasm;
      for (let k = 0; k < 3; k++) {
        const idx = t.batch(k);
        const before = mod.HEAPU8.buffer;
        // More than the heap holds, so emscripten must grow the memory (no JS copy, unlike a tensor).
        const block = k === 1 ? mod._malloc(mod.HEAPU8.length) : 0;
        if (k === 1) expect(mod.HEAPU8.buffer, 'the heap grew').not.toBe(before);
        const ours = t.fast.step(t.data, t.data.train, idx);
        expect(misfit([[ours[0]!, ours[1]!]], [t.stock(idx)], SEVERAL)).toBeLessThanOrEqual(1);
        if (block !== 0) mod._free(block);
      }
      expect(misfit(t.fast.weights(), weightsOf(t.model), SEVERAL)).toBeLessThanOrEqual(1);
    } finally {
      t.dispose();
    }
  });
});
