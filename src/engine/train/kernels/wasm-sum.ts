/**
 * Sum over two or more leading axes of a tensor (keeping the last ones) for the wasm backend: the
 * gradient of a conv layer's bias (axes 0-2 of [batch, h, w, c]).
 * The stock kernel first transposes the reduced axes to the end, then sums; one pass down the
 * rows on the heap measured 3x faster here (16 vs 52 ms for a [64, 26, 26, 32] gradient, under
 * load). Sums are accumulated in float64, so they are if anything closer to exact than stock.
 * With a multiple of 4 columns the SIMD loop (conv-simd.wat, the same float64 sums in the same
 * order) does it: [64, 26, 26, 32] took 8.6 ms of CPU in JS.
 */
import * as tf from '@tensorflow/tfjs';
import { convSimdFor } from './wasm-conv-simd.ts';

type KernelParams = Parameters<tf.KernelFunc>[0];

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** out[c] = Σ_r x[r·cols + c] for r < rows. */
export function sumRows(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) acc[c] = acc[c]! + x[i]!;
  }
  out.set(acc);
}

/** How many leading axes `axis` names, if it names exactly a proper, non-empty prefix; else 0. */
export function leadingPrefix(axis: number | number[] | undefined, rank: number): number {
  if (axis === undefined) return 0;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
  if (axes.length === 0 || axes.length >= rank) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/** A Sum kernel function taking float32 leading-axes sums itself and the rest to `stock`. */
export function leadingSumKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (params: KernelParams) => {
    const { inputs, attrs, backend } = params;
    const x = inputs['x'];
    if (x === undefined || x.dtype !== 'float32') return stock(params);
    const lead = leadingPrefix(attrs?.['axis'] as number | number[] | undefined, x.shape.length);
    if (lead === 0) return stock(params);
    const rows = x.shape.slice(0, lead).reduce((p, d) => p * d, 1);
    // One leading axis (a dense layer's bias gradient, [batch, units]): the stock kernel's
    // transpose is small there and it measured faster (CPU time, [128, 512]: 1.0 vs 1.5 ms).
    // (Except with no rows: see below.)
    if (lead === 1 && rows > 0) return stock(params);
    const kept = x.shape.slice(lead);
    const cols = kept.reduce((p, d) => p * d, 1);
    // (No rows: the sum is zero. The stock kernel leaves its output unwritten then, so whatever
    // a freed tensor left in that memory came back; ours writes the zeros.)
    if (cols === 0) return stock(params);
    const b = backend as unknown as WasmHeapBackend;
    const shape = attrs?.['keepDims'] === true ? [...x.shape.slice(0, lead).map(() => 1), ...kept] : [...kept];
    const out = b.makeOutput(shape, 'float32');
    const simd = convSimdFor(backend);
    if (simd !== null && cols % 4 === 0) simd.sum_rows(b.typedArrayFromHeap(x).byteOffset, rows, cols, b.typedArrayFromHeap(out).byteOffset);
    else sumRows(b.typedArrayFromHeap(x), rows, cols, b.typedArrayFromHeap(out));
    return out;
  };
}
