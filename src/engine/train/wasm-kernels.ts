/**
 * A faster matrix product for the wasm backend of tfjs 4.22, swapped into its kernel registry.
 *
 * Why: the wasm BatchMatMul and _FusedMatMul kernels reach XNNPACK's fully-connected operator only
 * when neither operand is transposed and both have batch size 1; anything else falls back to a
 * scalar blocked loop. Measured on a 2-core machine (MLP 784-512-10, batch 128): the plain product
 * ran at 10-14 GFLOP/s, the transposed ones (every dense layer's weight and input gradients) at
 * 0.6-0.8 GFLOP/s, so training was dominated by them.
 *
 * Float32 products go to our own GEMM (kernels/gemm.wat, via kernels/gemm-kernel.ts), which reads
 * transposed operands in place and uses relaxed SIMD's fused multiply-add where the engine has it;
 * see bench/wasm-matmul.ts for its rates against the stock kernel. What it does not take (other
 * dtypes, unusual broadcasts, activations other than linear and relu) keeps the earlier route:
 * a transposed operand is copied into plain layout (the backend's Transpose) and the stock kernel
 * runs on XNNPACK's path; batched products then take the stock kernel as they are.
 */
import * as tf from '@tensorflow/tfjs';
import { type GemmVariant, defaultGemmVariant, gemmFor } from './kernels/gemm.ts';
import { gemmMatMul } from './kernels/gemm-kernel.ts';

const BACKEND = 'wasm';

/** Marks our kernel functions; Symbol.for so two copies of this module still recognise each other. */
const STOCK = Symbol.for('sweepsheet.wasm-kernels.stock');

type KernelParams = Parameters<tf.KernelFunc>[0];

interface TaggedKernelFunc extends tf.KernelFunc {
  [STOCK]?: tf.KernelConfig;
}

/** The slice of the wasm backend we call: freeing the temporary copy's memory. */
interface DisposingBackend {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

const MATMUL_KERNELS = [tf.BatchMatMul, tf._FusedMatMul] as const;

function batchSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length - 2; i++) n *= shape[i]!;
  return n;
}

/** Swaps the last two axes: the layout the flag asked the stock kernel to read through strides. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function innerDim(x: tf.TensorInfo, transposed: boolean, isA: boolean): number {
  const r = x.shape.length;
  return isA === transposed ? x.shape[r - 2]! : x.shape[r - 1]!;
}

/**
 * Wraps a stock matmul kernel (BatchMatMul or _FusedMatMul: both take inputs a, b and attrs
 * transposeA, transposeB): our GEMM first (unless variant is null), then, for what it does not
 * take, transposed operands copied into plain layout for the stock kernel.
 */
function withMaterializedTransposes(stock: tf.KernelConfig, transpose: tf.KernelFunc, variant: GemmVariant | null): TaggedKernelFunc {
  const stockFunc = stock.kernelFunc;
  const fused = stock.kernelName === tf._FusedMatMul;
  const fast: TaggedKernelFunc = (params: KernelParams) => {
    const { inputs, backend } = params;
    const gemm = variant === null ? null : gemmFor(backend, variant);
    const ours = gemm === null ? null : gemmMatMul(params, fused, gemm);
    if (ours !== null) return ours;
    const attrs = params.attrs ?? {};
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const a = inputs['a'];
    const b = inputs['b'];
    // Anything the fast path cannot take, or that the stock kernel should reject with its own
    // message (dtype, mismatched inner sizes), goes to the stock kernel untouched.
    if (!transposeA && !transposeB) return stockFunc(params);
    if (a === undefined || b === undefined) return stockFunc(params);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stockFunc(params);
    if (a.shape.length < 2 || b.shape.length < 2) return stockFunc(params);
    if (batchSize(a.shape) !== 1 || batchSize(b.shape) !== 1) return stockFunc(params);
    if (innerDim(a, transposeA, true) !== innerDim(b, transposeB, false)) return stockFunc(params);

    const temps: tf.TensorInfo[] = [];
    const plain = (x: tf.TensorInfo): tf.TensorInfo => {
      const out = transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } });
      const info = Array.isArray(out) ? out[0]! : out;
      temps.push(info);
      return info;
    };
    try {
      return stockFunc({
        inputs: { ...inputs, a: transposeA ? plain(a) : a, b: transposeB ? plain(b) : b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      // The copies never reach the engine, so nothing else would free them; freeing also drops
      // the XNNPACK operator the stock kernel cached on the copy's id.
      for (const t of temps) (backend as DisposingBackend).disposeData(t.dataId);
    }
  };
  fast[STOCK] = stock;
  return fast;
}

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && (config.kernelFunc as TaggedKernelFunc)[STOCK] !== undefined;
}

/** Options of installFastWasmMatMul. */
export interface FastMatMulOptions {
  /**
   * Which build of our GEMM runs the products: 'relaxed' (fused multiply-add; only where the
   * engine validates relaxed SIMD), 'simd' (multiply then add), or false for none (transposes
   * materialized for the stock kernel, as before the GEMM). Default: 'relaxed' where supported.
   */
  readonly gemm?: GemmVariant | false;
}

let installedVariant: GemmVariant | null = null;

/**
 * Replaces the wasm backend's BatchMatMul and _FusedMatMul kernels with ours (see the file
 * comment for the measurements). Other backends are untouched. Call it after
 * '@tensorflow/tfjs-backend-wasm' has been imported; before or after tf.setBackend('wasm') both
 * work, as the stock setup functions are kept. Results differ from the stock kernel's in the last
 * bits (another order of sums; with 'relaxed', one rounding per multiply-add), and between the
 * two variants; each is deterministic.
 *
 * @returns true if it replaced a kernel now; false if they were already replaced or the wasm
 *   backend's kernels are not registered in this tfjs instance.
 */
export function installFastWasmMatMul(options: FastMatMulOptions = {}): boolean {
  const transpose = tf.getKernel(tf.Transpose, BACKEND);
  if (transpose === undefined) return false;
  // 'relaxed' where the engine lacks relaxed SIMD falls back to the plain build.
  const variant = options.gemm === false ? null : options.gemm === 'simd' ? 'simd' : defaultGemmVariant();
  let installed = false;
  for (const name of MATMUL_KERNELS) {
    const stock = tf.getKernel(name, BACKEND);
    if (stock === undefined || isOurs(stock)) continue;
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...stock, kernelFunc: withMaterializedTransposes(stock, transpose.kernelFunc, variant) });
    installed = true;
  }
  if (installed) installedVariant = variant;
  return installed;
}

/**
 * The GEMM build our installed kernels use ('relaxed' or 'simd'), or null when they are not
 * installed or run without it. Runs repeat exactly only on the same variant.
 */
export function wasmMatMulVariant(): GemmVariant | null {
  return fastWasmMatMulInstalled() ? installedVariant : null;
}

/**
 * Puts the stock kernels back (for comparisons and tests).
 *
 * @returns true if it restored a kernel; false if none of ours was installed.
 */
export function uninstallFastWasmMatMul(): boolean {
  let restored = false;
  for (const name of MATMUL_KERNELS) {
    const current = tf.getKernel(name, BACKEND);
    if (current === undefined || !isOurs(current)) continue;
    const stock = (current.kernelFunc as TaggedKernelFunc)[STOCK]!;
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(stock);
    restored = true;
  }
  return restored;
}

/** Whether the wasm backend's BatchMatMul is currently ours. */
export function fastWasmMatMulInstalled(): boolean {
  return isOurs(tf.getKernel(tf.BatchMatMul, BACKEND));
}
