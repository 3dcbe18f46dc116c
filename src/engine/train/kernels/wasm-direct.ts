/**
 * The wasm backend's element-wise binary kernels and Transpose calling the same
 * compiled functions as tfjs' own, but passing shapes through a scratch area on the wasm heap.
 *
 * Why: each stock call wraps every shape in a fresh `new Uint8Array(new Int32Array(shape).buffer)`
 * and goes through Emscripten's ccall, which builds a converter object, two closures and an
 * argument array and copies the bytes onto the wasm stack. ArrayBuffers have off-heap backing
 * stores that V8 frees on its background threads; on a small job (bench/pool-alloc.ts) these
 * calls were ~19 MB of a 137 MB job, and V8's background threads the main limit on two workers
 * sharing two cores. The compiled function, its arguments and so its results are unchanged
 * (test/engine/train/wasm-direct.test.ts checks each kernel against the stock one).
 * BatchMatMul is left stock: a direct version measured equal to 30 % slower on a W1 product in
 * alternated runs (cause not found), for ~2.5 MB per small job.
 */
import * as tf from '@tensorflow/tfjs';

type KernelParams = Parameters<tf.KernelFunc>[0];
type WasmFn = (...args: number[]) => void;

interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  [name: string]: unknown;
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { get(id: tf.DataId): { id: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** tfjs-backend-wasm's CppDType enum. */
const CPP_DTYPE: Partial<Record<tf.DataType, number>> = { float32: 0, int32: 1, bool: 2 };

/** Binary kernels with their output dtype (null: the input's), as tfjs-backend-wasm registers them. */
const BINARY: Record<string, tf.DataType | null> = {
  [tf.Add]: null, [tf.Sub]: null, [tf.Multiply]: null, [tf.RealDiv]: null, [tf.Maximum]: null, [tf.Minimum]: null,
  [tf.SquaredDifference]: null, [tf.Pow]: null,
  [tf.Equal]: 'bool', [tf.NotEqual]: 'bool', [tf.Greater]: 'bool', [tf.GreaterEqual]: 'bool', [tf.Less]: 'bool', [tf.LessEqual]: 'bool',
};

/** Slots of int32s in the scratch area: shapes and a permutation up to this rank. */
const SLOT = 16;
const SLOTS = 3;

/** Per module: the scratch area's address and an int32 view of the heap, renewed when memory grows. */
const scratch = new WeakMap<WasmModule, { ptr: number; view: Int32Array }>();

/** Writes `values` into slot `k` of the scratch area and returns its address. */
function put(wasm: WasmModule, k: number, values: readonly number[]): number {
  let s = scratch.get(wasm);
  if (s === undefined) {
    s = { ptr: wasm._malloc(SLOT * SLOTS * 4), view: new Int32Array(0) };
    scratch.set(wasm, s);
  }
  if (s.view.buffer !== wasm.HEAPU8.buffer) s.view = new Int32Array(wasm.HEAPU8.buffer, s.ptr, SLOT * SLOTS);
  const at = k * SLOT;
  for (let i = 0; i < values.length; i++) s.view[at + i] = values[i]!;
  return s.ptr + at * 4;
}

const idOf = (b: WasmBackend, t: tf.TensorInfo): number => b.dataIdMap.get(t.dataId)!.id;
const exported = (b: WasmBackend, name: string): WasmFn | undefined => {
  const f = b.wasm[`_${name}`];
  return typeof f === 'function' ? (f as WasmFn) : undefined;
};

function binary(name: string, outDtype: tf.DataType | null, stock: tf.KernelFunc): tf.KernelFunc {
  return (p: KernelParams) => {
    const backend = p.backend as unknown as WasmBackend;
    const { a, b } = p.inputs;
    const fn = exported(backend, name);
    if (!fn || !a || !b || a.shape.length > SLOT || b.shape.length > SLOT || CPP_DTYPE[a.dtype] === undefined) return stock(p);
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput(shape, outDtype ?? a.dtype);
    if (tf.util.sizeFromShape(shape) === 0) return out;
    // Written after makeOutput: an allocation may grow the memory and move the view.
    fn(idOf(backend, a), put(backend.wasm, 0, a.shape), a.shape.length, idOf(backend, b), put(backend.wasm, 1, b.shape), b.shape.length, CPP_DTYPE[a.dtype]!, idOf(backend, out));
    return out;
  };
}

/** tfjs-backend-wasm's removeOneSizeDims: size-1 axes dropped, the permutation renumbered. */
function withoutOnes(shape: readonly number[], perm: readonly number[]): [number[], number[]] {
  const newShape: number[] = [];
  const newPerm: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) newShape.push(shape[i]!);
    if (shape[perm[i]!] !== 1) newPerm.push(perm[i]!);
  }
  for (let i = 0; i < newPerm.length; i++) {
    let min = -1;
    for (let j = 0; j < newPerm.length; j++) if (newPerm[j]! >= i && (min === -1 || newPerm[min]! > newPerm[j]!)) min = j;
    newPerm[min] = i;
  }
  return [newShape, newPerm];
}

function transpose(stock: tf.KernelFunc): tf.KernelFunc {
  return (p: KernelParams) => {
    const backend = p.backend as unknown as WasmBackend;
    const x = p.inputs['x'];
    const perm = p.attrs?.['perm'] as number[] | undefined;
    const fn = exported(backend, tf.Transpose);
    if (!fn || !x || !perm || x.shape.length > SLOT || CPP_DTYPE[x.dtype] === undefined) return stock(p);
    const [shape, reduced] = withoutOnes(x.shape, perm);
    // The identity permutation copies: left to the stock kernel, as rare as it is.
    if (reduced.every((v, i) => v === i)) return stock(p);
    const out = backend.makeOutput(perm.map((k) => x.shape[k]!), x.dtype);
    fn(idOf(backend, x), put(backend.wasm, 0, shape), shape.length, CPP_DTYPE[x.dtype]!, idOf(backend, out), put(backend.wasm, 1, reduced), reduced.length);
    return out;
  };
}

const OURS = Symbol.for('sweepsheet.wasm-direct.stock');
interface Tagged extends tf.KernelFunc { [OURS]?: tf.KernelConfig }

function replacements(): [string, (stock: tf.KernelFunc) => tf.KernelFunc][] {
  return [
    ...Object.entries(BINARY).map(([name, dtype]) => [name, (s: tf.KernelFunc) => binary(name, dtype, s)] as [string, (s: tf.KernelFunc) => tf.KernelFunc]),
    [tf.Transpose, transpose],
  ];
}

/**
 * Swaps the wasm backend's binary element-wise kernels and Transpose for the direct ones (see
 * the file comment). Install it before installFastWasmMatMul, which calls the Transpose
 * registered when it is installed. Call after '@tensorflow/tfjs-backend-wasm' is imported.
 *
 * @returns how many kernels it replaced now.
 */
export function installDirectWasmKernels(): number {
  let n = 0;
  for (const [name, make] of replacements()) {
    const stock = tf.getKernel(name, 'wasm');
    if (stock === undefined || (stock.kernelFunc as Tagged)[OURS] !== undefined) continue;
    const fn: Tagged = make(stock.kernelFunc);
    fn[OURS] = stock;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...stock, kernelFunc: fn });
    n++;
  }
  return n;
}

/** Puts the stock kernels back (for comparisons and tests); returns how many. */
export function uninstallDirectWasmKernels(): number {
  let n = 0;
  for (const [name] of replacements()) {
    const current = tf.getKernel(name, 'wasm');
    const stock = current && (current.kernelFunc as Tagged)[OURS];
    if (!stock) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock);
    n++;
  }
  return n;
}
