/**
 * MaxPoolGrad for the wasm backend: the stock kernel took a third of a CNN's training step here
 * (127 ms of 398 ms for a batch of 64 through two 2x2 pools); this loop over the heap views
 * takes a few ms. Same tie-breaking as the cpu backend, see kernels/pool.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { maxPoolBackprop, type PoolGeometry } from './kernels/pool.ts';

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
    dxView.fill(0);
    maxPoolBackprop(b.typedArrayFromHeap(input), b.typedArrayFromHeap(dy), g, dxView);
    return dx;
  };
}
