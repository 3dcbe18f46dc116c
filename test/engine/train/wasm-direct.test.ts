/**
 * The direct wasm kernels (src/engine/train/kernels/wasm-direct.ts) against the stock ones: the
 * same values, shapes and dtypes for each binary kernel over broadcasts, dtypes and empty tensors,
 * for Transpose over permutations with size-1 axes, and for the transposed products the fast
 * matmul makes through it; nothing leaked; training gives the same weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '@tensorflow/tfjs';
import { installDirectWasmKernels, uninstallDirectWasmKernels } from '../../../src/engine/train/kernels/wasm-direct.ts';
import { installFastWasmMatMul, uninstallFastWasmMatMul } from '../../../src/engine/train/wasm-kernels.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { trainTinyClassifier, useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });
afterAll(() => { uninstallFastWasmMatMul(); uninstallDirectWasmKernels(); });

const rnd = mulberry32(11);
const vals = (n: number) => Array.from({ length: n }, () => Math.round((rnd() * 4 - 2) * 8) / 8 + 0.0625);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const rand = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  tf.tensor(dtype === 'int32' ? vals(size(shape)).map(Math.round) : vals(size(shape)), shape, dtype);

/** The outcome of `op` on fresh inputs from `make`, and the tensors it left behind. */
function run(make: () => Tensor[], op: (...t: Tensor[]) => Tensor) {
  const before = tf.memory().numTensors;
  const ins = make();
  const out = tf.tidy(() => op(...ins));
  const r = { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync() as ArrayLike<number>) };
  tf.dispose([...ins, out]);
  return { ...r, leaked: tf.memory().numTensors - before };
}

/** Inputs made once, so both kernels see the same numbers. */
function compare(inputs: () => Tensor[], op: (...t: Tensor[]) => Tensor) {
  const fixed = inputs();
  const data = fixed.map((t) => ({ values: Array.from(t.dataSync() as ArrayLike<number>), shape: t.shape, dtype: t.dtype }));
  tf.dispose(fixed);
  const make = () => data.map((d) => tf.tensor(d.values, d.shape, d.dtype));
  uninstallFastWasmMatMul();
  uninstallDirectWasmKernels();
  const stock = run(make, op);
  expect(installDirectWasmKernels()).toBeGreaterThan(0);
  const ours = run(make, op);
  expect(ours).toEqual(stock);
  expect(ours.leaked).toBe(0);
}

const BINARY: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', (a, b) => tf.add(a, b)], ['sub', (a, b) => tf.sub(a, b)], ['mul', (a, b) => tf.mul(a, b)],
  ['div', (a, b) => tf.div(a, b)], ['maximum', (a, b) => tf.maximum(a, b)], ['minimum', (a, b) => tf.minimum(a, b)],
  ['squaredDifference', (a, b) => tf.squaredDifference(a, b)], ['pow', (a, b) => tf.pow(tf.abs(a), b)],
  ['equal', (a, b) => tf.equal(a, b)], ['notEqual', (a, b) => tf.notEqual(a, b)], ['greater', (a, b) => tf.greater(a, b)],
  ['greaterEqual', (a, b) => tf.greaterEqual(a, b)], ['less', (a, b) => tf.less(a, b)], ['lessEqual', (a, b) => tf.lessEqual(a, b)],
];
const SHAPES: [number[], number[]][] = [[[5], [5]], [[4, 3], [3]], [[4, 1], [1, 6]], [[2, 3, 4], [2, 1, 4]], [[3, 4], []], [[0, 3], [3]]];

describe('direct wasm kernels equal the stock ones', () => {
  for (const [name, op] of BINARY) {
    it(`${name} over broadcasts and an empty tensor`, () => {
      for (const [sa, sb] of SHAPES) compare(() => [rand(sa), rand(sb)], op);
    });
  }

  it('int32 arithmetic', () => {
    compare(() => [rand([3, 4], 'int32'), rand([4], 'int32')], (a, b) => tf.add(a, b));
    compare(() => [rand([3, 4], 'int32'), rand([3, 4], 'int32')], (a, b) => tf.mul(a, b));
  });

  it('transpose, with size-1 axes and the identity permutation', () => {
    const cases: [number[], number[]][] = [[[3, 4], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[1, 5, 1, 3], [3, 2, 1, 0]], [[2, 1, 3], [0, 1, 2]], [[1, 4], [1, 0]], [[2, 3, 4, 5], [0, 2, 1, 3]]];
    for (const [shape, perm] of cases) compare(() => [rand(shape)], (x) => tf.transpose(x, perm));
    compare(() => [rand([3, 4], 'int32')], (x) => tf.transpose(x, [1, 0]));
  });

  it('with the transposing matmul installed after (as the trainer does), transposed products match too', () => {
    for (const [ta, tb] of [[true, false], [false, true]] as const) {
      const a = ta ? [64, 33] : [33, 64];
      const b = tb ? [17, 64] : [64, 17];
      const fixed = [rand(a), rand(b)];
      const data = fixed.map((t) => Array.from(t.dataSync()));
      tf.dispose(fixed);
      const product = () => {
        const x = tf.tensor(data[0]!, a);
        const y = tf.tensor(data[1]!, b);
        const out = tf.matMul(x, y, ta, tb);
        const v = Array.from(out.dataSync());
        tf.dispose([x, y, out]);
        return v;
      };
      uninstallFastWasmMatMul();
      uninstallDirectWasmKernels();
      const stock = product();
      installDirectWasmKernels();
      installFastWasmMatMul();
      expect(product()).toEqual(stock);
    }
  });

  it('install and uninstall report what they changed', () => {
    uninstallFastWasmMatMul();
    uninstallDirectWasmKernels();
    expect(installDirectWasmKernels()).toBe(BINARY.length + 1);
    expect(installDirectWasmKernels()).toBe(0);
    expect(uninstallDirectWasmKernels()).toBe(BINARY.length + 1);
    expect(uninstallDirectWasmKernels()).toBe(0);
  });

  it('training gives the same weights with either set of kernels', async () => {
    const train = () => trainTinyClassifier(() => tf.train.adam(0.01), ['accuracy']);
    uninstallFastWasmMatMul();
    uninstallDirectWasmKernels();
    const stock = await train();
    installDirectWasmKernels();
    installFastWasmMatMul();
    expect(await train()).toEqual(stock);
  });
});
