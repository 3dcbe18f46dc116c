/**
 * The measurements of bench/wasm-matmul.ts, free of Node APIs so the same code runs in Node and,
 * bundled, in a chromium page (bench/wasm-matmul.ts --browser): GFLOP/s per product and W1
 * training throughput for each matmul kernel we can register on tfjs' wasm backend, alternated
 * per round.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installFastWasmMatMul, uninstallFastWasmMatMul } from '../src/engine/train/wasm-kernels.ts';
import { installDirectWasmKernels } from '../src/engine/train/kernels/wasm-direct.ts';
import { DEFAULT_SPARSE_BELOW, relaxedSimdSupported, setGemmSparseBelow } from '../src/engine/train/kernels/gemm.ts';
import { mulberry32 } from '../src/engine/train/rng.ts';

/** 'gemm …' modes skip zero steps of A as the app does; '… dense' modes have that turned off. */
export type Mode = 'stock' | 'materialized' | 'gemm simd dense' | 'gemm simd' | 'gemm relaxed dense' | 'gemm relaxed';

/** The kernels this engine can run: the relaxed build only where relaxed SIMD validates. */
export const modes = (): Mode[] => [
  'stock', 'materialized', 'gemm simd dense', 'gemm simd', ...(relaxedSimdSupported() ? ['gemm relaxed dense' as const, 'gemm relaxed' as const] : []),
];

/** Registers `mode`'s kernels (after the direct kernels, as the trainer does). */
export function use(mode: Mode): void {
  installDirectWasmKernels();
  uninstallFastWasmMatMul();
  setGemmSparseBelow(mode.endsWith('dense') ? 0 : DEFAULT_SPARSE_BELOW);
  if (mode === 'materialized') installFastWasmMatMul({ gemm: false });
  if (mode.startsWith('gemm simd')) installFastWasmMatMul({ gemm: 'simd' });
  if (mode.startsWith('gemm relaxed')) installFastWasmMatMul({ gemm: 'relaxed' });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface Product {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly batch?: number;
  readonly ta?: boolean;
  readonly tb?: boolean;
  readonly fused?: boolean;
  /** A is a batch of images (x / 255, as training feeds them): the sparse path's case. */
  readonly images?: boolean;
}

const B = 128;
export const PRODUCTS: Product[] = [
  { name: 'W1 forward', m: B, k: 784, n: 512 },
  { name: 'W1 dW1 (tA)', m: 784, k: B, n: 512, ta: true },
  { name: 'W1 forward 2', m: B, k: 512, n: 10 },
  { name: 'W1 dW2 (tA)', m: 512, k: B, n: 10, ta: true },
  { name: 'W1 dX2 (tB)', m: B, k: 10, n: 512, tb: true },
  { name: 'W1 fused forward (bias, relu)', m: B, k: 784, n: 512, fused: true },
  { name: 'W1 forward, images', m: B, k: 784, n: 512, images: true },
  { name: 'W1 dW1 (tA), images', m: 784, k: B, n: 512, ta: true, images: true },
  { name: 'batched 8x', m: 64, k: 64, n: 64, batch: 8 },
  { name: 'CNN conv2 im2col', m: 7744, k: 288, n: 64 },
  { name: 'CNN conv2 filter grad (tA)', m: 288, k: 7744, n: 64, ta: true },
];

/** Per product index and mode: GFLOP/s by wall time and (where `cpuMs` is given) by CPU time. */
export interface Rates {
  readonly wall: Record<string, number[]>;
  readonly cpu: Record<string, number[]>;
}

/** Sets up the wasm backend (wasmPaths: where the .wasm files are served, in a page). */
export async function ready(wasmPaths?: string): Promise<void> {
  if (wasmPaths !== undefined) {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(wasmPaths);
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  await tf.ready();
}

/**
 * Each product with each mode in turn, `rounds` times; each timing runs about 0.15 GFLOP (counted
 * as dense: a product on images reports the rate of the dense product it stands for). `images`
 * gives the images products their A (its first 128 images; default digitLikeTrainSet()).
 */
export function measureProducts(rounds: number, cpuMs?: () => number, images: TrainSet = digitLikeTrainSet(B)): Rates {
  const rates: Rates = { wall: {}, cpu: {} };
  const push = (r: Record<string, number[]>, key: string, v: number) => { (r[key] ??= []).push(v); };
  const x = Float32Array.from(images.features.subarray(0, B * 784), (v) => v / 255);
  const operands = PRODUCTS.map((p) => {
    const lead = p.batch ? [p.batch] : [];
    return {
      // images: X (128 x 784) itself, read as A (forward) or as Aᵀ (the weight gradient)
      a: p.images ? tf.tensor2d(x, [B, 784]) : tf.randomUniform([...lead, ...(p.ta ? [p.k, p.m] : [p.m, p.k])], -1, 1, 'float32', 1),
      b: tf.randomUniform([...lead, ...(p.tb ? [p.n, p.k] : [p.k, p.n])], -1, 1, 'float32', 2),
      bias: tf.randomUniform([p.n], -1, 1, 'float32', 3),
    };
  });
  const run = (p: Product, o: (typeof operands)[number]) => (p.fused
    ? tf.fused.matMul({ a: o.a as tf.Tensor2D, b: o.b as tf.Tensor2D, transposeA: p.ta, transposeB: p.tb, bias: o.bias, activation: 'relu' })
    : tf.matMul(o.a, o.b, p.ta, p.tb));
  for (let round = 0; round < rounds; round++) {
    PRODUCTS.forEach((p, i) => {
      const flops = 2 * p.m * p.k * p.n * (p.batch ?? 1);
      const reps = Math.max(3, Math.round(1.5e8 / flops));
      for (const mode of modes()) {
        use(mode);
        run(p, operands[i]!).dispose(); // warm: compiled, workspace grown
        const c0 = cpuMs?.() ?? 0;
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) run(p, operands[i]!).dispose();
        push(rates.wall, `${i}/${mode}`, (flops * reps) / (performance.now() - t0) / 1e6);
        if (cpuMs) push(rates.cpu, `${i}/${mode}`, (flops * reps) / Math.max(cpuMs() - c0, 1e-3) / 1e6);
      }
    });
  }
  operands.forEach((o) => tf.dispose([o.a, o.b, o.bias]));
  use('stock');
  return rates;
}

/** Training samples: 784 bytes per image and a label per image. */
export interface TrainSet {
  readonly name: string;
  readonly features: Uint8Array;
  readonly labels: Uint8Array;
}

/**
 * Seeded digit-like images, when MNIST is not at hand (a page; a checkout without data): 2-4
 * strokes of 2-pixel pen in the middle 20x20 of a dark 28x28 square, about MNIST's share of
 * zero pixels (81 %), so the sparse path sees about what it sees on MNIST.
 */
export function digitLikeTrainSet(n = 10_000): TrainSet {
  const rand = mulberry32(7);
  const features = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) {
    const img = features.subarray(i * 784, i * 784 + 784);
    const strokes = 2 + Math.floor(rand() * 3);
    let [x, y] = [4 + rand() * 20, 4 + rand() * 20];
    for (let s = 0; s < strokes; s++) {
      const [x1, y1] = [4 + rand() * 20, 4 + rand() * 20];
      for (let t = 0; t <= 1; t += 0.02) {
        const [px, py] = [Math.floor(x + (x1 - x) * t), Math.floor(y + (y1 - y) * t)];
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) img[(py + dy) * 28 + px + dx] = 128 + Math.floor(rand() * 128);
      }
      [x, y] = [x1, y1];
    }
  }
  return { name: `digit-like ${n}x784`, features, labels: new Uint8Array(n).map(() => Math.floor(rand() * 10)) };
}

/**
 * What the sparse path meets on these images, over batches of 128 as training cuts them: the
 * share of zero pixels, and the share of steps of k with a non-zero in a 4-row panel of A in
 * the forward product (4 images x 784 pixels) and in the weight gradient (4 pixels x 128 images).
 */
export function sparsityOf(data: TrainSet, batches = 40): { zeros: number; forwardLive: number; gradientLive: number } {
  const f = data.features;
  const count = Math.min(batches, Math.floor(f.length / 784 / B));
  let zeros = 0;
  let fwd = 0;
  let grad = 0;
  const live = (i: number, p: number) => f[i * 784 + p] !== 0;
  for (let b = 0; b < count; b++) {
    const i0 = b * B;
    for (let i = i0; i < i0 + B; i++) for (let p = 0; p < 784; p++) zeros += live(i, p) ? 0 : 1;
    for (let i = i0; i < i0 + B; i += 4) for (let p = 0; p < 784; p++) fwd += live(i, p) || live(i + 1, p) || live(i + 2, p) || live(i + 3, p) ? 1 : 0;
    for (let p = 0; p < 784; p += 4) for (let i = i0; i < i0 + B; i++) grad += live(i, p) || live(i, p + 1) || live(i, p + 2) || live(i, p + 3) ? 1 : 0;
  }
  const all = count * B * 784;
  return { zeros: zeros / all, forwardLive: fwd / (all / 4), gradientLive: grad / (all / 4) };
}

/**
 * W1 (MLP 784-512-10, RMSprop 0.001, batch 128) trainOnBatch samples/s per mode, by wall time
 * and (with `cpuMs`) per CPU-second: each round, each mode in turn trains 3 warm-up and `steps`
 * timed steps of one shared model.
 */
export async function measureTraining(rounds: number, steps: number, data: TrainSet, cpuMs?: () => number): Promise<Rates> {
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
  const perMode: Rates = { wall: {}, cpu: {} };
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes()) {
      use(mode);
      for (let i = 0; i < 3; i++) await step();
      const c0 = cpuMs?.() ?? 0;
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await step();
      (perMode.wall[mode] ??= []).push((steps * B) / ((performance.now() - t0) / 1000));
      if (cpuMs) (perMode.cpu[mode] ??= []).push((steps * B) / (Math.max(cpuMs() - c0, 1e-3) / 1000));
    }
  }
  model.dispose();
  optimizer.dispose();
  use('stock');
  return perMode;
}
