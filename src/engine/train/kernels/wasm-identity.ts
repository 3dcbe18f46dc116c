/**
 * Identity for the wasm backend that shares its input's memory instead of copying it.
 *
 * Why: while gradients are recorded, tfjs' engine clones every tensor an op saves for its
 * backward pass (saveTensorsForBackwardMode → clone → Identity), about 30 per W1 step, including
 * the 784x512 weights and the batch. The stock wasm Identity copies the bytes into a fresh
 * allocation each time; tfjs' cpu backend, and the wasm backend's own Reshape, instead return
 * the same data with its reference count raised. Tensor data is never written in place in tfjs
 * (a variable's assign swaps its data), so sharing is safe, and it is what cpu already does.
 */
import * as tf from '@tensorflow/tfjs';

type KernelParams = Parameters<tf.KernelFunc>[0];

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/** An Identity kernel function sharing float and int data, leaving strings to `stock`. */
export function sharedIdentityKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (params: KernelParams) => {
    const x = params.inputs['x'];
    if (x === undefined || x.dtype === 'string') return stock(params);
    (params.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

const OURS = Symbol.for('sweepsheet.wasm-identity.stock');

interface TaggedKernelFunc extends tf.KernelFunc {
  [OURS]?: tf.KernelConfig;
}

/**
 * Replaces the wasm backend's Identity with the sharing one. Call after
 * '@tensorflow/tfjs-backend-wasm' has been imported.
 *
 * @returns true if it replaced the kernel now; false if already ours or wasm is not registered.
 */
export function installSharedWasmIdentity(): boolean {
  const stock = tf.getKernel(tf.Identity, 'wasm');
  if (stock === undefined || (stock.kernelFunc as TaggedKernelFunc)[OURS] !== undefined) return false;
  const fn: TaggedKernelFunc = sharedIdentityKernel(stock.kernelFunc);
  fn[OURS] = stock;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc: fn });
  return true;
}

/** Puts the stock (copying) Identity back, for comparisons and tests. */
export function uninstallSharedWasmIdentity(): boolean {
  const current = tf.getKernel(tf.Identity, 'wasm');
  const stock = current && (current.kernelFunc as TaggedKernelFunc)[OURS];
  if (!stock) return false;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel(stock);
  return true;
}
