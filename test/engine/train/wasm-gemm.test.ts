/**
 * Our GEMM (src/engine/train/kernels/gemm.wat) against the stock wasm matmul kernels and an
 * exact (float64) product: every transpose combination over odd sizes (edge tiles, more than one
 * block of the shared and the row dimension), batches and broadcasts, the fused bias and relu, in
 * both builds. The 'relaxed' build (fused multiply-add) needs relaxed SIMD, which Node 20's V8 has
 * behind a flag: this file turns the flag on for its own process to test that build here too.
 *
 * Tolerances: neither kernel is exact. Both stay within the usual bound for a float32 dot product
 * of length k, |error| <= k * 2^-24 * sum |a_ip * b_pj|, which is what is checked, against the
 * exact product and (twice the bound) against the stock kernel. Training through fitJob is then
 * checked to stay close to stock and to repeat bit for bit per build.
 *
 * The sparse path (A panels whose steps of k are mostly zero skip those steps) must give the
 * dense kernel's bits, but for the sign of exact zeros: checked on operands with zeros placed
 * every way that matters (whole columns of op(A) per 4-row panel, random entries, zero rows, a
 * single non-zero, all zero), and through training on MNIST.
 */
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPARSE_BELOW, type GemmVariant, gemmFor, relaxedSimdSupported, setGemmSparseBelow } from '../../../src/engine/train/kernels/gemm.ts';
import { installFastWasmMatMul, uninstallFastWasmMatMul, wasmMatMulVariant } from '../../../src/engine/train/wasm-kernels.ts';
import { fitJob } from '../../../src/engine/train/fit.ts';
import { loadData } from '../../../src/engine/train/load.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { trainTinyClassifier, useWasm } from '../../helpers/tf-wasm.ts';

// Before anything compiles the relaxed build; affects this test process only.
setFlagsFromString('--experimental-wasm-relaxed-simd');

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });
afterAll(() => { uninstallFastWasmMatMul(); setGemmSparseBelow(DEFAULT_SPARSE_BELOW); });

const VARIANTS: GemmVariant[] = ['simd', 'relaxed'];

interface Operands { a: Float32Array; b: Float32Array; aShape: number[]; bShape: number[] }

function operands(batchA: number[], batchB: number[], m: number, k: number, n: number, ta: boolean, tb: boolean, seed: number): Operands {
  const aShape = [...batchA, ...(ta ? [k, m] : [m, k])];
  const bShape = [...batchB, ...(tb ? [n, k] : [k, n])];
  const rand = mulberry32(seed);
  const fill = (shape: number[]) => Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rand() * 2 - 1);
  return { a: fill(aShape), b: fill(bShape), aShape, bShape };
}

/** The exact product (float64) of one batch entry, and the error bound per element. */
function exact(o: Operands, m: number, k: number, n: number, ta: boolean, tb: boolean, ia: number, ib: number) {
  const value = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  const A = (i: number, p: number) => o.a[ia * m * k + (ta ? p * m + i : i * k + p)]!;
  const B = (p: number, j: number) => o.b[ib * k * n + (tb ? j * k + p : p * n + j)]!;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const t = A(i, p) * B(p, j);
        s += t;
        abs += Math.abs(t);
      }
      value[i * n + j] = s;
      bound[i * n + j] = k * 2 ** -24 * abs + 1e-30;
    }
  }
  return { value, bound };
}

/** tf.matMul on the currently registered kernel. */
function product(o: Operands, ta: boolean, tb: boolean): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(o.a, o.aShape), tf.tensor(o.b, o.bShape), ta, tb);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

function withKernel<T>(variant: GemmVariant | 'stock', f: () => T): T {
  uninstallFastWasmMatMul();
  if (variant !== 'stock') installFastWasmMatMul({ gemm: variant });
  return f();
}

/** Worst |actual - expected| / bound over the elements (<= 1 means within the bound). */
function worstRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: ArrayLike<number>, offset = 0): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[offset + i]! - expected[i]!) / bound[i]!);
  return worst;
}

const FLAGS = [[false, false], [true, false], [false, true], [true, true]] as const;
// Edge tiles (n or m not a multiple of 8 or 4), one element, k past one block (256) and m past
// one row block (128), W1's shapes.
const SIZES: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 9, 8], [129, 785, 513], [130, 257, 17], [128, 784, 10], [5, 10, 512]];

describe('the relaxed build is used where relaxed SIMD is', () => {
  it('validates here once the flag is on, and both builds instantiate on the backend memory', () => {
    expect(relaxedSimdSupported()).toBe(true);
    for (const v of VARIANTS) expect(gemmFor(tf.backend(), v)?.variant).toBe(v);
    installFastWasmMatMul();
    expect(wasmMatMulVariant()).toBe('relaxed');
    uninstallFastWasmMatMul();
    expect(wasmMatMulVariant()).toBeNull();
  });
});

describe('a shared memory (tfjs\' threaded build, in a cross-origin isolated page)', () => {
  it('links the shared build and computes the same product', () => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true });
    let top = 1024;
    // A bump allocator standing in for the backend's malloc.
    const heap = { wasmMemory: memory, _malloc: (n: number) => { const p = top; top += (n + 15) & ~15; return p; }, _free: () => {} };
    const f = new Float32Array(memory.buffer);
    const [m, k, n] = [9, 300, 13];
    const o = operands([], [], m, k, n, true, false, 3);
    const [a, b, c] = [heap._malloc(o.a.length * 4), heap._malloc(o.b.length * 4), heap._malloc(m * n * 4)];
    f.set(o.a, a / 4);
    f.set(o.b, b / 4);
    const ref = exact(o, m, k, n, true, false, 0, 0);
    for (const v of VARIANTS) {
      const gemm = gemmFor({ wasm: heap }, v);
      expect(gemm?.variant).toBe(v);
      gemm!.matmul(a, b, c, m, n, k, true, false);
      expect(worstRatio(f.subarray(c / 4, c / 4 + m * n), ref.value, ref.bound)).toBeLessThanOrEqual(1);
    }
  });
});

describe('products equal the exact product and the stock kernel within float32 tolerance', () => {
  for (const [ta, tb] of FLAGS) {
    for (const [m, k, n] of SIZES) {
      it(`${m}x${k} @ ${k}x${n} transposeA=${ta} transposeB=${tb}`, () => {
        const o = operands([], [], m, k, n, ta, tb, m * 31 + k * 7 + n + (ta ? 1000 : 0) + (tb ? 2000 : 0));
        const ref = exact(o, m, k, n, ta, tb, 0, 0);
        const stock = withKernel('stock', () => product(o, ta, tb));
        expect(worstRatio(stock.values, ref.value, ref.bound)).toBeLessThanOrEqual(1);
        for (const v of VARIANTS) {
          const ours = withKernel(v, () => product(o, ta, tb));
          expect(ours.shape).toEqual([m, n]);
          expect(worstRatio(ours.values, ref.value, ref.bound)).toBeLessThanOrEqual(1);
          expect(worstRatio(ours.values, stock.values, ref.bound.map((x) => 2 * x))).toBeLessThanOrEqual(1);
        }
      });
    }
  }

  // [batch of a, batch of b] -> batch of the output; each output entry is checked against the
  // exact product of the entries it broadcasts from.
  const BATCHES: [number[], number[]][] = [[[3], [3]], [[3], [1]], [[1], [3]], [[3], []], [[2, 2], [2, 2]], [[1, 1], [1, 1]]];
  for (const [ba, bb] of BATCHES) {
    for (const [ta, tb] of FLAGS) {
      it(`batched [${ba}] x [${bb}] 7x33 @ 33x9 transposeA=${ta} transposeB=${tb}`, () => {
        const o = operands(ba, bb, 7, 33, 9, ta, tb, 77);
        const count = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const batch = Math.max(count(ba), count(bb));
        const stock = withKernel('stock', () => product(o, ta, tb));
        for (const v of VARIANTS) {
          const ours = withKernel(v, () => product(o, ta, tb));
          expect(ours.shape).toEqual(stock.shape);
          for (let i = 0; i < batch; i++) {
            const ref = exact(o, 7, 33, 9, ta, tb, count(ba) === 1 ? 0 : i, count(bb) === 1 ? 0 : i);
            expect(worstRatio(ours.values, ref.value, ref.bound, i * 63)).toBeLessThanOrEqual(1);
            expect(worstRatio(stock.values, ref.value, ref.bound, i * 63)).toBeLessThanOrEqual(1);
          }
        }
      });
    }
  }

  it('takes empty products, and leaves to the stock kernel what it does not take, with its results and errors', () => {
    for (const v of VARIANTS) {
      withKernel(v, () => {
        const before = tf.memory().numTensors;
        // Empty products: zeros for an empty shared dimension (the stock kernel leaves its
        // output unwritten: XNNPACK refuses the operator), an empty result for an empty side.
        expect(Array.from(tf.tidy(() => tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3])).dataSync()))).toEqual([0, 0, 0, 0, 0, 0]);
        expect(tf.tidy(() => tf.matMul(tf.zeros([0, 4]), tf.zeros([4, 3])).shape)).toEqual([0, 3]);
        expect(tf.tidy(() => tf.fused.matMul({ a: tf.zeros([1, 0]), b: tf.zeros([0, 2]), bias: tf.tensor1d([1, -1]), activation: 'relu' }).arraySync())).toEqual([[1, 0]]);
        expect(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 6]))).toThrow('Error in matMul: inner shapes (4) and (5)');
        // elu is not in our epilogue: the stock kernel runs it.
        const elu = tf.tidy(() => Array.from(tf.fused.matMul({ a: tf.tensor2d([[1, -2]]), b: tf.tensor2d([[1], [1]]), activation: 'elu' }).dataSync()));
        expect(elu[0]).toBeCloseTo(Math.expm1(-1), 6);
        tf.disposeVariables();
        expect(tf.memory().numTensors).toBe(before + 2); // the two ones() of the failed product
      });
    }
  });
});

/** The same bits, except that +0 and -0 count as equal (and NaN as NaN): the index of the first difference, or -1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return 0;
  const bx = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const by = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < x.length; i++) if (bx[i] !== by[i] && !(x[i] === 0 && y[i] === 0)) return i;
  return -1;
}

/** Zeros in A, as the sparse path meets them. */
type Zeros = 'columns' | 'entries' | 'rows' | 'single' | 'all' | 'none';

/**
 * Operands with zeros in op(A) (m x k) by `zeros` at `level` (the fraction of zeros): 'columns'
 * zeroes whole steps of k per 4-row panel (MNIST's case: a pixel dark in 4 images), 'entries'
 * single values, 'rows' whole rows, 'single' leaves one non-zero, 'all' none.
 */
function sparseOperands(batch: number, m: number, k: number, n: number, ta: boolean, tb: boolean, zeros: Zeros, level: number, seed: number): Operands {
  const o = operands(batch ? [batch] : [], batch ? [batch] : [], m, k, n, ta, tb, seed);
  const rand = mulberry32(seed + 1);
  const at = (e: number, i: number, p: number) => e * m * k + (ta ? p * m + i : i * k + p);
  const lone = [Math.floor(rand() * m), Math.floor(rand() * k)] as const;
  for (let e = 0; e < Math.max(batch, 1); e++) {
    for (let i0 = 0; i0 < m; i0 += 4) {
      const deadSteps = Array.from({ length: k }, () => rand() < level);
      for (let i = i0; i < Math.min(i0 + 4, m); i++) {
        const deadRow = rand() < level;
        for (let p = 0; p < k; p++) {
          const zero = zeros === 'all' || (zeros === 'columns' && deadSteps[p]) || (zeros === 'entries' && rand() < level) ||
            (zeros === 'rows' && deadRow) || (zeros === 'single' && !(i === lone[0] && p === lone[1]));
          if (zero) o.a[at(e, i, p)] = 0;
        }
      }
    }
  }
  return o;
}

describe('zeros in A: the sparse path gives the dense kernel\'s bits', () => {
  /** tf.matMul with the sparse path taken below `below` (0: never). */
  const productAt = (v: GemmVariant, below: number, o: Operands, ta: boolean, tb: boolean) => {
    const previous = setGemmSparseBelow(below);
    try {
      return withKernel(v, () => product(o, ta, tb));
    } finally {
      setGemmSparseBelow(previous);
    }
  };
  const CASES: [Zeros, number][] = [['columns', 0.3], ['columns', 0.7], ['columns', 0.97], ['entries', 0.6], ['entries', 0.95], ['rows', 0.5], ['single', 1], ['all', 1], ['none', 0]];
  // Odd sizes (edge tiles in both directions), k over one block (2 x 262 and 3 x 262), m over one
  // row block, W1's two big products at MNIST-like sparsity.
  const SPARSE_SIZES: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [9, 33, 17], [130, 300, 21], [61, 785, 40], [128, 784, 24]];
  for (const [ta, tb] of FLAGS) {
    for (const [m, k, n] of SPARSE_SIZES) {
      it(`${m}x${k} @ ${k}x${n} transposeA=${ta} transposeB=${tb}, every zero pattern`, () => {
        CASES.forEach(([zeros, level], c) => {
          const o = sparseOperands(0, m, k, n, ta, tb, zeros, level, m * 13 + k + n * 7 + c * 101 + (ta ? 3 : 0) + (tb ? 5 : 0));
          const ref = exact(o, m, k, n, ta, tb, 0, 0);
          const stock = withKernel('stock', () => product(o, ta, tb));
          for (const v of VARIANTS) {
            const dense = productAt(v, 0, o, ta, tb);
            for (const below of [DEFAULT_SPARSE_BELOW, 1]) {
              const sparse = productAt(v, below, o, ta, tb);
              expect(sparse.shape).toEqual([m, n]);
              expect(firstDifference(sparse.values, dense.values), `${zeros} ${level}, ${v}, below ${below}`).toBe(-1);
              expect(worstRatio(sparse.values, ref.value, ref.bound)).toBeLessThanOrEqual(1);
              expect(worstRatio(sparse.values, stock.values, ref.bound.map((x) => 2 * x))).toBeLessThanOrEqual(1);
            }
          }
        });
      });
    }
  }

  for (const [ta, tb] of FLAGS) {
    it(`batched 3x 13x70 @ 70x11 transposeA=${ta} transposeB=${tb}`, () => {
      const o = sparseOperands(3, 13, 70, 11, ta, tb, 'columns', 0.8, 9);
      const dense = productAt('simd', 0, o, ta, tb);
      for (const v of VARIANTS) {
        const sparse = productAt(v, 1, o, ta, tb);
        if (v === 'simd') expect(firstDifference(sparse.values, dense.values)).toBe(-1);
        for (let i = 0; i < 3; i++) {
          const ref = exact(o, 13, 70, 11, ta, tb, i, i);
          expect(worstRatio(sparse.values, ref.value, ref.bound, i * 13 * 11)).toBeLessThanOrEqual(1);
        }
      }
    });
  }

  it('skips the zero steps: against an infinite B row, the dense kernel gives NaN and the sparse one the other terms', () => {
    // A's column 2 is zero in all rows (one panel), B's row 2 is infinite: 0 * Inf = NaN in the
    // dense sum, a skipped term in the sparse one (the documented difference).
    const [m, k, n] = [4, 8, 8];
    const o = operands([], [], m, k, n, false, false, 11);
    for (let i = 0; i < m; i++) o.a[i * k + 2] = 0;
    for (let j = 0; j < n; j++) o.b[2 * n + j] = Infinity;
    const dense = productAt('simd', 0, o, false, false);
    const sparse = productAt('simd', 1, o, false, false);
    expect(dense.values.every(Number.isNaN)).toBe(true);
    for (let j = 0; j < n; j++) o.b[2 * n + j] = 0;
    const ref = exact(o, m, k, n, false, false, 0, 0);
    expect(worstRatio(sparse.values, ref.value, ref.bound)).toBeLessThanOrEqual(1);
  });
});

describe('the fused bias and relu', () => {
  for (const [ta, tb] of FLAGS) {
    for (const activation of ['linear', 'relu'] as const) {
      it(`${activation} with a bias, 129x300 @ 300x33 transposeA=${ta} transposeB=${tb}`, () => {
        const o = operands([], [], 129, 300, 33, ta, tb, 5);
        const bias = Float32Array.from({ length: 33 }, (_, j) => (j % 7) - 3);
        const ref = exact(o, 129, 300, 33, ta, tb, 0, 0);
        for (const v of VARIANTS) {
          const ours = withKernel(v, () => tf.tidy(() => tf.fused.matMul({
            a: tf.tensor(o.a, o.aShape), b: tf.tensor(o.b, o.bShape), transposeA: ta, transposeB: tb, bias: tf.tensor1d(bias), activation,
          }).dataSync() as Float32Array));
          const want = ref.value.map((x, i) => {
            const y = x + bias[i % 33]!;
            return activation === 'relu' ? Math.max(0, y) : y;
          });
          // One more rounding for the bias: within the bound plus half an ulp of the result.
          const bound = ref.bound.map((x, i) => x + Math.abs(want[i]!) * 2 ** -23);
          expect(worstRatio(ours, want, bound)).toBeLessThanOrEqual(1);
        }
      });
    }
  }
});

describe('training', () => {
  it('a tiny classifier trains to the stock weights within tolerance, and repeats bit for bit per build', async () => {
    const train = (v: GemmVariant | 'stock') => {
      uninstallFastWasmMatMul();
      if (v !== 'stock') installFastWasmMatMul({ gemm: v });
      return trainTinyClassifier(() => tf.train.rmsprop(0.01));
    };
    const stock = await train('stock');
    for (const v of VARIANTS) {
      const first = await train(v);
      expect(await train(v)).toEqual(first);
      first.forEach((w, i) => w.forEach((x, j) => expect(Math.abs(x - stock[i]![j]!)).toBeLessThan(1e-4)));
    }
  });

  it('a seeded fitJob on MNIST gives the stock losses within tolerance, and repeats bit for bit per build', async () => {
    const parsed = parseRow({
      dataset: 'mnist:512', layers: 'dense(64, relu)', optimizer: 'rmsprop', lr: '0.001', batch_size: '32', epochs: '2', seed: '4',
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const spec = parsed.spec;
    const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
    const run = async (v: GemmVariant | 'stock') => {
      uninstallFastWasmMatMul();
      if (v !== 'stock') installFastWasmMatMul({ gemm: v });
      const r = await fitJob({ id: `gemm-${v}`, spec }, data, {
        onProgress: () => {}, cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm', backendReason: 'test',
      }, { step: 'stock' }); // the variants under tfjs' kernels (the fused dense step picks its own)
      return [...r.history.flatMap((e) => [e.loss, e.acc]), r.testLoss, r.testAcc];
    };
    const stock = await run('stock');
    for (const v of VARIANTS) {
      const first = await run(v);
      expect(await run(v)).toEqual(first);
      first.forEach((x, i) => expect(Math.abs(x! - stock[i]!), `value ${i}, ${v}`).toBeLessThan(2e-3));
      // MNIST's zero pixels take the sparse path (default threshold), and give the dense path's run.
      const previous = setGemmSparseBelow(0);
      try {
        expect(await run(v), `${v} without the sparse path`).toEqual(first);
      } finally {
        setGemmSparseBelow(previous);
      }
    }
  }, 180_000);
});
