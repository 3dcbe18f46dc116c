/**
 * The replacement wasm matmul kernels against the stock ones (real tfjs, wasm backend).
 *
 * Registration is global for this file, so every stock result is computed in beforeAll before
 * installing, and the later tests compare against those. Products are also checked against the
 * cpu backend, because the stock wasm kernel is itself wrong in one corner: _FusedMatMul with a
 * transposed operand and a bias takes its scalar fallback loop, which adds the bias once per
 * 48-wide block of the shared dimension, to the wrong columns after the first row, and clamps
 * partial sums for relu. Routed to the XNNPACK path, those cases now match cpu.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fastWasmMatMulInstalled,
  installFastWasmMatMul,
  uninstallFastWasmMatMul,
} from '../../../src/engine/train/wasm-kernels.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;

interface Case {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** tf.fused.matMul with a bias and relu instead of tf.matMul. */
  readonly fused?: boolean;
}

/** a (m x k) times b (k x n) with the operands stored transposed where the flags say so. */
function shapes(batchA: number[], batchB: number[], m: number, k: number, n: number, tA: boolean, tB: boolean) {
  return { a: [...batchA, ...(tA ? [k, m] : [m, k])], b: [...batchB, ...(tB ? [n, k] : [k, n])] };
}

const FLAGS = [[false, false], [true, false], [false, true], [true, true]] as const;
const SIZES: [number, number, number][] = [[1, 1, 1], [1, 7, 1], [7, 1, 33], [33, 129, 7], [129, 33, 1], [128, 129, 10]];

const CASES: Case[] = [];
for (const [tA, tB] of FLAGS) {
  const flags = `tA=${tA} tB=${tB}`;
  for (const [m, k, n] of SIZES) {
    CASES.push({ name: `rank 2 ${m}x${k}x${n} ${flags}`, ...shapes([], [], m, k, n, tA, tB), transposeA: tA, transposeB: tB });
    CASES.push({ name: `rank 3 batch 1 ${m}x${k}x${n} ${flags}`, ...shapes([1], [1], m, k, n, tA, tB), transposeA: tA, transposeB: tB });
    CASES.push({ name: `fused ${m}x${k}x${n} ${flags}`, ...shapes([], [], m, k, n, tA, tB), transposeA: tA, transposeB: tB, fused: true });
  }
  CASES.push({ name: `rank 3 batch 3 ${flags}`, ...shapes([3], [3], 7, 33, 5, tA, tB), transposeA: tA, transposeB: tB });
  CASES.push({ name: `broadcast [3] x [1] ${flags}`, ...shapes([3], [1], 7, 33, 5, tA, tB), transposeA: tA, transposeB: tB });
  CASES.push({ name: `broadcast [1] x [3] ${flags}`, ...shapes([1], [3], 7, 33, 5, tA, tB), transposeA: tA, transposeB: tB });
  CASES.push({ name: `broadcast rank 3 x rank 2 ${flags}`, ...shapes([3], [], 7, 33, 5, tA, tB), transposeA: tA, transposeB: tB });
  CASES.push({ name: `broadcast [2,3] x [3] ${flags}`, ...shapes([2, 3], [3], 4, 9, 6, tA, tB), transposeA: tA, transposeB: tB });
  CASES.push({ name: `rank 4 batch 1 ${flags}`, ...shapes([1, 1], [1, 1], 9, 17, 4, tA, tB), transposeA: tA, transposeB: tB });
}

function filled(shape: number[], seed: number): Float32Array {
  const rand = mulberry32(seed);
  const v = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < v.length; i++) v[i] = rand() * 2 - 1;
  return v;
}

function runCase(c: Case, seed: number): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const a = tf.tensor(filled(c.a, seed), c.a);
    const b = tf.tensor(filled(c.b, seed + 1), c.b);
    let out: ReturnType<typeof tf.matMul>;
    if (c.fused) {
      const n = c.transposeB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
      const bias = tf.tensor1d(filled([n], seed + 2));
      out = tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB, bias, activation: 'relu' });
    } else {
      out = tf.matMul(a, b, c.transposeA, c.transposeB);
    }
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

/** A two-layer MLP by hand: its gradients use BatchMatMul with transposeA and transposeB. */
function mlpGrads(seed: number): Record<string, Float32Array> {
  return tf.tidy(() => {
    const x = tf.tensor2d(filled([33, 13], seed), [33, 13]);
    const labels = tf.oneHot(tf.tensor1d(Array.from({ length: 33 }, (_, i) => i % 5), 'int32'), 5);
    const w1 = tf.variable(tf.tensor2d(filled([13, 17], seed + 1), [13, 17]), true, 'w1');
    const b1 = tf.variable(tf.tensor1d(filled([17], seed + 2)), true, 'b1');
    const w2 = tf.variable(tf.tensor2d(filled([17, 5], seed + 3), [17, 5]), true, 'w2');
    const { grads } = tf.variableGrads(() => {
      const h = tf.fused.matMul({ a: x, b: w1, bias: b1, activation: 'relu' });
      return tf.losses.softmaxCrossEntropy(labels, tf.matMul(h, w2));
    }, [w1, b1, w2]);
    const out: Record<string, Float32Array> = {};
    for (const [k, g] of Object.entries(grads)) out[k] = g.dataSync() as Float32Array;
    for (const v of [w1, b1, w2]) v.dispose();
    return out;
  });
}

/** One RMSprop step of a layers model (dense with bias and relu, then softmax) from fixed weights. */
async function layersStep(seed: number): Promise<Float32Array[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 17, activation: 'relu', inputShape: [13] }),
      tf.layers.dense({ units: 5, activation: 'softmax' }),
    ],
  });
  const start = model.getWeights().map((w, i) => tf.tensor(filled(w.shape, seed + i), w.shape));
  model.setWeights(start);
  tf.dispose(start);
  const optimizer = tf.train.rmsprop(0.01);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(filled([33, 13], seed + 10), [33, 13]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 33 }, (_, i) => (i * 7) % 5), 'int32'), 5);
  await model.trainOnBatch(x, y);
  const after = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return after;
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    worst = Math.max(worst, d);
  }
  expect(worst).toBeLessThan(1e-4);
}

/** See the file comment: the stock fallback loop mishandles a fused bias when it has to run. */
function stockIsWrong(c: Case): boolean {
  const r = c.a.length;
  const [rows, shared] = c.transposeA ? [c.a[r - 1]!, c.a[r - 2]!] : [c.a[r - 2]!, c.a[r - 1]!];
  return c.fused === true && (c.transposeA || c.transposeB) && (rows > 1 || shared > 48);
}

interface BackendIds { numDataIds(): number }
const counts = () => [tf.memory().numTensors, (tf.backend() as unknown as BackendIds).numDataIds()];

const stock = new Map<string, { shape: number[]; values: Float32Array }>();
const cpu = new Map<string, { shape: number[]; values: Float32Array }>();
let stockGrads: Record<string, Float32Array>;
let stockStep: Float32Array[];
/** tfjs-layers 4.22 itself leaves a tensor behind per compiled-and-disposed model. */
let stockStepLeak: number[];
let stockKernel: unknown;
let stockFused: unknown;
let installedFirst: boolean;

beforeAll(async () => {
  tf = await useWasm();
  stockKernel = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  stockFused = tf.getKernel('_FusedMatMul', 'wasm')?.kernelFunc;
  CASES.forEach((c, i) => stock.set(c.name, runCase(c, 100 + i)));
  stockGrads = mlpGrads(7);
  const before = counts();
  stockStep = await layersStep(11);
  stockStepLeak = counts().map((n, i) => n - before[i]!);
  await tf.setBackend('cpu');
  CASES.forEach((c, i) => cpu.set(c.name, runCase(c, 100 + i)));
  await tf.setBackend('wasm');
  installedFirst = installFastWasmMatMul();
});

describe('installFastWasmMatMul', () => {
  it('replaces the wasm BatchMatMul and _FusedMatMul kernels once', () => {
    expect(installedFirst).toBe(true);
    expect(fastWasmMatMulInstalled()).toBe(true);
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).not.toBe(stockKernel);
    expect(tf.getKernel('_FusedMatMul', 'wasm')!.kernelFunc).not.toBe(stockFused);
  });

  it('is harmless to install twice: the second call does nothing and results stay the same', () => {
    const before = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    expect(installFastWasmMatMul()).toBe(false);
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(before);
    const c = CASES.find((x) => x.transposeA && x.transposeB)!;
    expectClose(runCase(c, 100 + CASES.indexOf(c)).values, stock.get(c.name)!.values);
  });

  it('leaves the cpu backend alone', () => {
    expect(fastWasmMatMulInstalled()).toBe(true);
    const cpu = tf.getKernel('BatchMatMul', 'cpu');
    if (cpu) expect(Object.getOwnPropertySymbols(cpu.kernelFunc)).toHaveLength(0);
  });
});

describe('results equal the stock kernels', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const before = counts();
    const r = runCase(c, 100 + i);
    expect(counts()).toEqual(before);
    const ref = cpu.get(c.name)!;
    expect(r.shape).toEqual(ref.shape);
    expectClose(r.values, ref.values);
    if (!stockIsWrong(c)) expectClose(r.values, stock.get(c.name)!.values);
  });

  // Zero operands isolate the bias and the activation; each value is what the stock kernel got wrong.
  it.each([
    ['a bias added once, not once per 48-wide block of the shared size', [1, 100], [3, 100], [1, 2, 3], 'linear', [1, 2, 3]],
    ['a bias per column on every row', [2, 10], [3, 10], [1, 2, 3], 'linear', [1, 2, 3, 1, 2, 3]],
  ] as const)('fused with transposeB: %s', (_name, aShape, bShape, bias, activation, expected) => {
    const r = tf.tidy(() => tf.fused.matMul({
      a: tf.zeros([...aShape]), b: tf.zeros([...bShape]), transposeB: true, bias: tf.tensor1d([...bias]), activation,
    }).dataSync());
    expect(Array.from(r)).toEqual(expected);
  });

  it('fused relu with transposeB clamps the whole sum, not partial sums', () => {
    const b = new Float32Array(96).map((_, i) => (i < 48 ? -1 : 1));
    const r = tf.tidy(() => tf.fused.matMul({ a: tf.ones([1, 96]), b: tf.tensor2d(b, [1, 96]), transposeB: true, activation: 'relu' }).arraySync());
    expect(r).toEqual([[0]]);
  });

  it('keeps the stock error for mismatched inner sizes, and leaks nothing', () => {
    const before = counts();
    const a = tf.ones([3, 4]);
    const b = tf.ones([5, 6]);
    expect(() => tf.matMul(a, b, true, false)).toThrow('Error in matMul: inner shapes (3) and (5) of Tensors with shapes 3,4 and 5,6 and transposeA=true and transposeB=false must match.');
    tf.dispose([a, b]);
    expect(counts()).toEqual(before);
  });
});

describe('training is unchanged', () => {
  it('gradients of a hand-written MLP equal the stock gradients', () => {
    const before = counts();
    const g = mlpGrads(7);
    expect(counts()).toEqual(before);
    expect(Object.keys(g).sort()).toEqual(Object.keys(stockGrads).sort());
    for (const k of Object.keys(g)) expectClose(g[k]!, stockGrads[k]!);
  });

  it('one RMSprop step of a layers model gives the stock weights', async () => {
    const before = counts();
    const after = await layersStep(11);
    expect(counts().map((n, i) => n - before[i]!)).toEqual(stockStepLeak);
    expect(after).toHaveLength(stockStep.length);
    after.forEach((w, i) => expectClose(w, stockStep[i]!));
  });
});

describe('uninstallFastWasmMatMul', () => {
  it('restores the stock kernels, after which install works again', () => {
    expect(uninstallFastWasmMatMul()).toBe(true);
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(stockKernel);
    expect(tf.getKernel('_FusedMatMul', 'wasm')!.kernelFunc).toBe(stockFused);
    expect(uninstallFastWasmMatMul()).toBe(false);
    expect(installFastWasmMatMul()).toBe(true);
    expect(fastWasmMatMulInstalled()).toBe(true);
  });
});
