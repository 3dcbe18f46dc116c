/**
 * The sharing wasm Identity (src/engine/train/kernels/wasm-identity.ts) against the stock,
 * copying one: same values and dtypes, independent lifetimes, no leaked tensors or bytes, and
 * real training (which clones every saved tensor through Identity) giving the same weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { installSharedWasmIdentity, uninstallSharedWasmIdentity } from '../../../src/engine/train/kernels/wasm-identity.ts';
import { FusedRMSPropOptimizer } from '../../../src/engine/train/fused-optimizers.ts';
import { trainTinyClassifier, useWasm } from '../../helpers/tf-wasm.ts';

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
    const train = () => trainTinyClassifier(() => new FusedRMSPropOptimizer(0.01, 0.9, 0, 1e-7));
    uninstallSharedWasmIdentity();
    const stock = await train();
    installSharedWasmIdentity();
    const before = tf.memory().numTensors;
    const ours = await train();
    expect(tf.memory().numTensors).toBe(before);
    expect(ours).toEqual(stock);
  });
});
