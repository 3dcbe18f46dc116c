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

/**
 * The Alea generator as seedrandom 3 implements it (`seedrandom.alea(seed)`), which tfjs' seeded
 * initializers draw from (tfjs-core's UniformRandom): the same seed string gives the same stream,
 * bit for bit. dense/start.ts draws a fused job's initial weights with it instead of through a
 * tfjs op and tensor; test/engine/train/dense-finish.test.ts checks them against buildModel's.
 */
export function alea(seed: string): () => number {
  let n = 0xefc8249d;
  const mash = (data: string): number => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
  let c = 1;
  let s0 = mash(' '), s1 = mash(' '), s2 = mash(' ');
  s0 -= mash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= mash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= mash(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    return (s2 = t - (c = t | 0));
  };
}
