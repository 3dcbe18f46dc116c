/**
 * Convolution gradients for the wasm backend of tfjs 4.22, which has no Conv2DBackpropFilter
 * kernel at all (so Conv2D models could not train on it) and a scalar loop for
 * Conv2DBackpropInput.
 *
 * Both are computed as one large matrix product (tf.BatchMatMul through the registry: see
 * wasm-kernels.ts for why plain, untransposed products): the filter gradient as colsT · dy, the
 * input gradient as dy · Wᵀ followed by a scatter-add (col2im); a filter with few taps sums its
 * gradient straight from x and dy. The data movements run directly on the wasm heap, as wasm
 * SIMD loops (kernels/conv-simd.wat) where the channel counts allow, else in JS through views on
 * the backend's memory: no copies in or out of it.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvGeometry, col2imAdd, convGeometry, im2colT, positions, taps } from './kernels/im2col.ts';
import { maxPoolGradKernel } from './wasm-conv-pool.ts';
import { conv2DForwardKernel, imagesPerChunk } from './wasm-conv-forward.ts';
import { leadingSumKernel } from './kernels/wasm-sum.ts';
import { type ConvSimd, IM2COL_GROUP, convSimdFor } from './kernels/wasm-conv-simd.ts';
import { RELU_GRAD, installWasmReluGrad, uninstallWasmReluGrad } from './kernels/relu-grad.ts';
import { gemmFor } from './kernels/gemm.ts';

const BACKEND = 'wasm';

/** Marks our kernel functions; Symbol.for so two copies of this module still recognise each other. */
const OURS = Symbol.for('sweepsheet.wasm-conv.ours');

type KernelParams = Parameters<tf.KernelFunc>[0];

interface TaggedKernelFunc extends tf.KernelFunc {
  /** The kernel we replaced (null when the backend had none). */
  [OURS]?: tf.KernelConfig | null;
}

/** The slice of tfjs-backend-wasm's BackendWasm we use: its heap allocator and views on it. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}


function convInfo(
  xShape: readonly number[], filterShape: readonly number[], attrs: tf.NamedAttrMap, kernel: string,
): tf.backend_util.Conv2DInfo {
  const dataFormat = tf.backend_util.convertConv2DDataFormat((attrs['dataFormat'] as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC');
  if (dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports dataFormat 'NHWC' only, but got '${String(attrs['dataFormat'])}'`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs['strides'] as number | [number, number],
    1,
    attrs['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    false,
    dataFormat,
  );
}

function single(out: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  return Array.isArray(out) ? out[0]! : out;
}

function zeros(backend: WasmHeapBackend, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  // malloc does not clear: memory of a freed tensor may be handed back.
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/** Runs other wasm kernels and frees their outputs at the end, except the one handed back. */
class Scratch {
  private readonly temps: tf.TensorInfo[] = [];
  constructor(readonly backend: KernelParams['backend']) {}

  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const k = tf.getKernel(name, BACKEND);
    if (k === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
    const out = single(k.kernelFunc({ inputs, backend: this.backend, attrs }));
    this.temps.push(out);
    return out;
  }

  alloc(shape: number[]): tf.TensorInfo {
    const out = (this.backend as unknown as WasmHeapBackend).makeOutput(shape, 'float32');
    this.temps.push(out);
    return out;
  }

  /** Frees every temporary but `keep`. */
  release(keep?: tf.TensorInfo): void {
    for (const t of this.temps) {
      if (t !== keep) (this.backend as unknown as WasmHeapBackend).disposeData(t.dataId);
    }
  }
}

function reshaped(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * Bottom (or right) padding that makes a stride-1 convolution of `size` inputs with a kernel
 * spanning `span` inputs produce exactly `want` outputs; negative when no padding can.
 */
function padAfter(size: number, span: number, padBefore: number, want: number): number {
  return want - 1 + span - size - padBefore;
}

/**
 * The filter gradient as XNNPACK's own convolution (stride 1): with the batch axis made the
 * channel axis, dW[·, kh, kw, ·] = conv(xᵀ[Cin, H, W, N], dyᵀ[OH, OW, N, Cout]) where the
 * forward stride becomes the dilation. Faster than im2col in JS for filters with many taps.
 * Returns null when the geometry needs negative padding (a stride leaving rows unread).
 */
function filterGradByConv(s: Scratch, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo | null {
  if (g.dilationH !== 1 || g.dilationW !== 1) return null;
  const spanH = (g.outH - 1) * g.strideH + 1;
  const spanW = (g.outW - 1) * g.strideW + 1;
  const bottom = padAfter(g.inH, spanH, g.padTop, g.kH);
  const right = padAfter(g.inW, spanW, g.padLeft, g.kW);
  if (bottom < 0 || right < 0) return null;
  const xT = s.run(tf.Transpose, { x }, { perm: [3, 1, 2, 0] });
  const dyT = s.run(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
  const pad = [[0, 0], [g.padTop, bottom], [g.padLeft, right], [0, 0]];
  const dW = s.run(tf.Conv2D, { x: xT, filter: dyT }, {
    strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [g.strideH, g.strideW], dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap);
  return s.run(tf.Transpose, { x: dW }, { perm: [1, 2, 0, 3] });
}

/** The geometry as the SIMD loops take it (after their two pointers). */
function simdArgs(g: ConvGeometry) {
  return [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW,
    g.dilationH, g.dilationW, g.padTop, g.padLeft] as const;
}

/** Whether some tap of some output position falls in the padding (outside the input). */
function readsPadding(g: ConvGeometry): boolean {
  return g.padTop > 0 || g.padLeft > 0 ||
    (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH - g.padTop >= g.inH ||
    (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW - g.padLeft >= g.inW;
}

/**
 * The filter gradient from colsT[K, M], built on the heap (by the SIMD loop when the input
 * channels are a multiple of 4, else in JS), and one product: dyᵀ · cols on our GEMM (dy's zero
 * steps skipped: conv2 of the W4 CNN with a training-like dy, 10 % non-zero, 15.6 -> 10.6 ms of
 * CPU in bench/conv-kernels.ts), else colsT · dy through the registry's BatchMatMul.
 */
function filterGradByIm2col(s: Scratch, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry, simd: ConvSimd | null): tf.TensorInfo {
  const b = s.backend as unknown as WasmHeapBackend;
  const K = taps(g);
  const M = positions(g);
  const chunkGemm = dyAsLeft && simd !== null && g.inC % 4 === 0 ? gemmFor(s.backend) : null;
  if (simd !== null && chunkGemm !== null) return filterGradChunked(s, x, dy, g, simd, chunkGemm);
  const cols = s.alloc([K, M]);
  // Views after the allocation: growing the heap detaches older ones.
  const colsView = b.typedArrayFromHeap(cols);
  if (simd !== null && g.inC % 4 === 0) {
    if (readsPadding(g)) colsView.fill(0);
    simd.im2col_t(b.typedArrayFromHeap(x).byteOffset, colsView.byteOffset, ...simdArgs(g), IM2COL_GROUP);
  } else {
    im2colT(b.typedArrayFromHeap(x), g, colsView);
  }
  const gemm = dyAsLeft ? gemmFor(s.backend) : null;
  if (gemm === null) return s.run(tf.BatchMatMul, { a: cols, b: reshaped(dy, [M, g.outC]) }, { transposeA: false, transposeB: false });
  // dWᵀ[Cout, K] = dyᵀ · colsTᵀ, both read transposed in place, then dWᵀ transposed (Cout·K
  // floats, small): dy as the left operand, whose zero steps the GEMM skips (see dyAsLeft).
  const dwT = s.alloc([g.outC, K]);
  gemm.matmul(b.typedArrayFromHeap(dy).byteOffset, b.typedArrayFromHeap(cols).byteOffset, b.typedArrayFromHeap(dwT).byteOffset,
    g.outC, K, M, true, true);
  return s.run(tf.Transpose, { x: dwT }, { perm: [1, 0] });
}

/**
 * filterGradByIm2col with dy on the left, a few images at a time: each chunk's colsT is built and
 * read back while in cache (W4's conv3 on a whole batch: an 80 MB colsT through memory), its
 * dWᵀ summed into the first chunk's (Cout·K floats per chunk, small beside the product).
 */
function filterGradChunked(s: Scratch, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry, simd: ConvSimd,
  gemm: NonNullable<ReturnType<typeof gemmFor>>): tf.TensorInfo {
  const b = s.backend as unknown as WasmHeapBackend;
  const K = taps(g);
  const perImage = g.outH * g.outW;
  const chunk = imagesPerChunk(K * perImage, g.batch);
  const cols = s.alloc([K, chunk * perImage]);
  const dwT = s.alloc([g.outC, K]);
  const part = chunk < g.batch ? s.alloc([g.outC, K]) : dwT;
  const pads = readsPadding(g);
  const xStride = g.inH * g.inW * g.inC * 4;
  const dyStride = perImage * g.outC * 4;
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const nb = Math.min(chunk, g.batch - n0);
    const m = nb * perImage;
    // Views per chunk: the GEMM's workspace may grow the heap, which detaches older ones.
    const colsView = b.typedArrayFromHeap(cols);
    if (pads) colsView.fill(0, 0, K * m);
    simd.im2col_t(b.typedArrayFromHeap(x).byteOffset + n0 * xStride, colsView.byteOffset, nb, g.inH, g.inW, g.inC,
      g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, IM2COL_GROUP);
    const into = n0 === 0 ? dwT : part;
    gemm.matmul(b.typedArrayFromHeap(dy).byteOffset + n0 * dyStride, colsView.byteOffset, b.typedArrayFromHeap(into).byteOffset,
      g.outC, K, m, true, true);
    if (into !== dwT) {
      const acc = b.typedArrayFromHeap(dwT);
      const add = b.typedArrayFromHeap(part);
      for (let i = 0; i < acc.length; i++) acc[i]! += add[i]!;
    }
  }
  return s.run(tf.Transpose, { x: dwT }, { perm: [1, 0] });
}

/**
 * Whether the im2col filter gradient runs as dyᵀ · cols (dy on the left, where our GEMM skips the
 * steps of k zero in a whole 4-row panel: dy after max-pooling's and ReLU's gradients is mostly
 * zeros) rather than colsT · dy. For benchmarks: setFilterGradDyLeft.
 */
let dyAsLeft = true;

/** Sets whether the filter gradient puts dy on the left (see above); returns the previous setting. */
export function setFilterGradDyLeft(on: boolean): boolean {
  const previous = dyAsLeft;
  dyAsLeft = on;
  return previous;
}

/** Filters with at most this many taps (kH·kW·Cin) take the im2col path for their gradient. */
const IM2COL_MAX_TAPS = 64;

/**
 * Filters with at most this many taps take the direct SIMD loop (no im2col, no product) when
 * their output channels are a multiple of 4. 28x28x1 -> 32, 3x3 at batch 64: 16 ms of CPU by
 * im2col and product (mostly XNNPACK packing dy, 43,264 x 32, as the product's weights).
 */
const DIRECT_MAX_TAPS = 32;

/** The filter gradient accumulated by the SIMD loop straight from x and dy. */
function filterGradDirect(s: Scratch, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry, simd: ConvSimd): tf.TensorInfo {
  const b = s.backend as unknown as WasmHeapBackend;
  const dw = s.alloc([taps(g), g.outC]);
  const dwView = b.typedArrayFromHeap(dw);
  dwView.fill(0);
  simd.filter_grad_direct(b.typedArrayFromHeap(x).byteOffset, b.typedArrayFromHeap(dy).byteOffset, dwView.byteOffset,
    g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW,
    g.dilationH, g.dilationW, g.padTop, g.padLeft);
  return dw;
}

/** dW[kh, kw, ci, co] = Σ over output positions of x at tap (kh, kw, ci) times dy[co]. */
const conv2DBackpropFilter: TaggedKernelFunc = ({ inputs, attrs, backend }: KernelParams) => {
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  const filterShape = (attrs?.['filterShape'] as number[] | undefined) ?? [];
  const g = convGeometry(convInfo(x.shape, filterShape, attrs ?? {}, tf.Conv2DBackpropFilter));
  const b = backend as unknown as WasmHeapBackend;
  if (positions(g) === 0 || taps(g) === 0 || g.outC === 0) return zeros(b, [...filterShape]);
  const s = new Scratch(backend);
  let out: tf.TensorInfo | undefined;
  try {
    // Few taps (a first layer on 1-3 channels): the im2col matrix is small and the convolution
    // path's output is only kH·kW pixels, which XNNPACK tiles poorly. Measured at batch 64 for
    // 28x28x1 -> 32, 3x3: im2col 6 ms, convolution 57 ms; for 13x13x32 -> 64, 3x3 (288 taps):
    // im2col in JS 210 ms, convolution 170 ms (wall time under load). With the SIMD im2col
    // (channels a multiple of 4) the im2col path wins at every size: 13x13x32 -> 64 took
    // 47 ms of CPU by convolution, 26 ms by SIMD im2col (3 ms) and the product.
    const simd = convSimdFor(backend);
    if (simd !== null && taps(g) <= DIRECT_MAX_TAPS && g.outC % 4 === 0) {
      out = filterGradDirect(s, x, dy, g, simd);
    } else {
      const byConv = taps(g) > IM2COL_MAX_TAPS && (simd === null || g.inC % 4 !== 0);
      out = (byConv ? filterGradByConv(s, x, dy, g) : null) ?? filterGradByIm2col(s, x, dy, g, simd);
    }
    return reshaped(out, [...filterShape]);
  } finally {
    s.release(out);
  }
};
conv2DBackpropFilter[OURS] = null;

/**
 * The input gradient of a stride-1 convolution as a convolution of dy with the filter rotated
 * by 180° and its channel axes swapped, on XNNPACK. Null when the padding would be negative.
 */
function inputGradByConv(s: Scratch, dy: tf.TensorInfo, filter: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo | null {
  if (g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return null;
  const top = g.kH - 1 - g.padTop;
  const left = g.kW - 1 - g.padLeft;
  const bottom = padAfter(g.outH, g.kH, top, g.inH);
  const right = padAfter(g.outW, g.kW, left, g.inW);
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  const b = s.backend as unknown as WasmHeapBackend;
  const rotated = s.alloc([g.kH, g.kW, g.outC, g.inC]);
  const w = b.typedArrayFromHeap(filter);
  const r = b.typedArrayFromHeap(rotated);
  const { kH, kW, inC, outC } = g;
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const from = ((kH - 1 - kh) * kW + (kW - 1 - kw)) * inC * outC;
      const to = (kh * kW + kw) * outC * inC;
      for (let ci = 0; ci < inC; ci++) {
        for (let co = 0; co < outC; co++) r[to + co * inC + ci] = w[from + ci * outC + co]!;
      }
    }
  }
  const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
  return s.run(tf.Conv2D, { x: dy, filter: rotated }, {
    strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap);
}

/**
 * dx = col2im(dy[M, Cout] · Wᵀ[Cout, K]): for strides the convolution path cannot take, and for
 * input channels a multiple of 4, where the SIMD col2im makes it the faster path.
 */
function inputGradByCol2im(s: Scratch, dy: tf.TensorInfo, filter: tf.TensorInfo, g: ConvGeometry, inShape: number[], simd: ConvSimd | null): tf.TensorInfo {
  const b = s.backend as unknown as WasmHeapBackend;
  const K = taps(g);
  const M = positions(g);
  const gemm = simd !== null && g.inC % 4 === 0 ? gemmFor(s.backend) : null;
  if (simd !== null && gemm !== null) return inputGradChunked(s, dy, filter, g, inShape, simd, gemm);
  const wT = s.run(tf.Transpose, { x: reshaped(filter, [K, g.outC]) }, { perm: [1, 0] });
  const dcols = s.run(tf.BatchMatMul, { a: reshaped(dy, [M, g.outC]), b: wT }, { transposeA: false, transposeB: false });
  const dx = s.alloc(inShape);
  const dxView = b.typedArrayFromHeap(dx);
  dxView.fill(0);
  if (simd !== null && g.inC % 4 === 0) simd.col2im_add(b.typedArrayFromHeap(dcols).byteOffset, dxView.byteOffset, ...simdArgs(g));
  else col2imAdd(b.typedArrayFromHeap(dcols), g, dxView);
  return dx;
}

/**
 * inputGradByCol2im a few images at a time on our GEMM (Wᵀ read in place), so each chunk's dcols
 * stays in cache between the product writing it and col2im reading it (W4's conv3 on a whole
 * batch: an 80 MB dcols through memory, and a transposed copy of W per call).
 */
function inputGradChunked(s: Scratch, dy: tf.TensorInfo, filter: tf.TensorInfo, g: ConvGeometry, inShape: number[],
  simd: ConvSimd, gemm: NonNullable<ReturnType<typeof gemmFor>>): tf.TensorInfo {
  const b = s.backend as unknown as WasmHeapBackend;
  const K = taps(g);
  const perImage = g.outH * g.outW;
  const chunk = imagesPerChunk(K * perImage, g.batch);
  const dcols = s.alloc([chunk * perImage, K]);
  const dx = s.alloc(inShape);
  b.typedArrayFromHeap(dx).fill(0);
  const dyStride = perImage * g.outC * 4;
  const dxStride = g.inH * g.inW * g.inC * 4;
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const nb = Math.min(chunk, g.batch - n0);
    // Offsets read per chunk: the GEMM's workspace may grow the heap (views detach, offsets stay).
    const dcolsAt = b.typedArrayFromHeap(dcols).byteOffset;
    gemm.matmul(b.typedArrayFromHeap(dy).byteOffset + n0 * dyStride, b.typedArrayFromHeap(filter).byteOffset, dcolsAt,
      nb * perImage, K, g.outC, false, true);
    simd.col2im_add(dcolsAt, b.typedArrayFromHeap(dx).byteOffset + n0 * dxStride, nb, g.inH, g.inW, g.inC, g.outH, g.outW,
      g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft);
  }
  return dx;
}

/** Replaces the stock Conv2DBackpropInput (a scalar loop, measured 7x slower here). */
function conv2DBackpropInputVia(stock: tf.KernelConfig | undefined): TaggedKernelFunc {
  const fn: TaggedKernelFunc = ({ inputs, attrs, backend }: KernelParams) => {
    const dy = inputs['dy']!;
    const filter = inputs['filter']!;
    const inputShape = (attrs?.['inputShape'] as number[] | undefined) ?? [];
    const info = convInfo(inputShape, filter.shape, attrs ?? {}, tf.Conv2DBackpropInput);
    const g = convGeometry(info);
    const b = backend as unknown as WasmHeapBackend;
    if (positions(g) === 0 || taps(g) === 0 || g.outC === 0) return zeros(b, [...info.inShape]);
    const s = new Scratch(backend);
    let out: tf.TensorInfo | undefined;
    try {
      // With the SIMD col2im, the product and the scatter-add beat XNNPACK's convolution of dy
      // with the rotated filter (13x13x32 -> 64, 3x3, batch 64: 34 ms of CPU by convolution,
      // 24 ms for the product plus a few for col2im): the convolution runs over the padded
      // 13x13 output, 1.4x the products.
      const simd = convSimdFor(backend);
      const byConv = simd === null || g.inC % 4 !== 0;
      out = (byConv ? inputGradByConv(s, dy, filter, g) : null) ?? inputGradByCol2im(s, dy, filter, g, [...info.inShape], simd);
      return reshaped(out, [...info.inShape]);
    } finally {
      s.release(out);
    }
  };
  fn[OURS] = stock ?? null;
  return fn;
}

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && (config.kernelFunc as TaggedKernelFunc)[OURS] !== undefined;
}

const CONV_KERNELS = [tf.Conv2D, tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.Sum] as const;

/** The kernels installWasmConvKernels registers (RELU_GRAD: with the Relu gradient that uses it). */
export type WasmConvKernel = (typeof CONV_KERNELS)[number] | typeof RELU_GRAD;

const ALL_KERNELS: readonly WasmConvKernel[] = [...CONV_KERNELS, RELU_GRAD];

function ourKernel(name: (typeof CONV_KERNELS)[number], stock: tf.KernelConfig | undefined): tf.KernelFunc {
  switch (name) {
    case tf.Conv2D: {
      if (stock === undefined) throw new Error('the wasm backend has no Conv2D kernel');
      const fn: TaggedKernelFunc = conv2DForwardKernel(stock.kernelFunc);
      fn[OURS] = stock;
      return fn;
    }
    case tf.Conv2DBackpropFilter: return conv2DBackpropFilter;
    case tf.Conv2DBackpropInput: return conv2DBackpropInputVia(stock);
    case tf.MaxPoolGrad: {
      const fn: TaggedKernelFunc = maxPoolGradKernel(stock?.kernelFunc);
      fn[OURS] = stock ?? null;
      return fn;
    }
    case tf.Sum: {
      if (stock === undefined) throw new Error('the wasm backend has no Sum kernel');
      const fn: TaggedKernelFunc = leadingSumKernel(stock.kernelFunc);
      fn[OURS] = stock;
      return fn;
    }
  }
}

/**
 * Registers our Conv2DBackpropFilter (missing from tfjs-backend-wasm 4.22) and replaces its
 * Conv2D (im2col + our GEMM where its FMA build runs: wasm-conv-forward.ts; else the stock
 * kernel), Conv2DBackpropInput, MaxPoolGrad and Sum (for bias gradients: sums over leading axes, see
 * kernels/wasm-sum.ts), so Conv2D layers train on wasm, and faster; and ReLU's gradient as one
 * kernel (kernels/relu-grad.ts). Call after '@tensorflow/tfjs-backend-wasm' has been imported;
 * before or after tf.setBackend('wasm').
 *
 * @param only a subset to install (benchmarks measure each replacement against stock with it);
 *   all of them by default.
 * @returns true if it registered a kernel now; false if ours were already there or the wasm
 *   backend is not registered in this tfjs instance.
 */
export function installWasmConvKernels(only: readonly WasmConvKernel[] = ALL_KERNELS): boolean {
  if (tf.findBackendFactory(BACKEND) === null || tf.getKernel(tf.Transpose, BACKEND) === undefined) return false;
  let installed = only.includes(RELU_GRAD) && installWasmReluGrad();
  for (const name of CONV_KERNELS.filter((k) => only.includes(k))) {
    const current = tf.getKernel(name, BACKEND);
    if (isOurs(current)) continue;
    if (current !== undefined) tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: ourKernel(name, current) });
    installed = true;
  }
  return installed;
}

/**
 * Puts back what the wasm backend had before (for comparisons and tests): the stock
 * Conv2D, Conv2DBackpropInput, MaxPoolGrad and Sum, no Conv2DBackpropFilter, tfjs' Relu gradient.
 *
 * @returns true if it removed a kernel of ours.
 */
export function uninstallWasmConvKernels(): boolean {
  let removed = uninstallWasmReluGrad();
  for (const name of CONV_KERNELS) {
    const current = tf.getKernel(name, BACKEND);
    if (current === undefined || !isOurs(current)) continue;
    const stock = (current.kernelFunc as TaggedKernelFunc)[OURS];
    tf.unregisterKernel(name, BACKEND);
    if (stock) tf.registerKernel(stock);
    removed = true;
  }
  return removed;
}

/** Whether Conv2D layers can train on wasm in this tfjs instance (our kernels are registered). */
export function wasmCanTrainConv(): boolean {
  return tf.getKernel(tf.Conv2DBackpropFilter, BACKEND) !== undefined;
}
