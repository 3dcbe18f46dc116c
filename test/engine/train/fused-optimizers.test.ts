/**
 * The fused optimizers against tfjs' stock ones: the same seeded model trained on the same data
 * for N real steps (model.trainOnBatch, i.e. optimizer.minimize as fit runs it), once with each,
 * on the wasm and cpu backends. Weights and optimizer state must agree to within float32
 * rounding noise (in practice they are bit-identical).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  FusedAdamOptimizer, FusedMomentumOptimizer, FusedRMSPropOptimizer, FusedSGDOptimizer,
} from '../../../src/engine/train/fused-optimizers.ts';
import { FUSED_RMSPROP } from '../../../src/engine/train/fused-kernels.ts';
import { simdOptimizerFor } from '../../../src/engine/train/kernels/wasm-optimizer.ts';
import { makeOptimizer } from '../../../src/engine/train/model.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';

interface Pair {
  readonly name: string;
  readonly stock: () => tf.Optimizer;
  readonly fused: () => tf.Optimizer;
}

// Hyper-parameters as model.ts sets them, plus Nesterov and RMSprop with momentum.
const PAIRS: Pair[] = [
  { name: 'rmsprop', stock: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7), fused: () => new FusedRMSPropOptimizer(0.01, 0.9, 0, 1e-7) },
  { name: 'rmsprop momentum 0.5', stock: () => tf.train.rmsprop(0.01, 0.8, 0.5, 1e-6), fused: () => new FusedRMSPropOptimizer(0.01, 0.8, 0.5, 1e-6) },
  { name: 'adam', stock: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), fused: () => new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7) },
  { name: 'momentum', stock: () => tf.train.momentum(0.05, 0.9), fused: () => new FusedMomentumOptimizer(0.05, 0.9) },
  { name: 'nesterov', stock: () => tf.train.momentum(0.05, 0.9, true), fused: () => new FusedMomentumOptimizer(0.05, 0.9, true) },
  { name: 'sgd', stock: () => tf.train.sgd(0.1), fused: () => new FusedSGDOptimizer(0.1) },
];

const STEPS = 25;
const BATCH = 32;
const IN = 12;
const CLASSES = 3;

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 13, activation: 'relu', inputShape: [IN], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

// 13 hidden units: weights of 156, 13, 39 and 3 elements, so the wasm SIMD loop (multiples of 4)
// and the JS loop for the remainder both run.

/** Batches of a learnable rule (class = which third the first feature's sum falls in), seeded. */
function batches(): { xs: Float32Array; ys: Float32Array }[] {
  const rand = mulberry32(7);
  return Array.from({ length: STEPS }, () => {
    const xs = new Float32Array(BATCH * IN);
    const ys = new Float32Array(BATCH * CLASSES);
    for (let r = 0; r < BATCH; r++) {
      let s = 0;
      for (let k = 0; k < IN; k++) s += xs[r * IN + k] = rand() * 2 - 1;
      ys[r * CLASSES + (s < -1 ? 0 : s < 1 ? 1 : 2)] = 1;
    }
    return { xs, ys };
  });
}

/** Trains a fresh model for STEPS steps; returns its weights, the optimizer's state and the losses. */
async function train(opt: tf.Optimizer): Promise<{ weights: Float32Array[]; state: Float32Array[]; losses: number[] }> {
  const m = model();
  m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  for (const b of batches()) {
    const xs = tf.tensor2d(b.xs, [BATCH, IN]);
    const ys = tf.tensor2d(b.ys, [BATCH, CLASSES]);
    losses.push(await m.trainOnBatch(xs, ys) as number);
    tf.dispose([xs, ys]);
  }
  const weights = m.getWeights().map((w) => w.dataSync() as Float32Array);
  const stateTensors = await opt.getWeights();
  const state = stateTensors.map((w) => w.tensor.dataSync() as Float32Array);
  m.dispose();
  opt.dispose();
  return { weights, state, losses };
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i]!.length);
    for (let k = 0; k < x.length; k++) d = Math.max(d, Math.abs(x[k]! - b[i]![k]!) / (1e-3 + Math.abs(x[k]!)));
  });
  return d;
}

afterAll(async () => {
  await tf.setBackend('wasm');
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`fused optimizers on ${backend}`, () => {
    for (const pair of PAIRS) {
      it(`${pair.name}: ${STEPS} training steps match tfjs' stock optimizer`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        await tf.ready();
        // (tfjs' optimizer.dispose() misses a scalar or two, see fit.ts: compare with stock's count.)
        let before = tf.memory().numTensors;
        const stock = await train(pair.stock());
        const stockLeft = tf.memory().numTensors - before;
        before = tf.memory().numTensors;
        const fused = await train(pair.fused());
        expect(tf.memory().numTensors - before).toBe(stockLeft);
        // The loss fell: this was real training, not a no-op on both sides.
        expect(fused.losses[STEPS - 1]!).toBeLessThan(fused.losses[0]!);
        expect(maxDiff(fused.weights, stock.weights)).toBeLessThanOrEqual(1e-6);
        expect(maxDiff(fused.state, stock.state)).toBeLessThanOrEqual(1e-6);
        expect(fused.losses).toEqual(stock.losses.map((l) => expect.closeTo(l, 6)));
      });
    }

    if (backend === 'wasm') {
      it('runs the SIMD loops on the wasm backend here', async () => {
        expect(await tf.setBackend('wasm')).toBe(true);
        expect(simdOptimizerFor(tf.backend())).not.toBeNull();
      });
    }

    it('leaves a clone of a weight (the kept best) untouched', async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      const v = tf.variable(tf.tensor1d([1, 2, 3]));
      const kept = v.clone();
      const opt = new FusedRMSPropOptimizer(0.1, 0.9, 0, 1e-7);
      opt.applyGradients({ [v.name]: tf.tensor1d([1, -1, 0.5]) });
      expect(Array.from(kept.dataSync())).toEqual([1, 2, 3]);
      expect(v.dataSync()[0]).toBeLessThan(1);
      tf.dispose([v, kept]);
      opt.dispose();
    });
  });
}

describe('makeOptimizer', () => {
  it('gives the fused classes with the Keras defaults model.ts documents', () => {
    const rms = makeOptimizer('rmsprop', 0.001).getConfig();
    expect(rms).toMatchObject({ learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(makeOptimizer('rmsprop', 0.001)).toBeInstanceOf(FusedRMSPropOptimizer);
    expect(makeOptimizer('adam', 0.001).getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(makeOptimizer('momentum', 0.01).getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0.9, useNesterov: false });
    expect(makeOptimizer('sgd', 0.01)).toBeInstanceOf(FusedSGDOptimizer);
  });

  it('falls back to the stock update where our kernel is missing (centered RMSprop)', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    expect(tf.getKernel(FUSED_RMSPROP, 'wasm')).toBeDefined();
    const stock = await train(tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true));
    const fused = await train(new FusedRMSPropOptimizer(0.01, 0.9, 0, 1e-7, true));
    // (Bit for bit: the same stock ops ran. Centered RMSprop can take √ of a negative: NaN on both.)
    expect(fused.weights.map((w) => Array.from(w))).toEqual(stock.weights.map((w) => Array.from(w)));
  });
});
