/**
 * The SIMD optimizer steps of optimizer-simd.wat, instantiated on the memory of tfjs' wasm
 * backend, so they read and write tensors where they lie (pointers = the byte offsets of the
 * backend's heap views).
 *
 * Why wasm: the same loops in JS (optimizer-math.ts) cost 9 ms per step for W1's 784x512 weights
 * with the float32 rounding that makes them equal to tfjs (every Math.fround is a conversion in
 * V8), about what tfjs' own ops took; 4 float32 lanes per instruction do it in a fraction.
 */
import { heapModule } from './heap-module.ts';
import { OPTIMIZER_SIMD_WASM } from './optimizer-simd.wasm.ts';

export interface SimdOptimizer {
  rmsprop(x: number, g: number, ms: number, mom: number, xo: number, mso: number, momo: number, n: number,
    decay: number, oneMinusDecay: number, lr: number, momentum: number, epsilon: number): void;
  adam(x: number, g: number, m: number, v: number, xo: number, mo: number, vo: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    oneMinusAccBeta1: number, oneMinusAccBeta2: number, epsilon: number, negLr: number): void;
}

/**
 * The SIMD steps bound to the wasm backend's memory, or null when they cannot run there (no
 * SIMD support, or the threaded build's shared memory, which this module does not import).
 */
export const simdOptimizerFor: (backend: unknown) => SimdOptimizer | null = heapModule<SimdOptimizer>(OPTIMIZER_SIMD_WASM);
