/**
 * ReLU's gradient as one kernel on wasm. tfjs computes it as mul(dy, cast(step(x), 'float32')):
 * three kernels over the whole activation, two temporaries, and a Cast that copies float32 to
 * float32 on wasm. In the W4-style CNN (batch 64) that is 9 kernels per step, about 6.5 ms of CPU
 * for the two conv activations; the SIMD loop (conv-simd.wat relu_grad) makes the same products
 * in one pass.
 *
 * The gradient registry is global, so the Relu gradient we register runs on every backend: it
 * takes our kernel where the current backend has one (wasm with SIMD) and tfjs' own expression
 * everywhere else.
 */
import * as tf from '@tensorflow/tfjs';
import { convSimdFor } from './wasm-conv-simd.ts';

/** The kernel's name in tfjs' registry (inputs x and dy, float32, same shape). */
export const RELU_GRAD = 'SweepsheetReluGrad';

type KernelParams = Parameters<tf.KernelFunc>[0];

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

function reluGradKernel({ inputs, backend }: KernelParams): tf.TensorInfo {
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  const b = backend as unknown as WasmHeapBackend;
  const out = b.makeOutput([...dy.shape], 'float32');
  // Views after the allocation: growing the heap detaches older ones.
  convSimdFor(backend)!.relu_grad(b.typedArrayFromHeap(x).byteOffset, b.typedArrayFromHeap(dy).byteOffset,
    b.typedArrayFromHeap(out).byteOffset, tf.util.sizeFromShape(dy.shape));
  return out;
}

/** tfjs' own Relu gradient (tfjs 4.22, gradients/Relu_grad.ts), for what our kernel does not take. */
function stockReluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

function reluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const ours = tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined && convSimdFor(tf.backend()) !== null &&
    x.dtype === 'float32' && dy.dtype === 'float32' && tf.util.arraysEqual(x.shape, dy.shape);
  return ours ? (tf.engine().runKernel(RELU_GRAD, { x, dy }) as tf.Tensor) : stockReluGrad(dy, x);
}

const OURS = Symbol.for('sweepsheet.relu-grad.previous');

interface TaggedGradConfig extends tf.GradConfig {
  [OURS]?: tf.GradConfig;
}

/**
 * Registers the one-pass Relu gradient kernel on wasm and the Relu gradient that uses it (where
 * the backend's memory takes our SIMD module; tfjs' expression elsewhere). Call after
 * '@tensorflow/tfjs-backend-wasm' has been imported.
 *
 * @returns true if it registered them now; false if already there or wasm is not registered.
 */
export function installWasmReluGrad(): boolean {
  const previous = tf.getGradient(tf.Relu);
  if (previous === undefined || (previous as TaggedGradConfig)[OURS] !== undefined) return false;
  if (tf.findBackendFactory('wasm') === null) return false;
  if (tf.getKernel(RELU_GRAD, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradKernel as tf.KernelFunc });
  }
  const config: TaggedGradConfig = {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => reluGrad(dy as tf.Tensor, x!) };
    },
  };
  config[OURS] = previous;
  tf.registerGradient(config);
  return true;
}

/** Puts tfjs' Relu gradient back and removes the kernel (for comparisons and tests). */
export function uninstallWasmReluGrad(): boolean {
  const current = tf.getGradient(tf.Relu) as TaggedGradConfig | undefined;
  const previous = current?.[OURS];
  if (previous === undefined) return false;
  tf.registerGradient(previous);
  if (tf.getKernel(RELU_GRAD, 'wasm') !== undefined) tf.unregisterKernel(RELU_GRAD, 'wasm');
  return true;
}
