/**
 * Conv2D (the forward convolution) for the wasm backend as im2col + our GEMM: colsT[K, M] built
 * by the SIMD im2col (kernels/conv-simd.wat, as the filter gradient builds it), then
 * out[M, Cout] = colsTᵀ · W[K, Cout] by kernels/gemm.wat, reading colsT transposed in place.
 *
 * Why: the stock kernel is XNNPACK's convolution, plain SIMD without FMA and its weights packed
 * anew for every new filter tensor (every step in training). For the W4 CNN's conv2
 * (13x13x32 -> 64, 3x3, batch 64: 285 MFLOP) it took 21-32 ms of CPU here (9-13 GFLOP/s); the
 * GEMM's FMA build runs that product at 23-26 GFLOP/s, its rate on large square products
 * (bench/wasm-matmul-shapes.ts), plus ~3 ms for im2col. Taken only for the GEMM's relaxed
 * (FMA) build and input channels a multiple of 4 (the SIMD im2col's case); everything else,
 * including a first layer on 1-3 channels, stays on the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvGeometry, convGeometry, positions, taps } from './kernels/im2col.ts';
import { IM2COL_GROUP, convSimdFor } from './kernels/wasm-conv-simd.ts';
import { type Gemm, gemmFor } from './kernels/gemm.ts';

type KernelParams = Parameters<tf.KernelFunc>[0];

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** The GEMM this kernel uses, or null (then the stock kernel runs): the FMA build only. */
function fmaGemm(backend: unknown): Gemm | null {
  const g = gemmFor(backend);
  return g !== null && g.variant === 'relaxed' ? g : null;
}

/** The convolution's geometry, or null for what this kernel leaves to the stock one. */
function geometryOf(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: tf.NamedAttrMap): ConvGeometry | null {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  if (((attrs['dataFormat'] as string | undefined) ?? 'NHWC') !== 'NHWC' || filter.shape[2] !== x.shape[3]) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs['strides'] as number | [number, number],
    (attrs['dilations'] as number | [number, number] | undefined) ?? 1,
    attrs['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  return convGeometry(info);
}

/** Floats of colsT per chunk of images (at least one image): about half of a 1 MB L2. */
let chunkFloats = 128 * 1024;

/**
 * Sets the chunk size in floats for Conv2D and both its gradients (wasm-conv.ts reads it through
 * imagesPerChunk); for benchmarks, Infinity: the whole batch at once. Returns the previous one.
 */
export function setConvChunk(floats: number): number {
  const previous = chunkFloats;
  chunkFloats = floats;
  return previous;
}

/**
 * Images per chunk when each image's im2col matrix (or its gradient) has `floatsPerImage`
 * floats: as many as fit in the chunk size, at least one, at most the batch.
 */
export function imagesPerChunk(floatsPerImage: number, batch: number): number {
  return Math.max(1, Math.min(batch, Math.floor(chunkFloats / floatsPerImage)));
}

/** Whether some tap of some output position falls in the padding (outside the input). */
function readsPadding(g: ConvGeometry): boolean {
  return g.padTop > 0 || g.padLeft > 0 ||
    (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH - g.padTop >= g.inH ||
    (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW - g.padLeft >= g.inW;
}

/** A Conv2D kernel function: im2col + GEMM where it pays (see above), else `stock`. */
export function conv2DForwardKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (params: KernelParams) => {
    const { inputs, attrs, backend } = params;
    const x = inputs['x'];
    const filter = inputs['filter'];
    if (x === undefined || filter === undefined) return stock(params);
    const g = geometryOf(x, filter, attrs ?? {});
    const simd = convSimdFor(backend);
    const gemm = fmaGemm(backend);
    if (g === null || g.inC % 4 !== 0 || simd === null || gemm === null) return stock(params);
    const M = positions(g);
    const K = taps(g);
    if (M === 0 || K === 0 || g.outC === 0) return stock(params);
    const b = backend as unknown as WasmHeapBackend;
    const out = b.makeOutput([g.batch, g.outH, g.outW, g.outC], 'float32');
    // A few images at a time, so colsT stays in cache between im2col writing it and the GEMM
    // packing it (W4's conv3 on a whole batch: an 80 MB colsT, written and read back from memory).
    const perImage = g.outH * g.outW;
    const chunk = imagesPerChunk(K * perImage, g.batch);
    const cols = b.makeOutput([K, chunk * perImage], 'float32');
    const pads = readsPadding(g);
    const xStride = g.inH * g.inW * g.inC * 4;
    const outStride = perImage * g.outC * 4;
    try {
      for (let n0 = 0; n0 < g.batch; n0 += chunk) {
        const nb = Math.min(chunk, g.batch - n0);
        const m = nb * perImage;
        // Views after the allocations and per chunk: growing the heap (the GEMM's workspace)
        // detaches older ones.
        const colsView = b.typedArrayFromHeap(cols);
        if (pads) colsView.fill(0, 0, K * m);
        simd.im2col_t(b.typedArrayFromHeap(x).byteOffset + n0 * xStride, colsView.byteOffset, nb, g.inH, g.inW, g.inC, g.outH, g.outW,
          g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, IM2COL_GROUP);
        gemm.matmul(colsView.byteOffset, b.typedArrayFromHeap(filter).byteOffset, b.typedArrayFromHeap(out).byteOffset + n0 * outStride,
          m, g.outC, K, true, false);
      }
    } catch (e) {
      // e.g. no room on the heap for the GEMM's workspace: nothing of ours stays allocated
      b.disposeData(out.dataId);
      throw e;
    } finally {
      b.disposeData(cols.dataId);
    }
    return out;
  };
}
