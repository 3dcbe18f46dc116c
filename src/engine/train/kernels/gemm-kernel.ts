/**
 * BatchMatMul and _FusedMatMul for tfjs' wasm backend on our GEMM (gemm.ts): transposed operands
 * are read in place while packing, batches loop over the same GEMM, and a fused bias and relu
 * are one pass over the product.
 *
 * Why: the stock kernels reach XNNPACK's fast path only for untransposed batch-1 products (plain
 * SIMD, no FMA); transposed and batched ones take a scalar loop 5-10x slower, and an operator is
 * created (and the weights packed) per new weight tensor, i.e. every step. Numbers in
 * bench/wasm-matmul.ts and bench/README.md.
 */
import * as tf from '@tensorflow/tfjs';
import type { Gemm } from './gemm.ts';

type KernelParams = Parameters<tf.KernelFunc>[0];

/** The slice of the wasm backend we use: tensor addresses and fresh outputs. */
interface WasmBackend {
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** What a product needs from its inputs, or null when our GEMM does not take it. */
interface Plan {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly outShape: number[];
  readonly batch: number;
  /** Whether each operand steps through the batch (false: one matrix broadcast over it). */
  readonly stepA: boolean;
  readonly stepB: boolean;
}

function plan(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Plan | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const [m, ka] = transposeA ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [kb, n] = transposeB ? [b.shape[rb - 1]!, b.shape[rb - 2]!] : [b.shape[rb - 2]!, b.shape[rb - 1]!];
  // Mismatched sizes go to the stock kernel, for its own message.
  if (ka !== kb) return null;
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  const batch = sizeOf(outer);
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  // An operand whose batch size equals the output's has the output's batch layout; any other
  // broadcast (e.g. [2,3] against [3]) is left to the stock kernel.
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  return { m, n, k: ka, outShape: [...outer, m, n], batch, stepA: batchA === batch && batch > 1, stepB: batchB === batch && batch > 1 };
}

/** The activations the epilogue applies; others go to the stock kernel. */
const ACTIVATIONS: Record<string, boolean> = { linear: false, relu: true };

/**
 * Runs BatchMatMul (fused = false) or _FusedMatMul (fused = true) on `gemm`, or returns null
 * when the product is not one it takes (non-float32, empty, mismatched, an unusual broadcast, an
 * activation other than linear and relu, a prelu weight, a bias other than one value per column):
 * the caller then runs the stock kernel.
 */
export function gemmMatMul(params: KernelParams, fused: boolean, gemm: Gemm): tf.TensorInfo | null {
  const { a, b } = params.inputs;
  if (a === undefined || b === undefined) return null;
  const attrs = params.attrs ?? {};
  const transposeA = attrs['transposeA'] === true;
  const transposeB = attrs['transposeB'] === true;
  const p = plan(a, b, transposeA, transposeB);
  if (p === null) return null;
  let relu = false;
  let bias: tf.TensorInfo | undefined;
  if (fused) {
    const activation = (attrs['activation'] as string | undefined) ?? 'linear';
    if (!(activation in ACTIVATIONS) || params.inputs['preluActivationWeights'] != null) return null;
    relu = ACTIVATIONS[activation]!;
    bias = params.inputs['bias'] ?? undefined;
    if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== p.n)) return null;
  }
  const backend = params.backend as unknown as WasmBackend;
  const out = backend.makeOutput(p.outShape, 'float32');
  const { m, n, k } = p;
  if (p.batch * m * n === 0) return out;
  // Addresses after makeOutput: an allocation may grow the memory (offsets stay valid).
  const at = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset!;
  const [pa, pb, pc] = [at(a), at(b), at(out)];
  // An empty shared dimension sums nothing: zeros (the stock kernel leaves the output unwritten).
  if (k === 0) backend.typedArrayFromHeap(out).fill(0);
  for (let i = 0; i < p.batch && k > 0; i++) {
    gemm.matmul(
      pa + (p.stepA ? i * m * k * 4 : 0), pb + (p.stepB ? i * k * n * 4 : 0), pc + i * m * n * 4,
      m, n, k, transposeA, transposeB,
    );
  }
  if (bias !== undefined || relu) gemm.biasAct(pc, bias === undefined ? null : at(bias), p.batch * m, n, relu);
  return out;
}
