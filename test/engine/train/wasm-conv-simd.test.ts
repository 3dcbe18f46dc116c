/**
 * The SIMD loops of kernels/conv-simd.wat against their JS twins (pool.ts, wasm-sum.ts,
 * im2col.ts), bit for bit, on tensors of the wasm backend's heap: the same operations in the same
 * order of additions, so any difference is a bug. (The direct filter gradient has no JS twin: it
 * is checked against the cpu kernel in wasm-conv.test.ts.) Inputs hold ties, NaN, -Infinity and
 * -0 where the loops have to treat them the way the JS does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConvSimd, IM2COL_GROUP, convSimdFor } from '../../../src/engine/train/kernels/wasm-conv-simd.ts';
import { maxPoolBackprop, type PoolGeometry } from '../../../src/engine/train/kernels/pool.ts';
import { sumRows } from '../../../src/engine/train/kernels/wasm-sum.ts';
import { type ConvGeometry, col2imAdd, im2colT, positions, taps } from '../../../src/engine/train/kernels/im2col.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
let simd: ConvSimd;

interface HeapBackend { typedArrayFromHeap(t: unknown): Float32Array }
const heap = (t: unknown) => (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(t);

/** Values in [-1, 1); with `special`, also ties (small integers), NaN, -Infinity and -0. */
function values(n: number, seed: number, special = false): Float32Array {
  const rand = mulberry32(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (!special) v[i] = r * 2 - 1;
    else if (r < 0.05) v[i] = NaN;
    else if (r < 0.1) v[i] = -Infinity;
    else if (r < 0.15) v[i] = -0;
    else v[i] = Math.floor(r * 4) - 2;
  }
  return v;
}

/** A tensor on the wasm heap holding `v`. */
const onHeap = (v: Float32Array) => tf.tensor(v);

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

beforeAll(async () => {
  tf = await useWasm();
  const s = convSimdFor(tf.backend());
  if (s === null) throw new Error('expected wasm SIMD in Node 20');
  simd = s;
});

interface PoolCase extends PoolGeometry { readonly special: boolean }

function pool(batch: number, inH: number, inW: number, channels: number, k: [number, number], stride: [number, number], pad: [number, number], special = false): PoolCase {
  const outH = Math.floor((inH + 2 * pad[0] - k[0]) / stride[0]) + 1;
  const outW = Math.floor((inW + 2 * pad[1] - k[1]) / stride[1]) + 1;
  return { batch, inH, inW, channels, outH, outW, kH: k[0], kW: k[1], strideH: stride[0], strideW: stride[1], padTop: pad[0], padLeft: pad[1], special };
}

const POOLS: PoolCase[] = [
  pool(2, 26, 26, 32, [2, 2], [2, 2], [0, 0]),
  pool(2, 11, 11, 64, [2, 2], [2, 2], [0, 0]),
  pool(3, 6, 6, 4, [2, 2], [2, 2], [0, 0], true),
  pool(2, 7, 5, 8, [3, 3], [1, 1], [1, 1], true),
  pool(2, 9, 9, 12, [3, 2], [2, 1], [1, 0], true),
  pool(1, 5, 5, 4, [5, 5], [1, 1], [0, 0], true),
];

describe('maxpool2x2_grad gives the bits of maxPoolBackprop', () => {
  it.each([
    pool(2, 26, 26, 32, [2, 2], [2, 2], [0, 0]),
    pool(2, 11, 11, 64, [2, 2], [2, 2], [0, 0], true),
    pool(3, 6, 8, 4, [2, 2], [2, 2], [0, 0], true),
    pool(2, 7, 5, 12, [2, 2], [2, 2], [0, 0], true),
  ].map((c) => [`${c.batch}x${c.inH}x${c.inW}x${c.channels}${c.special ? ', ties/NaN/-inf/-0' : ''}`, c] as const))('%s', (_n, c) => {
    const xv = values(c.batch * c.inH * c.inW * c.channels, 1, c.special);
    const dyv = values(c.batch * c.outH * c.outW * c.channels, 2, c.special);
    const expected = new Float32Array(xv.length);
    maxPoolBackprop(xv, dyv, c, expected);
    const x = onHeap(xv);
    const dy = onHeap(dyv);
    const dx = tf.zeros([xv.length]);
    simd.maxpool2x2_grad(heap(x).byteOffset, heap(dy).byteOffset, heap(dx).byteOffset, c.batch, c.inH, c.inW, c.channels, c.outH, c.outW);
    expect(bits(heap(dx))).toEqual(bits(expected));
    tf.dispose([x, dy, dx]);
  });
});

describe('maxpool_grad gives the bits of maxPoolBackprop', () => {
  it.each(POOLS.map((c) => [`${c.batch}x${c.inH}x${c.inW}x${c.channels}, ${c.kH}x${c.kW} stride ${c.strideH},${c.strideW} pad ${c.padTop},${c.padLeft}${c.special ? ', ties/NaN/-inf/-0' : ''}`, c] as const))('%s', (_n, c) => {
    const xv = values(c.batch * c.inH * c.inW * c.channels, 1, c.special);
    const dyv = values(c.batch * c.outH * c.outW * c.channels, 2);
    const expected = new Float32Array(xv.length);
    maxPoolBackprop(xv, dyv, c, expected);
    const x = onHeap(xv);
    const dy = onHeap(dyv);
    const dx = tf.zeros([xv.length]);
    simd.maxpool_grad(heap(x).byteOffset, heap(dy).byteOffset, heap(dx).byteOffset, c.batch, c.inH, c.inW, c.channels,
      c.outH, c.outW, c.kH, c.kW, c.strideH, c.strideW, c.padTop, c.padLeft);
    expect(bits(heap(dx))).toEqual(bits(expected));
    tf.dispose([x, dy, dx]);
  });
});

describe('sum_rows gives the bits of sumRows', () => {
  it.each([[1, 4], [3, 16], [1000, 32], [43264 / 4, 20], [17, 36], [0, 8]] as const)('%i rows x %i columns', (rows, cols) => {
    const xv = values(rows * cols, rows + cols);
    const expected = new Float32Array(cols);
    sumRows(xv, rows, cols, expected);
    const x = onHeap(xv.length > 0 ? xv : new Float32Array(1));
    const out = tf.zeros([cols]);
    heap(out).fill(NaN); // every column must be written
    simd.sum_rows(heap(x).byteOffset, rows, cols, heap(out).byteOffset);
    expect(bits(heap(out))).toEqual(bits(expected));
    tf.dispose([x, out]);
  });
});

function conv(batch: number, inH: number, inW: number, inC: number, k: [number, number], stride: [number, number], pad: [number, number], dilation: [number, number] = [1, 1]): ConvGeometry {
  const outH = Math.floor((inH + 2 * pad[0] - (k[0] - 1) * dilation[0] - 1) / stride[0]) + 1;
  const outW = Math.floor((inW + 2 * pad[1] - (k[1] - 1) * dilation[1] - 1) / stride[1]) + 1;
  return {
    batch, inH, inW, inC, outH, outW, outC: 1, kH: k[0], kW: k[1], strideH: stride[0], strideW: stride[1],
    dilationH: dilation[0], dilationW: dilation[1], padTop: pad[0], padLeft: pad[1],
  };
}

const CONVS: ConvGeometry[] = [
  conv(4, 13, 13, 32, [3, 3], [1, 1], [0, 0]),
  conv(2, 8, 9, 4, [3, 3], [1, 1], [1, 1]),
  conv(2, 9, 8, 8, [3, 2], [2, 1], [1, 0]),
  conv(2, 7, 7, 20, [2, 2], [2, 2], [0, 0]),
  conv(2, 6, 5, 12, [3, 3], [1, 1], [0, 0]),
  conv(1, 9, 9, 4, [3, 3], [1, 1], [2, 2], [2, 2]),
  conv(2, 5, 5, 8, [5, 5], [1, 1], [2, 2]),
];

const convName = (g: ConvGeometry) =>
  `${g.batch}x${g.inH}x${g.inW}x${g.inC}, ${g.kH}x${g.kW} stride ${g.strideH},${g.strideW} pad ${g.padTop},${g.padLeft} dilation ${g.dilationH},${g.dilationW}`;

const args = (g: ConvGeometry) => [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW,
  g.dilationH, g.dilationW, g.padTop, g.padLeft] as const;

describe('im2col_t gives the bits of im2colT', () => {
  it.each(CONVS.flatMap((g) => [4, IM2COL_GROUP, 32].map((group) => [`${convName(g)}, groups of ${group}`, g, group] as const)))('%s', (_n, g, group) => {
    const xv = values(g.batch * g.inH * g.inW * g.inC, 3, true);
    const expected = new Float32Array(taps(g) * positions(g));
    im2colT(xv, g, expected);
    const x = onHeap(xv);
    const out = tf.zeros([expected.length]);
    simd.im2col_t(heap(x).byteOffset, heap(out).byteOffset, ...args(g), group);
    expect(bits(heap(out))).toEqual(bits(expected));
    tf.dispose([x, out]);
  });
});

describe('col2im_add gives the bits of col2imAdd', () => {
  it.each(CONVS.map((g) => [convName(g), g] as const))('%s', (_n, g) => {
    const dcols = values(taps(g) * positions(g), 4);
    const expected = new Float32Array(g.batch * g.inH * g.inW * g.inC);
    col2imAdd(dcols, g, expected);
    const d = onHeap(dcols);
    const dx = tf.zeros([expected.length]);
    simd.col2im_add(heap(d).byteOffset, heap(dx).byteOffset, ...args(g));
    expect(bits(heap(dx))).toEqual(bits(expected));
    tf.dispose([d, dx]);
  });
});

describe('ReLU gradient in one kernel', () => {
  /** NaN-aware bits: any NaN compares equal to any NaN (their payloads are not specified). */
  const canonical = (a: Float32Array) => bits(a.map((v) => (Number.isNaN(v) ? NaN : v)));

  it.each([1, 7, 64, 1003])('relu_grad over %i floats gives the bits of mul(dy, cast(step(x)))', (n) => {
    const xv = values(n, 5, true);
    const dyv = values(n, 6, true).map((v, i) => (i % 7 === 0 ? Infinity : v));
    const x = onHeap(xv);
    const dy = onHeap(dyv);
    const expected = tf.mul(dy, tf.cast(tf.step(x), 'float32'));
    const out = tf.zeros([n]);
    simd.relu_grad(heap(x).byteOffset, heap(dy).byteOffset, heap(out).byteOffset, n);
    expect(canonical(heap(out))).toEqual(canonical(expected.dataSync() as Float32Array));
    tf.dispose([x, dy, expected, out]);
  });

  it('tf.grad of relu takes the kernel on wasm and gives what tfjs gives; uninstalled, tfjs computes it again', async () => {
    const { installWasmReluGrad, uninstallWasmReluGrad, RELU_GRAD } = await import('../../../src/engine/train/kernels/relu-grad.ts');
    const xv = values(4 * 5 * 6, 7, true);
    const dyv = values(4 * 5 * 6, 8);
    const x = tf.tensor(xv, [4, 5, 6]);
    const dy = tf.tensor(dyv, [4, 5, 6]);
    const gradOf = () => tf.grad((t: ReturnType<typeof tf.tensor>) => tf.relu(t))(x, dy);
    const expected = tf.mul(dy, tf.cast(tf.step(x), 'float32'));
    installWasmReluGrad();
    let calls = 0;
    const kernel = tf.getKernel(RELU_GRAD, 'wasm')!;
    tf.unregisterKernel(RELU_GRAD, 'wasm');
    tf.registerKernel({ ...kernel, kernelFunc: (p) => { calls++; return kernel.kernelFunc(p); } });
    const before = tf.memory().numTensors;
    const ours = gradOf();
    expect(calls).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(canonical(ours.dataSync() as Float32Array)).toEqual(canonical(expected.dataSync() as Float32Array));
    expect(uninstallWasmReluGrad()).toBe(true);
    expect(tf.getKernel(RELU_GRAD, 'wasm')).toBeUndefined();
    const stock = gradOf();
    expect(calls).toBe(1);
    expect(canonical(stock.dataSync() as Float32Array)).toEqual(canonical(expected.dataSync() as Float32Array));
    expect(installWasmReluGrad()).toBe(true);
    expect(installWasmReluGrad()).toBe(false);
    tf.dispose([x, dy, expected, ours, stock]);
  });
});
