/**
 * Two builds of gemm.wat's relaxed (FMA) module, alternated in one process on the same operands:
 * the committed one (git show HEAD:src/engine/train/kernels/gemm-simd.wasm.ts > OLD) against the
 * working tree's. CPU ms per product, medians.
 *
 *   npx tsx bench/wasm-matmul-ab.ts OLD.wasm.ts [--rounds=15] [--sparse-below=0]
 */
import { setFlagsFromString } from 'node:v8';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { GEMM_RELAXED_WASM } from '../src/engine/train/kernels/gemm-simd.wasm.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const oldPath = process.argv[2]!;
const { GEMM_RELAXED_WASM: OLD } = (await import(pathToFileURL(oldPath).href)) as { GEMM_RELAXED_WASM: string };
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 15);
const thr = Math.round(256 * Number(process.argv.find((a) => a.startsWith('--sparse-below='))?.slice(15) ?? 0));
if (!(await tf.setBackend('wasm'))) throw new Error('no wasm');
await tf.ready();
const mod = (tf.backend() as unknown as { wasm: { asm?: { memory: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory; _malloc(n: number): number } }).wasm;
const memory = (mod.asm?.memory ?? mod.wasmMemory)!;
interface X { gemm(...a: number[]): void; workspace(m: number, n: number, k: number): number }
const inst = (b64: string) => new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))), { env: { memory } }).exports as unknown as X;
const builds: [string, X][] = [['old', inst(OLD)], ['new', inst(GEMM_RELAXED_WASM)]];
const M = 64 * 11 * 11;
const shapes = [
  { name: 'fwd colsTᵀ·W', m: M, n: 64, k: 288, ta: 1, tb: 0 },
  { name: 'dW dyᵀ·cols ', m: 64, n: 288, k: M, ta: 1, tb: 1 },
  { name: 'dx dy·Wᵀ    ', m: M, n: 288, k: 64, ta: 0, tb: 0 },
  { name: 'square 512  ', m: 512, n: 512, k: 512, ta: 0, tb: 0 },
  { name: 'W1 fwd      ', m: 128, n: 512, k: 784, ta: 0, tb: 0 },
];
const addr = (t: tf.Tensor) => (tf.backend() as unknown as { dataIdMap: { get(id: unknown): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
const ops = shapes.map((s) => ({ a: tf.randomUniform([s.m * s.k], -1, 1), b: tf.randomUniform([s.k * s.n], -1, 1), c: tf.zeros([s.m * s.n]) }));
const ws = ((mod._malloc(builds[0]![1].workspace(M, 512, M) + 16) >>> 0) + 15) & ~15;
const times = new Map<string, number[]>();
for (let r = 0; r <= rounds; r++) {
  for (const [i, s] of shapes.entries()) {
    for (const [name, x] of r % 2 ? builds : [...builds].reverse()) {
      const o = ops[i]!;
      const t = process.cpuUsage();
      x.gemm(addr(o.a), addr(o.b), addr(o.c), s.m, s.n, s.k, s.ta, s.tb, ws, thr);
      const u = process.cpuUsage(t);
      if (r > 0) (times.get(`${s.name} ${name}`) ?? times.set(`${s.name} ${name}`, []).get(`${s.name} ${name}`)!).push((u.user + u.system) / 1000);
    }
  }
}
for (const s of shapes) {
  const line = builds.map(([name]) => {
    const ts = times.get(`${s.name} ${name}`)!.sort((p, q) => p - q);
    const med = ts[ts.length >> 1]!;
    return `${name} ${med.toFixed(2).padStart(6)} ms ${(2 * s.m * s.n * s.k / med / 1e6).toFixed(1).padStart(5)} GFLOP/s`;
  });
  console.log(`${s.name}  ${line.join('   ')}`);
}
