/**
 * The wasm backend's matrix products with each kernel we can register, alternated in one process
 * so every kernel sees the same load: tfjs' stock kernel, the earlier route (transposes copied
 * for the stock kernel's XNNPACK path), and our GEMM (src/engine/train/kernels/gemm.wat) in its
 * plain-SIMD build and, where relaxed SIMD validates, its FMA build.
 *
 *   npx tsx bench/wasm-matmul.ts [--rounds=7] [--steps=20] [--only=products|train] [--relaxed]
 *
 * 1. GFLOP/s per product: W1's five (forward, the weight gradients with transposeA, the second
 *    layer's input gradient with transposeB), W1's fused forward (bias + relu, as predict and
 *    evaluate run it), a batched product and two of the CNN's im2col products; beside torch.mm on
 *    one thread (same sizes, untransposed). Rates by wall time and by CPU time of this process
 *    (on a loaded machine the CPU rate is the steadier one).
 * 2. W1 training (MLP 784-512-10, RMSprop, batch 128, trainOnBatch on MNIST or random data):
 *    samples/s per kernel, a round of --steps steps each, kernels alternated per round.
 * Medians over --rounds rounds. --relaxed turns on Node 20's --experimental-wasm-relaxed-simd
 * (not available to the app's Node workers, which get the plain build) to measure the FMA build.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { mulberry32 } from '../src/engine/train/rng.ts';
import { fmt, machine, markdownTable, save, textTable } from './lib/report.ts';
import { torchMatmulGflops } from './lib/torch.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
function positive(name: string, fallback: number): number {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`Expected --${name} to be a positive integer, but got ${arg(name)}`);
  return v;
}
const ROUNDS = positive('rounds', 7);
const STEPS = positive('steps', 20);
const only = arg('only');
if (process.argv.includes('--relaxed')) setFlagsFromString('--experimental-wasm-relaxed-simd');

const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
const { installFastWasmMatMul, uninstallFastWasmMatMul } = await import('../src/engine/train/wasm-kernels.ts');
const { installDirectWasmKernels } = await import('../src/engine/train/kernels/wasm-direct.ts');
const { relaxedSimdSupported } = await import('../src/engine/train/kernels/gemm.ts');
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
await tf.ready();
installDirectWasmKernels(); // as the trainer does: the earlier route's Transpose is the direct one

type Mode = 'stock' | 'materialized' | 'gemm simd' | 'gemm relaxed';
const MODES: Mode[] = ['stock', 'materialized', 'gemm simd', ...(relaxedSimdSupported() ? ['gemm relaxed' as const] : [])];
function use(mode: Mode): void {
  uninstallFastWasmMatMul();
  if (mode === 'materialized') installFastWasmMatMul({ gemm: false });
  if (mode === 'gemm simd') installFastWasmMatMul({ gemm: 'simd' });
  if (mode === 'gemm relaxed') installFastWasmMatMul({ gemm: 'relaxed' });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Product {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly batch?: number;
  readonly ta?: boolean;
  readonly tb?: boolean;
  readonly fused?: boolean;
}
const B = 128;
const PRODUCTS: Product[] = [
  { name: 'W1 forward', m: B, k: 784, n: 512 },
  { name: 'W1 dW1 (tA)', m: 784, k: B, n: 512, ta: true },
  { name: 'W1 forward 2', m: B, k: 512, n: 10 },
  { name: 'W1 dW2 (tA)', m: 512, k: B, n: 10, ta: true },
  { name: 'W1 dX2 (tB)', m: B, k: 10, n: 512, tb: true },
  { name: 'W1 fused forward (bias, relu)', m: B, k: 784, n: 512, fused: true },
  { name: 'batched 8x', m: 64, k: 64, n: 64, batch: 8 },
  { name: 'CNN conv2 im2col', m: 7744, k: 288, n: 64 },
  { name: 'CNN conv2 filter grad (tA)', m: 288, k: 7744, n: 64, ta: true },
];

function productRates(): string[][] {
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const operands = PRODUCTS.map((p) => {
    const lead = p.batch ? [p.batch] : [];
    return {
      a: tf.randomUniform([...lead, ...(p.ta ? [p.k, p.m] : [p.m, p.k])], -1, 1, 'float32', 1),
      b: tf.randomUniform([...lead, ...(p.tb ? [p.n, p.k] : [p.k, p.n])], -1, 1, 'float32', 2),
      bias: tf.randomUniform([p.n], -1, 1, 'float32', 3),
    };
  });
  const run = (p: Product, o: (typeof operands)[number]) => (p.fused
    ? tf.fused.matMul({ a: o.a as Tensor2D, b: o.b as Tensor2D, transposeA: p.ta, transposeB: p.tb, bias: o.bias, activation: 'relu' })
    : tf.matMul(o.a, o.b, p.ta, p.tb));
  for (let round = 0; round < ROUNDS; round++) {
    PRODUCTS.forEach((p, i) => {
      const flops = 2 * p.m * p.k * p.n * (p.batch ?? 1);
      const reps = Math.max(3, Math.round(1.5e8 / flops));
      for (const mode of MODES) {
        use(mode);
        run(p, operands[i]!).dispose(); // warm: compiled, workspace grown
        const c0 = cpuMs();
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) run(p, operands[i]!).dispose();
        const key = `${i}/${mode}`;
        wall.set(key, [...(wall.get(key) ?? []), (flops * reps) / (performance.now() - t0) / 1e6]);
        cpu.set(key, [...(cpu.get(key) ?? []), (flops * reps) / Math.max(cpuMs() - c0, 1e-3) / 1e6]);
      }
    });
  }
  operands.forEach((o) => tf.dispose([o.a, o.b, o.bias]));
  const rows: string[][] = [['product (m x k @ k x n)', ...MODES.map((m) => `${m} GFLOP/s wall (cpu)`), 'torch.mm', 'best gemm / stock']];
  PRODUCTS.forEach((p, i) => {
    const torch = p.batch || p.fused ? null : torchMatmulGflops(p.m, p.k, p.n);
    const w = (mode: Mode) => median(wall.get(`${i}/${mode}`)!);
    const bestGemm = Math.max(...MODES.filter((m) => m.startsWith('gemm')).map(w));
    rows.push([
      `${p.name}: ${p.batch ? `${p.batch}x ` : ''}${p.m}x${p.k} @ ${p.k}x${p.n}`,
      ...MODES.map((mode) => `${fmt(w(mode), 1)} (${fmt(median(cpu.get(`${i}/${mode}`)!), 1)})`),
      torch === null ? '—' : fmt(torch, 1),
      `${fmt(bestGemm / w('stock'), 2)}x`,
    ]);
  });
  return rows;
}

async function trainSet(): Promise<{ name: string; features: Uint8Array; labels: Uint8Array }> {
  if (existsSync(fileURLToPath(new URL('../public/data/mnist.bin', import.meta.url)))) {
    const { loadDatasetFile } = await import('../src/engine/data/load-node.ts');
    const r = await loadDatasetFile('mnist');
    if (r.ok && r.value.dtype === 'uint8') return { name: 'MNIST', features: r.value.train.features as Uint8Array, labels: r.value.train.labels };
  }
  const rand = mulberry32(1);
  return {
    name: 'random 60,000x784',
    features: new Uint8Array(60_000 * 784).map(() => Math.floor(rand() * 256)),
    labels: new Uint8Array(60_000).map(() => Math.floor(rand() * 10)),
  };
}

async function trainingRates(): Promise<{ rows: string[][]; data: string }> {
  const data = await trainSet();
  const perEpoch = Math.floor(data.labels.length / B);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 512, activation: 'relu', inputShape: [784], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const optimizer = tf.train.rmsprop(0.001);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xs = new Float32Array(B * 784);
  const ys = new Int32Array(B);
  let b = 0;
  const step = async (): Promise<void> => {
    const start = (b++ % perEpoch) * B;
    for (let i = 0; i < xs.length; i++) xs[i] = data.features[start * 784 + i]! / 255;
    for (let i = 0; i < B; i++) ys[i] = data.labels[start + i]!;
    const x = tf.tensor2d(xs, [B, 784]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), 10));
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
  };
  const rates = new Map<Mode, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      use(mode);
      for (let i = 0; i < 3; i++) await step();
      const t0 = performance.now();
      for (let i = 0; i < STEPS; i++) await step();
      rates.set(mode, [...(rates.get(mode) ?? []), (STEPS * B) / ((performance.now() - t0) / 1000)]);
    }
  }
  model.dispose();
  optimizer.dispose();
  const stock = median(rates.get('stock')!);
  const rows = [['kernel', 'W1 samples/s (median)', 'vs stock'], ...MODES.map((m) => [m, fmt(median(rates.get(m)!)), `${fmt(median(rates.get(m)!) / stock, 2)}x`])];
  return { rows, data: data.name };
}

const m = await machine();
console.log(`wasm matmul kernels, alternated in one process, medians of ${ROUNDS} rounds; relaxed SIMD ${relaxedSimdSupported() ? 'on' : 'off'}` +
  `${process.argv.includes('--relaxed') ? ' (--relaxed: V8 flag set in this process)' : ''}`);
const sections: string[] = [];
const out: Record<string, unknown> = { rounds: ROUNDS, relaxed: relaxedSimdSupported() };
if (only !== 'train') {
  const rows = productRates();
  console.log(`\n${textTable(rows)}`);
  sections.push(markdownTable(rows));
  out['products'] = rows;
}
if (only !== 'products') {
  const { rows, data } = await trainingRates();
  console.log(`\nW1 trainOnBatch, ${STEPS} steps per kernel per round (${data}):\n${textTable(rows)}`);
  sections.push(`W1 trainOnBatch, ${STEPS} steps per kernel per round (${data}):\n\n${markdownTable(rows)}`);
  out['train'] = rows;
}
save('wasm-matmul', m, out, sections.join('\n\n'));
