/**
 * The sharing wasm Identity (src/engine/train/kernels/wasm-identity.ts) against the stock,
 * copying one: same values and dtypes, independent lifetimes, no leaked tensors or bytes, and
 * real training (which clones every saved tensor through Identity) giving the same weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { installSharedWasmIdentity, uninstallSharedWasmIdentity } from '../../../src/engine/train/kernels/wasm-identity.ts';
import { FusedRMSPropOptimizer } from '../../../src/engine/train/fused-optimizers.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;

beforeAll(async () => {
  tf = await useWasm();
});
afterAll(() => {
  uninstallSharedWasmIdentity();
});

const CASES = [
  { name: 'float32 matrix', make: () => tf.tensor2d([[1.5, -2], [3, 4]]) },
  { name: 'int32 vector', make: () => tf.tensor1d([1, 2, 3], 'int32') },
  { name: 'bool', make: () => tf.tensor1d([1, 0, 1], 'bool') },
  { name: 'scalar', make: () => tf.scalar(7) },
  { name: 'empty', make: () => tf.zeros([0, 3]) },
  { name: 'string (stock path)', make: () => tf.tensor1d(['a', 'bc']) },
];

/** The values and dtype of a clone made with the Identity currently registered, and the leaks. */
function cloneOf(make: () => Tensor) {
  const before = tf.memory();
  const x = make();
  const y = x.clone();
  x.dispose();
  const out = { shape: y.shape, dtype: y.dtype, values: Array.from(y.dataSync() as ArrayLike<unknown>) };
  y.dispose();
  const after = tf.memory();
  return { ...out, leakedTensors: after.numTensors - before.numTensors, leakedBytes: after.numBytes - before.numBytes };
}

describe('sharing wasm Identity', () => {
  for (const c of CASES) {
    it(`${c.name}: a clone equals the stock clone and outlives its source`, () => {
      uninstallSharedWasmIdentity();
      const stock = cloneOf(c.make);
      expect(installSharedWasmIdentity()).toBe(true);
      const ours = cloneOf(c.make);
      expect(ours).toEqual(stock);
      expect(ours.leakedTensors).toBe(0);
      expect(ours.leakedBytes).toBe(0);
    });
  }

  it('the source stays readable after its clone is disposed', () => {
    installSharedWasmIdentity();
    const x = tf.tensor1d([1, 2, 3]);
    x.clone().dispose();
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    x.dispose();
  });

  it('training gives the same weights with either Identity', async () => {
    const train = async () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 9, activation: 'relu', inputShape: [6], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      m.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
      const opt = new FusedRMSPropOptimizer(0.01, 0.9, 0, 1e-7);
      m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
      const rand = mulberry32(5);
      for (let step = 0; step < 20; step++) {
        const x = Float32Array.from({ length: 16 * 6 }, () => rand() * 2 - 1);
        const y = new Float32Array(16 * 2);
        for (let r = 0; r < 16; r++) y[r * 2 + (x[r * 6]! > 0 ? 1 : 0)] = 1;
        const xs = tf.tensor2d(x, [16, 6]);
        const ys = tf.tensor2d(y, [16, 2]);
        await m.trainOnBatch(xs, ys);
        tf.dispose([xs, ys]);
      }
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      opt.dispose();
      return w;
    };
    uninstallSharedWasmIdentity();
    const stock = await train();
    installSharedWasmIdentity();
    const before = tf.memory().numTensors;
    const ours = await train();
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(stock);
  });
});
