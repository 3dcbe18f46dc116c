/**
 * Our float32 GEMM (gemm.wat) instantiated on the memory of tfjs' wasm backend, so it reads
 * operands and writes the product where the tensors lie (pointers = byte offsets on its heap).
 *
 * Two builds of the same text: 'relaxed' multiplies-and-adds with relaxed SIMD's
 * f32x4.relaxed_madd (fused, one rounding, on x64 with FMA), 'simd' with f32x4.mul then f32x4.add.
 * Relaxed SIMD is on in Chromium (since 114) and behind a flag in Node 20's V8, which our Node
 * worker entries set (enableRelaxedSimd), so both get 'relaxed'; an engine without it gets 'simd',
 * whose results differ in the last bits. Each build is deterministic (one thread, a fixed order
 * of sums), so a run repeats exactly on the same variant.
 *
 * Zero inputs in the left operand are skipped (gemm.wat's sparse kernel, for 4-row panels of A
 * whose steps of k are mostly zero in all four rows, as MNIST's pixels are): the product is the
 * dense kernel's bit for bit, except the sign of an exact zero and where B holds ±Inf or NaN
 * against a skipped zero (the dense kernel gives NaN there, the sparse one skips the term).
 */
import { GEMM_RELAXED_SHARED_WASM, GEMM_RELAXED_WASM, GEMM_SIMD_SHARED_WASM, GEMM_SIMD_WASM } from './gemm-simd.wasm.ts';

export type GemmVariant = 'relaxed' | 'simd';

/**
 * The fraction of non-zero steps below which an A panel takes the sparse kernel. A listed step
 * costs 2-4 % more than a dense one (one more load; measured with every panel one step short), so
 * skipping pays up to about 0.96; 0.9 keeps a margin. On W1's products over MNIST (bench/
 * wasm-matmul.ts, "images" rows) 0.75, 0.9 and 1 measured alike; Fashion-MNIST, whose 4-image
 * panels are 79 % live, gains only below a high threshold.
 */
export const DEFAULT_SPARSE_BELOW = 0.9;

/** The threshold in 256ths, as gemm.wat takes it (0: sparse kernel off). */
let sparseThr = Math.round(DEFAULT_SPARSE_BELOW * 256);

/**
 * Sets the fraction of non-zero steps below which A panels take the sparse kernel (0 turns it
 * off, 1 takes it for any panel with a zero step) for every GEMM of this thread; returns the
 * previous one. For benchmarks and tests: both settings give the same products (see above).
 */
export function setGemmSparseBelow(fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`setGemmSparseBelow: expected a fraction in [0, 1], got ${fraction}`);
  const previous = sparseThr / 256;
  sparseThr = Math.round(fraction * 256);
  return previous;
}

/** The exports of gemm.wat. */
interface GemmExports {
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, ta: number, tb: number, ws: number, thr: number): void;
  workspace(m: number, n: number, k: number): number;
  bias_act(c: number, bias: number, hasBias: number, m: number, n: number, relu: number): void;
}

/** The GEMM bound to one wasm backend's memory. */
export interface Gemm {
  readonly variant: GemmVariant;
  /**
   * c (m x n) = op(a) (m x k) times op(b) (k x n), row-major float32 at these byte offsets; op
   * reads an operand stored transposed when its flag is set. m, n, k ≥ 1; c must not overlap a or b.
   */
  matmul(a: number, b: number, c: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void;
  /** c (m x n) = act(c + bias) with bias a float32 row of n at `bias` (or none when null). */
  biasAct(c: number, bias: number | null, m: number, n: number, relu: boolean): void;
}

/** The slice of tfjs-backend-wasm's emscripten module we use: its memory and allocator. */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  _malloc?(bytes: number): number;
  _free?(ptr: number): void;
}

/** f32x4.relaxed_madd on three v128 parameters: valid only where relaxed SIMD is. */
const RELAXED_PROBE = 'AGFzbQEAAAABCAFgA3t7ewF7AwIBAAcFAQFmAAAKDQELACAAIAEgAv2FAgs=';

const bytesOf = (b64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

let relaxed: boolean | undefined;

function validatesRelaxed(): boolean {
  try {
    return WebAssembly.validate(bytesOf(RELAXED_PROBE));
  } catch {
    return false;
  }
}

/** Whether this engine validates relaxed SIMD (f32x4.relaxed_madd). */
export function relaxedSimdSupported(): boolean {
  relaxed ??= validatesRelaxed();
  return relaxed;
}

/**
 * Turns relaxed SIMD on where V8 has it behind a flag (Node 20: --experimental-wasm-relaxed-simd),
 * given node:v8's setFlagsFromString (passed in, so this module stays free of Node imports). The
 * flag is process-wide and must be set before the GEMM is compiled: Node worker entries call this
 * first thing. Where relaxed SIMD already validates, no flag is set.
 *
 * @returns whether relaxed SIMD validates now (the default variant is then 'relaxed').
 */
export function enableRelaxedSimd(setFlagsFromString: (flags: string) => void): boolean {
  if (!validatesRelaxed()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  relaxed = validatesRelaxed();
  return relaxed;
}

/** The variant this engine runs by default: relaxed where supported, else plain SIMD. */
export function defaultGemmVariant(): GemmVariant {
  return relaxedSimdSupported() ? 'relaxed' : 'simd';
}

const BUILDS = {
  relaxed: { plain: GEMM_RELAXED_WASM, shared: GEMM_RELAXED_SHARED_WASM },
  simd: { plain: GEMM_SIMD_WASM, shared: GEMM_SIMD_SHARED_WASM },
} as const;

const compiled = new Map<string, WebAssembly.Module | null>();

/** The build for this variant; `shared` for a shared memory (tfjs' threaded wasm build). */
function compile(variant: GemmVariant, shared: boolean): WebAssembly.Module | null {
  const key = `${variant}/${shared}`;
  let m = compiled.get(key);
  if (m !== undefined) return m;
  try {
    // Synchronous compile: the module is under 3 KB, within every browser's main-thread limit.
    m = new WebAssembly.Module(bytesOf(BUILDS[variant][shared ? 'shared' : 'plain']));
  } catch {
    m = null; // no wasm SIMD (or no relaxed SIMD, or no threads) here
  }
  compiled.set(key, m);
  return m;
}

/** One instance per memory and variant, and the workspace on that heap (shared by both variants). */
const instances = new WeakMap<WebAssembly.Memory, Map<GemmVariant, Gemm | null>>();
const workspaces = new WeakMap<WebAssembly.Memory, { ptr: number; bytes: number }>();

/**
 * The GEMM bound to the wasm backend's memory (shared or not: tfjs' threaded build has a shared
 * one), or null when it cannot run there (no SIMD, or the variant not supported).
 *
 * Its workspace (packed panels, under 1 MB for W1's products: 256 x (n + 128) floats) is allocated
 * with the backend's malloc on first use, grown when a larger product needs it, and kept.
 */
export function gemmFor(backend: unknown, variant: GemmVariant = defaultGemmVariant()): Gemm | null {
  const mod = (backend as { wasm?: EmscriptenModule }).wasm;
  const memory = mod?.asm?.memory ?? mod?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory) || !mod?._malloc || !mod._free) return null;
  let perVariant = instances.get(memory);
  if (perVariant === undefined) instances.set(memory, (perVariant = new Map()));
  const known = perVariant.get(variant);
  if (known !== undefined) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const compiledModule = compile(variant, shared);
  let gemm: Gemm | null = null;
  if (compiledModule !== null) {
    try {
      const x = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as GemmExports;
      const malloc = mod._malloc.bind(mod);
      const free = mod._free.bind(mod);
      const workspace = (bytes: number): number => {
        let ws = workspaces.get(memory);
        if (ws === undefined || ws.bytes < bytes) {
          if (ws !== undefined) free(ws.ptr);
          // 16 bytes over, so the panels can start on a 16-byte boundary (malloc gives 8).
          const ptr = malloc(bytes + 16) >>> 0;
          if (ptr === 0) throw new Error(`gemm: could not allocate ${bytes} bytes of workspace on the wasm heap`);
          ws = { ptr, bytes };
          workspaces.set(memory, ws);
        }
        return ((ws.ptr + 15) & ~15) >>> 0;
      };
      gemm = {
        variant,
        matmul(a, b, c, m, n, k, transposeA, transposeB) {
          const ws = workspace(x.workspace(m, n, k));
          x.gemm(a, b, c, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0, ws, sparseThr);
        },
        biasAct(c, bias, m, n, relu) {
          x.bias_act(c, bias ?? 0, bias === null ? 0 : 1, m, n, relu ? 1 : 0);
        },
      };
    } catch {
      gemm = null;
    }
  }
  perVariant.set(variant, gemm);
  return gemm;
}
