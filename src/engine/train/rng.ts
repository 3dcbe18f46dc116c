/**
 * Seeded randomness for everything a run draws: data, splits, shuffling and initializer seeds.
 * Math.random is never used, so the same seed on the same backend gives the same run.
 */

/** mulberry32: small, fast, and good enough for shuffles and toy data. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A child seed for one purpose (`'data'`, `'shuffle'`, `'init'`…), so streams never overlap. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = 2166136261 ^ (seed >>> 0);
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Fisher–Yates permutation of 0..n-1; into `into` when it holds n (a training loop reuses one per job). */
export function permutation(n: number, rand: () => number, into?: Int32Array): Int32Array {
  const p = into?.length === n ? into : new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Standard normal by Box–Muller. */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
