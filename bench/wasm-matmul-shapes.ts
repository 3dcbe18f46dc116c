/**
 * Our GEMM (kernels/gemm.wat) called directly on the wasm heap, per build, on the conv2 products
 * of the W4-style CNN at batch 64 (13x13x32 -> 64, 3x3: M = 64·11·11, K = 288, N = 64) in the
 * layouts the trainer runs them, beside large square products (its best case): CPU ms and
 * GFLOP per CPU-second, medians of alternated rounds. No tfjs bookkeeping, no packing of XNNPACK.
 *
 *   npx tsx bench/wasm-matmul-shapes.ts [--rounds=7]
 */
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { enableRelaxedSimd, gemmFor, setGemmSparseBelow, type GemmVariant } from '../src/engine/train/kernels/gemm.ts';

const relaxed = enableRelaxedSimd(setFlagsFromString);
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 7);
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
await tf.ready();
setGemmSparseBelow(0); // dense inputs: the sparse path's counting pass only

interface Shape { name: string; m: number; n: number; k: number; ta: boolean; tb: boolean }
const M = 64 * 11 * 11;
const shapes: Shape[] = [
  { name: 'conv2 fwd   cols·W      ', m: M, n: 64, k: 288, ta: false, tb: false },
  { name: 'conv2 fwd   colsTᵀ·W    ', m: M, n: 64, k: 288, ta: true, tb: false },
  { name: 'conv2 dW    colsT·dy    ', m: 288, n: 64, k: M, ta: false, tb: false },
  { name: 'conv2 dx    dy·Wᵀ(copy) ', m: M, n: 288, k: 64, ta: false, tb: false },
  { name: 'conv2 dx    dy·Wᵀ(flag) ', m: M, n: 288, k: 64, ta: false, tb: true },
  { name: 'square 256             ', m: 256, n: 256, k: 256, ta: false, tb: false },
  { name: 'square 512             ', m: 512, n: 512, k: 512, ta: false, tb: false },
  { name: 'square 1024            ', m: 1024, n: 1024, k: 1024, ta: false, tb: false },
];
const variants: GemmVariant[] = relaxed ? ['relaxed', 'simd'] : ['simd'];
const backend = tf.backend();
const times = new Map<string, number[]>();
const tensors = shapes.map((s) => {
  const a = tf.randomUniform([s.m * s.k], -1, 1);
  const b = tf.randomUniform([s.k * s.n], -1, 1);
  const c = tf.zeros([s.m * s.n]);
  return { a, b, c };
});
const addr = (t: tf.Tensor): number => (backend as unknown as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
for (let r = 0; r < rounds + 1; r++) {
  for (const [i, s] of shapes.entries()) {
    for (const v of variants) {
      const g = gemmFor(backend, v)!;
      const { a, b, c } = tensors[i]!;
      const reps = Math.max(1, Math.round(2e8 / (2 * s.m * s.n * s.k)));
      const t = process.cpuUsage();
      for (let q = 0; q < reps; q++) g.matmul(addr(a), addr(b), addr(c), s.m, s.n, s.k, s.ta, s.tb);
      const u = process.cpuUsage(t);
      if (r > 0) {
        const key = `${s.name} ${v}`;
        (times.get(key) ?? times.set(key, []).get(key)!).push((u.user + u.system) / 1000 / reps);
      }
    }
  }
}
console.log(`GEMM on the heap, CPU ms per product (median of ${rounds}), relaxed SIMD ${relaxed ? 'on' : 'off'}`);
for (const s of shapes) {
  for (const v of variants) {
    const ts = times.get(`${s.name} ${v}`)!.sort((p, q) => p - q);
    const med = ts[ts.length >> 1]!;
    console.log(`${s.name} ${v.padEnd(7)} m=${s.m} n=${s.n} k=${s.k}  ${med.toFixed(2).padStart(7)} ms  ${(2 * s.m * s.n * s.k / med / 1e6).toFixed(1).padStart(5)} GFLOP/s`);
  }
}
