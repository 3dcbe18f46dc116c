/**
 * Our wasm Conv2D (im2col + our GEMM's FMA build, src/engine/train/wasm-conv-forward.ts) against
 * the cpu backend's convolution and the stock wasm kernel (XNNPACK) on the same inputs (real tfjs).
 *
 * Tolerance: |ours - ref| <= 1e-5 + 1e-4 * max|ref| over each output, as in wasm-conv.test.ts:
 * the kernels sum up to a few hundred float32 products of size <= 1 in different orders (and ours
 * with one rounding per multiply-add), so a few ulps of the largest value, nothing more.
 *
 * The FMA build needs relaxed SIMD, behind a V8 flag in Node 20: set here before anything
 * compiles the GEMM, as the Node workers set it. Input channels not a multiple of 4 go to the
 * stock kernel; both kinds are in the table.
 */
import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmConvKernels } from '../../../src/engine/train/wasm-conv.ts';
import { imagesPerChunk, setConvChunk } from '../../../src/engine/train/wasm-conv-forward.ts';
import { installFastWasmMatMul } from '../../../src/engine/train/wasm-kernels.ts';
import { gemmFor, relaxedSimdSupported } from '../../../src/engine/train/kernels/gemm.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';
import { type ConvCase, caseName } from '../../helpers/conv-case.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd');

let tf: Awaited<ReturnType<typeof useWasm>>;

type Case = ConvCase;
const name = caseName;

const CASES: Case[] = [];
for (const pad of ['valid', 'same'] as const) {
  for (const stride of [[1, 1], [2, 2], [2, 1]] as const) {
    CASES.push({ batch: 2, h: 6, w: 7, cin: 4, cout: 8, k: [3, 3], stride, pad });
    CASES.push({ batch: 3, h: 6, w: 5, cin: 20, cout: 5, k: [2, 3], stride, pad });
    CASES.push({ batch: 1, h: 5, w: 9, cin: 8, cout: 13, k: [1, 1], stride, pad });
    CASES.push({ batch: 2, h: 7, w: 7, cin: 3, cout: 4, k: [3, 3], stride, pad });
  }
  CASES.push({ batch: 2, h: 9, w: 8, cin: 4, cout: 6, k: [3, 2], stride: [1, 1], pad, dilation: [2, 2] });
}
// The W4 CNN's conv2 at batch 3 (the trainer's case), and its conv1 (1 channel: stock).
CASES.push({ batch: 3, h: 13, w: 13, cin: 32, cout: 64, k: [3, 3], stride: [1, 1], pad: 'valid' });
CASES.push({ batch: 2, h: 28, w: 28, cin: 1, cout: 32, k: [3, 3], stride: [1, 1], pad: 'valid' });
const BIG = CASES.length - 2;
// The notes' W4: conv1 (1 channel, 3x3 same: stock), conv2 (4x4 same: padding 1 before, 2 after)
// and conv3 at 28x28, batch 3: one image per chunk of im2col + GEMM, so chunk offsets are checked.
CASES.push({ batch: 2, h: 28, w: 28, cin: 1, cout: 16, k: [3, 3], stride: [1, 1], pad: 'same' });
CASES.push({ batch: 3, h: 28, w: 28, cin: 16, cout: 32, k: [4, 4], stride: [1, 1], pad: 'same' });
CASES.push({ batch: 3, h: 28, w: 28, cin: 32, cout: 64, k: [4, 4], stride: [1, 1], pad: 'valid' });

function filled(shape: readonly number[], seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rand() * 2 - 1);
}

interface Out { readonly shape: number[]; readonly values: Float32Array }

function conv(c: Case, seed: number): Out {
  return tf.tidy(() => {
    const x = tf.tensor4d(filled([c.batch, c.h, c.w, c.cin], seed), [c.batch, c.h, c.w, c.cin]);
    const f = tf.tensor4d(filled([...c.k, c.cin, c.cout], seed + 1), [c.k[0], c.k[1], c.cin, c.cout]);
    const y = tf.conv2d(x, f, [...c.stride], c.pad, 'NHWC', c.dilation ? [...c.dilation] : 1);
    return { shape: y.shape, values: y.dataSync() as Float32Array };
  });
}

function worstError(actual: Out, expected: Out): number {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < actual.values.length; i++) worst = Math.max(worst, Math.abs(actual.values[i]! - expected.values[i]!));
  return worst;
}

function expectClose(actual: Out, expected: Out): void {
  let scale = 0;
  for (const v of expected.values) scale = Math.max(scale, Math.abs(v));
  expect(worstError(actual, expected)).toBeLessThanOrEqual(1e-5 + 1e-4 * scale);
}

interface BackendIds { numDataIds(): number }
const counts = () => [tf.memory().numTensors, (tf.backend() as unknown as BackendIds).numDataIds()];

const cpu: Out[] = [];
const stock: Out[] = [];
let stockKernel: unknown;

beforeAll(async () => {
  tf = await useWasm();
  await tf.setBackend('cpu');
  CASES.forEach((c, i) => cpu.push(conv(c, 10 * i)));
  await tf.setBackend('wasm');
  stockKernel = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  CASES.forEach((c, i) => stock.push(conv(c, 10 * i)));
  installFastWasmMatMul();
  installWasmConvKernels();
}, 300_000);

describe('Conv2D on wasm by im2col + GEMM', () => {
  it('is installed and its GEMM is the FMA build', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(gemmFor(tf.backend())?.variant).toBe('relaxed');
    expect(tf.getKernel('Conv2D', 'wasm')!.kernelFunc).not.toBe(stockKernel);
  });

  it.each(CASES.map((c, i) => [name(c), c, i] as const))('%s equals the cpu and stock kernels', (_n, c, i) => {
    const before = counts();
    const r = conv(c, 10 * i);
    expect(counts()).toEqual(before);
    expectClose(r, cpu[i]!);
    expectClose(r, stock[i]!);
  });

  it('runs our product for conv2 (not bit for bit XNNPACK) and the stock kernel for 1 channel', () => {
    // One rounding per multiply-add and another order of sums: some of conv2's 7,744 outputs
    // differ in their last bits from XNNPACK's. A first layer on 1 channel stays on XNNPACK.
    expect(worstError(conv(CASES[BIG]!, 10 * BIG), stock[BIG]!)).toBeGreaterThan(0);
    expect(worstError(conv(CASES[BIG + 1]!, 10 * (BIG + 1)), stock[BIG + 1]!)).toBe(0);
  });
});

describe('setConvChunk', () => {
  it('sets the images per chunk that Conv2D and both gradients read, and returns the previous size', () => {
    const was = setConvChunk(1000);
    try {
      expect(imagesPerChunk(300, 8)).toBe(3);
      expect(imagesPerChunk(5000, 8)).toBe(1); // at least one image
      expect(setConvChunk(Infinity)).toBe(1000);
      expect(imagesPerChunk(5000, 8)).toBe(8); // the whole batch at once
    } finally {
      setConvChunk(was);
    }
    expect(imagesPerChunk(1, 1e9)).toBe(was);
  });
});
