/**
 * Our wasm Conv2DBackpropFilter, Conv2DBackpropInput, MaxPoolGrad and Sum against the cpu backend's
 * kernels (real tfjs). Every expected value is computed by the cpu kernel in beforeAll, then the
 * same inputs run through ours on wasm.
 *
 * Tolerance: |ours - cpu| <= 1e-5 + 1e-4 * max|cpu| over each output. Both sum float32 products
 * in different orders (XNNPACK blocks the sums, cpu loops), over up to a few hundred terms of
 * size <= 1, so disagreements of a few ulps of the largest value are expected, nothing more.
 *
 * Dilations: the gradient kernels of tfjs take none (tf.conv2d's gradient requires dilation 1),
 * so there is nothing to vary. Strides 1 take the XNNPACK convolution paths; the stride-2 and
 * (2, 1) cases take the im2col / col2im paths, or the convolution path with a dilation where the
 * stride leaves no row unread; both are in the table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmConvKernels, uninstallWasmConvKernels, wasmCanTrainConv } from '../../../src/engine/train/wasm-conv.ts';
import { installFastWasmMatMul } from '../../../src/engine/train/wasm-kernels.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';
import { type ConvCase, type Pad, caseName } from '../../helpers/conv-case.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;

const name = caseName;

const CONV: ConvCase[] = [];
for (const pad of ['valid', 'same'] as const) {
  for (const stride of [[1, 1], [2, 2], [2, 1]] as const) {
    CONV.push({ batch: 1, h: 5, w: 5, cin: 1, cout: 1, k: [3, 3], stride, pad });
    CONV.push({ batch: 3, h: 7, w: 6, cin: 3, cout: 4, k: [3, 3], stride, pad });
    CONV.push({ batch: 2, h: 8, w: 8, cin: 8, cout: 16, k: [4, 4], stride, pad });
    CONV.push({ batch: 2, h: 9, w: 7, cin: 5, cout: 3, k: [3, 2], stride, pad });
    CONV.push({ batch: 4, h: 6, w: 6, cin: 2, cout: 6, k: [1, 1], stride, pad });
    CONV.push({ batch: 2, h: 5, w: 5, cin: 3, cout: 2, k: [5, 5], stride, pad });
    // The SIMD paths (kernels/conv-simd.wat): few taps with output channels a multiple of 4
    // (the direct filter gradient: 16 channels in registers, then 4), and input channels a
    // multiple of 4 (im2col in groups of 16 channels, narrow rows taken one column at a time,
    // col2im).
    CONV.push({ batch: 2, h: 7, w: 9, cin: 1, cout: 20, k: [3, 3], stride, pad });
    CONV.push({ batch: 2, h: 6, w: 7, cin: 4, cout: 8, k: [3, 3], stride, pad });
    CONV.push({ batch: 2, h: 6, w: 5, cin: 20, cout: 4, k: [2, 3], stride, pad });
    CONV.push({ batch: 3, h: 6, w: 5, cin: 8, cout: 4, k: [3, 3], stride, pad });
  }
}
// The layers of the notes' CNNs (W4, W6) at batch 1, smaller images for the deeper ones: the cpu
// kernels that give the expected values are slow.
CONV.push({ batch: 2, h: 28, w: 28, cin: 1, cout: 16, k: [3, 3], stride: [1, 1], pad: 'same' });
CONV.push({ batch: 1, h: 14, w: 14, cin: 16, cout: 32, k: [4, 4], stride: [1, 1], pad: 'same' });
CONV.push({ batch: 1, h: 12, w: 12, cin: 32, cout: 64, k: [4, 4], stride: [1, 1], pad: 'valid' });
CONV.push({ batch: 1, h: 13, w: 13, cin: 32, cout: 64, k: [3, 3], stride: [1, 1], pad: 'valid' });
// W4's conv2 and conv3 at batch 3 with 28x28 images: the input gradient runs one image per chunk
// (src/engine/train/wasm-conv-forward.ts imagesPerChunk), so chunk offsets are checked.
CONV.push({ batch: 3, h: 28, w: 28, cin: 16, cout: 32, k: [4, 4], stride: [1, 1], pad: 'same' });
CONV.push({ batch: 3, h: 28, w: 28, cin: 32, cout: 64, k: [4, 4], stride: [1, 1], pad: 'valid' });

interface PoolCase {
  readonly batch: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly size: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pad: Pad;
  /** Small integers, so windows hold ties. */
  readonly ties?: boolean;
}

const poolName = (c: PoolCase) =>
  `x ${c.batch}x${c.h}x${c.w}x${c.c}, pool ${c.size.join('x')}, stride ${c.stride.join(',')}, ${c.pad}${c.ties ? ', with ties' : ''}`;

const POOL: PoolCase[] = [];
for (const pad of ['valid', 'same'] as const) {
  POOL.push({ batch: 2, h: 26, w: 26, c: 32, size: [2, 2], stride: [2, 2], pad });
  POOL.push({ batch: 3, h: 7, w: 5, c: 3, size: [2, 2], stride: [2, 2], pad });
  POOL.push({ batch: 2, h: 8, w: 8, c: 4, size: [3, 3], stride: [1, 1], pad });
  POOL.push({ batch: 1, h: 9, w: 9, c: 2, size: [3, 2], stride: [2, 1], pad });
  POOL.push({ batch: 2, h: 6, w: 6, c: 5, size: [2, 2], stride: [2, 2], pad, ties: true });
  POOL.push({ batch: 2, h: 6, w: 6, c: 5, size: [3, 3], stride: [1, 1], pad, ties: true });
  // Channels a multiple of 4 take the SIMD loop.
  POOL.push({ batch: 2, h: 7, w: 7, c: 8, size: [3, 3], stride: [2, 2], pad, ties: true });
  POOL.push({ batch: 2, h: 6, w: 6, c: 12, size: [2, 2], stride: [2, 2], pad, ties: true });
}

interface SumCase {
  readonly shape: readonly number[];
  readonly axis: number | readonly number[];
  readonly keepDims: boolean;
  readonly dtype: 'float32' | 'int32';
}

/** Sums over two or more leading axes (and empty ones) take our path; the others check that the stock kernel still gets them. */
const SUM: SumCase[] = [
  { shape: [128, 512], axis: 0, keepDims: false, dtype: 'float32' },
  { shape: [64, 26, 26, 32], axis: [0, 1, 2], keepDims: false, dtype: 'float32' },
  { shape: [3, 4, 5, 6], axis: [1, 0], keepDims: false, dtype: 'float32' },
  { shape: [3, 4, 5, 6], axis: [-4, -3, -2], keepDims: true, dtype: 'float32' },
  { shape: [3, 4, 5], axis: [0], keepDims: true, dtype: 'float32' },
  { shape: [3, 4, 5], axis: 1, keepDims: false, dtype: 'float32' },
  { shape: [3, 4, 5], axis: [0, 2], keepDims: false, dtype: 'float32' },
  { shape: [3, 4, 5], axis: [0, 1, 2], keepDims: false, dtype: 'float32' },
  { shape: [0, 4], axis: 0, keepDims: false, dtype: 'float32' },
  // Columns a multiple of 4 take the SIMD loop: 16 at a time, then 4.
  { shape: [5, 3, 4, 20], axis: [0, 1, 2], keepDims: false, dtype: 'float32' },
  { shape: [7, 6, 36], axis: [0, 1], keepDims: false, dtype: 'float32' },
  { shape: [0, 3, 8], axis: [0, 1], keepDims: false, dtype: 'float32' },
  { shape: [6, 7], axis: 0, keepDims: false, dtype: 'int32' },
];
const sumName = (c: SumCase) => `${c.dtype} [${c.shape.join(', ')}] over ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''}`;

function sumOf(c: SumCase, seed: number): Out {
  return tf.tidy(() => {
    const v = filled(c.shape, seed);
    const x = c.dtype === 'int32' ? tf.tensor(Int32Array.from(v, (f) => Math.round(f * 100)), [...c.shape], 'int32') : tf.tensor(v, [...c.shape]);
    const out = tf.sum(x, c.axis as number | number[], c.keepDims);
    return { shape: out.shape, values: Float32Array.from(out.dataSync()) };
  });
}

function filled(shape: readonly number[], seed: number, ties = false): Float32Array {
  const rand = mulberry32(seed);
  const v = new Float32Array(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < v.length; i++) v[i] = ties ? Math.floor(rand() * 3) : rand() * 2 - 1;
  return v;
}

function outSize(size: number, k: number, stride: number, pad: Pad): number {
  return pad === 'same' ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride);
}

function convShapes(c: ConvCase) {
  const x = [c.batch, c.h, c.w, c.cin];
  const filter = [c.k[0], c.k[1], c.cin, c.cout];
  const dy = [c.batch, outSize(c.h, c.k[0], c.stride[0], c.pad), outSize(c.w, c.k[1], c.stride[1], c.pad), c.cout];
  return { x, filter, dy };
}

interface Out { readonly shape: number[]; readonly values: Float32Array }

function run(kernel: string, inputs: Record<string, [number[], Float32Array]>, attrs: Record<string, unknown>): Out {
  return tf.tidy(() => {
    const ins: Record<string, ReturnType<typeof tf.tensor>> = {};
    for (const [k, [shape, values]] of Object.entries(inputs)) ins[k] = tf.tensor(values, shape);
    const out = tf.engine().runKernel(kernel, ins, attrs as never) as ReturnType<typeof tf.tensor>;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

function filterGrad(c: ConvCase, seed: number): Out {
  const s = convShapes(c);
  return run('Conv2DBackpropFilter', { x: [s.x, filled(s.x, seed)], dy: [s.dy, filled(s.dy, seed + 1)] },
    { strides: [...c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: s.filter });
}

function inputGrad(c: ConvCase, seed: number): Out {
  const s = convShapes(c);
  return run('Conv2DBackpropInput', { dy: [s.dy, filled(s.dy, seed + 1)], filter: [s.filter, filled(s.filter, seed + 2)] },
    { strides: [...c.stride], pad: c.pad, dataFormat: 'NHWC', inputShape: s.x });
}

function poolGrad(c: PoolCase, seed: number): Out {
  return tf.tidy(() => {
    const x = tf.tensor4d(filled([c.batch, c.h, c.w, c.c], seed, c.ties), [c.batch, c.h, c.w, c.c]);
    const y = tf.maxPool(x, [...c.size], [...c.stride], c.pad);
    const dy = tf.tensor(filled(y.shape, seed + 1), y.shape);
    const out = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y },
      { filterSize: [...c.size], strides: [...c.stride], pad: c.pad }) as ReturnType<typeof tf.tensor>;
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

function expectClose(actual: Out, expected: Out): void {
  expect(actual.shape).toEqual(expected.shape);
  let scale = 0;
  for (const v of expected.values) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < actual.values.length; i++) worst = Math.max(worst, Math.abs(actual.values[i]! - expected.values[i]!));
  expect(worst).toBeLessThanOrEqual(1e-5 + 1e-4 * scale);
}

/**
 * One Adam step of a small CNN (conv with relu and bias, max pool, strided conv, dense) from fixed
 * weights; returns the weights after it. Every gradient kernel above takes part.
 */
async function cnnStep(seed: number): Promise<Float32Array[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [9, 9, 2] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 2, strides: 2, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const start = model.getWeights().map((w, i) => tf.tensor(filled(w.shape, seed + i), w.shape));
  model.setWeights(start);
  tf.dispose(start);
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(filled([7, 9, 9, 2], seed + 10), [7, 9, 9, 2]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 7 }, (_, i) => i % 3), 'int32'), 3);
  await model.trainOnBatch(x, y);
  const after = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return after;
}

interface BackendIds { numDataIds(): number }
const counts = () => [tf.memory().numTensors, (tf.backend() as unknown as BackendIds).numDataIds()];

const cpu = new Map<string, Out>();
let stockInput: unknown;
let stockPool: unknown;
let stockSum: unknown;
let installedFirst: boolean;
let missingBefore: boolean;
let cpuStep: Float32Array[];

beforeAll(async () => {
  tf = await useWasm();
  missingBefore = tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined;
  stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc;
  stockPool = tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc;
  stockSum = tf.getKernel('Sum', 'wasm')?.kernelFunc;
  await tf.setBackend('cpu');
  CONV.forEach((c, i) => {
    cpu.set(`filter ${name(c)}`, filterGrad(c, 10 * i));
    cpu.set(`input ${name(c)}`, inputGrad(c, 10 * i));
  });
  POOL.forEach((c, i) => cpu.set(`pool ${poolName(c)}`, poolGrad(c, 10 * i)));
  SUM.forEach((c, i) => cpu.set(`sum ${sumName(c)}`, sumOf(c, 10 * i)));
  cpuStep = await cnnStep(3);
  await tf.setBackend('wasm');
  installFastWasmMatMul();
  installedFirst = installWasmConvKernels();
}, 300_000);

describe('installWasmConvKernels', () => {
  it('adds the missing Conv2DBackpropFilter and replaces Conv2DBackpropInput, MaxPoolGrad and Sum once', () => {
    expect(missingBefore).toBe(true);
    expect(installedFirst).toBe(true);
    expect(wasmCanTrainConv()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).not.toBe(stockInput);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc).not.toBe(stockPool);
    expect(tf.getKernel('Sum', 'wasm')!.kernelFunc).not.toBe(stockSum);
    expect(installWasmConvKernels()).toBe(false);
  });
});

describe('Conv2DBackpropFilter equals the cpu kernel', () => {
  it.each(CONV.map((c, i) => [name(c), c, i] as const))('%s', (_n, c, i) => {
    const before = counts();
    const r = filterGrad(c, 10 * i);
    expect(counts()).toEqual(before);
    expectClose(r, cpu.get(`filter ${name(c)}`)!);
  });
});

describe('Conv2DBackpropInput equals the cpu kernel', () => {
  it.each(CONV.map((c, i) => [name(c), c, i] as const))('%s', (_n, c, i) => {
    const before = counts();
    const r = inputGrad(c, 10 * i);
    expect(counts()).toEqual(before);
    expectClose(r, cpu.get(`input ${name(c)}`)!);
  });
});

describe('MaxPoolGrad equals the cpu kernel', () => {
  it.each(POOL.map((c, i) => [poolName(c), c, i] as const))('%s', (_n, c, i) => {
    const before = counts();
    const r = poolGrad(c, 10 * i);
    expect(counts()).toEqual(before);
    const ref = cpu.get(`pool ${poolName(c)}`)!;
    // Non-overlapping windows add each gradient once, to the same input as cpu: bit for bit.
    if (c.stride[0] >= c.size[0] && c.stride[1] >= c.size[1]) expect(Array.from(r.values)).toEqual(Array.from(ref.values));
    else expectClose(r, ref);
  });
});

describe('Sum equals the cpu kernel', () => {
  it.each(SUM.map((c, i) => [sumName(c), c, i] as const))('%s', (_n, c, i) => {
    const before = counts();
    const r = sumOf(c, 10 * i);
    expect(counts()).toEqual(before);
    expectClose(r, cpu.get(`sum ${sumName(c)}`)!);
  });
});

describe('training a CNN on wasm', () => {
  it('one Adam step gives the weights the cpu backend gives', async () => {
    const after = await cnnStep(3);
    expect(after).toHaveLength(cpuStep.length);
    after.forEach((w, i) => expectClose({ shape: [w.length], values: w }, { shape: [w.length], values: cpuStep[i]! }));
  });

  it('lowers the loss over a few steps and keeps no tensor behind between steps', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [12, 12, 1], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    // Class 1 images are bright in the top half, class 0 in the bottom half.
    const n = 32;
    const pixels = new Float32Array(n * 144);
    const labels: number[] = [];
    const rand = mulberry32(5);
    for (let i = 0; i < n; i++) {
      const top = i % 2;
      labels.push(top);
      for (let p = 0; p < 144; p++) pixels[i * 144 + p] = ((p < 72) === (top === 1) ? 0.8 : 0.1) + 0.1 * rand();
    }
    const x = tf.tensor4d(pixels, [n, 12, 12, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
    const losses: number[] = [];
    losses.push((await model.trainOnBatch(x, y)) as number);
    const after1 = counts();
    for (let s = 0; s < 15; s++) losses.push((await model.trainOnBatch(x, y)) as number);
    expect(counts()).toEqual(after1);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  });
});

describe('errors', () => {
  it('refuses NCHW with a message naming the kernel', () => {
    const before = counts();
    expect(() => run('Conv2DBackpropFilter', { x: [[1, 1, 4, 4], filled([16], 1)], dy: [[1, 1, 2, 2], filled([4], 2)] },
      { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 1, 1] }))
      .toThrow("Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, but got 'NCHW'");
    expect(counts()).toEqual(before);
  });
});

describe('uninstallWasmConvKernels', () => {
  it('restores the stock kernels and removes the filter gradient; install works again', () => {
    expect(uninstallWasmConvKernels()).toBe(true);
    expect(wasmCanTrainConv()).toBe(false);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(stockInput);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc).toBe(stockPool);
    expect(tf.getKernel('Sum', 'wasm')!.kernelFunc).toBe(stockSum);
    expect(uninstallWasmConvKernels()).toBe(false);
    expect(installWasmConvKernels()).toBe(true);
  });
});
