/**
 * MaxPoolGrad for the wasm backend: the stock kernel took a third of a CNN's training step here
 * (127 ms of 398 ms for a batch of 64 through two 2x2 pools). The loop over the heap views in
 * JS (kernels/pool.ts) still took 29 ms of CPU for [64, 26, 26, 32]; with channels a multiple of
 * 4 the SIMD loop (kernels/conv-simd.wat) does it, with the same bits. Same tie-breaking as the
 * cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { maxPoolBackprop, type PoolGeometry } from './kernels/pool.ts';
import { convSimdFor } from './kernels/wasm-conv-simd.ts';

type KernelParams = Parameters<tf.KernelFunc>[0];

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** A MaxPoolGrad kernel function; anything but float32 NHWC goes to `stock`. */
export function maxPoolGradKernel(stock: tf.KernelFunc | undefined): tf.KernelFunc {
  return (params: KernelParams) => {
    const { inputs, attrs, backend } = params;
    const dy = inputs['dy']!;
    const input = inputs['input']!;
    if ((input.dtype !== 'float32' || dy.dtype !== 'float32') && stock) return stock(params);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs?.['filterSize'] as number | [number, number],
      attrs?.['strides'] as number | [number, number],
      1,
      attrs?.['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
      attrs?.['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
    const g: PoolGeometry = {
      batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, channels: info.inChannels,
      outH: info.outHeight, outW: info.outWidth, kH: info.filterHeight, kW: info.filterWidth,
      strideH: info.strideHeight, strideW: info.strideWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
    };
    const b = backend as unknown as WasmHeapBackend;
    const dx = b.makeOutput([...input.shape], 'float32');
    const dxView = b.typedArrayFromHeap(dx);
    const simd = convSimdFor(backend);
    const vector = simd !== null && g.channels % 4 === 0;
    // 2x2 windows, stride 2, every one inside the input: the unrolled loop (the common case).
    const twoByTwo = vector && g.kH === 2 && g.kW === 2 && g.strideH === 2 && g.strideW === 2 &&
      g.padTop === 0 && g.padLeft === 0 && 2 * g.outH <= g.inH && 2 * g.outW <= g.inW;
    // When those windows tile the input, it writes every pixel: nothing left for the fill to zero.
    if (!(twoByTwo && 2 * g.outH === g.inH && 2 * g.outW === g.inW)) dxView.fill(0);
    if (twoByTwo) {
      simd!.maxpool2x2_grad(b.typedArrayFromHeap(input).byteOffset, b.typedArrayFromHeap(dy).byteOffset, dxView.byteOffset,
        g.batch, g.inH, g.inW, g.channels, g.outH, g.outW);
    } else if (vector) {
      simd!.maxpool_grad(b.typedArrayFromHeap(input).byteOffset, b.typedArrayFromHeap(dy).byteOffset, dxView.byteOffset,
        g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft);
    } else {
      maxPoolBackprop(b.typedArrayFromHeap(input), b.typedArrayFromHeap(dy), g, dxView);
    }
    return dx;
  };
}
