/**
 * The wasm backend's matrix products with each kernel we can register, alternated in one process
 * so every kernel sees the same load: tfjs' stock kernel, the earlier route (transposes copied
 * for the stock kernel's XNNPACK path), and our GEMM (src/engine/train/kernels/gemm.wat) in its
 * plain-SIMD build and, where relaxed SIMD validates, its FMA build.
 *
 *   npx tsx bench/wasm-matmul.ts [--rounds=7] [--steps=20] [--only=products|train] [--relaxed] [--browser]
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
 * --browser also measures the products in Debian's chromium (relaxed SIMD on), in a page served
 * from memory (the rates module bundled with esbuild).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
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
const rates = await import('./wasm-matmul-rates.ts');
const { PRODUCTS, median, modes, use } = rates;
const { relaxedSimdSupported } = await import('../src/engine/train/kernels/gemm.ts');
await rates.ready();
const MODES = modes();
type Mode = (typeof MODES)[number];
const B = 128;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The products table: medians by wall time (and CPU time when measured), torch.mm beside. */
function productTable(r: { wall: Record<string, number[]>; cpu: Record<string, number[]> }, modeList: readonly string[]): string[][] {
  const hasCpu = Object.keys(r.cpu).length > 0;
  const rows: string[][] = [['product (m x k @ k x n)', ...modeList.map((m) => `${m} GFLOP/s${hasCpu ? ' wall (cpu)' : ''}`), 'torch.mm', 'best gemm / stock']];
  PRODUCTS.forEach((p, i) => {
    const torch = p.batch || p.fused ? null : torchMatmulGflops(p.m, p.k, p.n);
    const w = (mode: string) => median(r.wall[`${i}/${mode}`]!);
    const bestGemm = Math.max(...modeList.filter((m) => m.startsWith('gemm')).map(w));
    rows.push([
      `${p.name}: ${p.batch ? `${p.batch}x ` : ''}${p.m}x${p.k} @ ${p.k}x${p.n}`,
      ...modeList.map((mode) => `${fmt(w(mode), 1)}${hasCpu ? ` (${fmt(median(r.cpu[`${i}/${mode}`]!), 1)})` : ''}`),
      torch === null ? '—' : fmt(torch, 1),
      `${fmt(bestGemm / w('stock'), 2)}x`,
    ]);
  });
  return rows;
}

/** The same measurement in Debian's chromium: the rates module bundled (esbuild) into a page. */
async function browserRates(): Promise<{ wall: Record<string, number[]>; cpu: Record<string, number[]>; modes: string[] } | null> {
  const { CHROMIUM_PATH, launchChromium } = await import('../test/helpers/browser.ts');
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`chromium not found at ${CHROMIUM_PATH}: --browser skipped`);
    return null;
  }
  const { build } = await import('esbuild');
  const entry = `import * as r from ${JSON.stringify(fileURLToPath(new URL('./wasm-matmul-rates.ts', import.meta.url)))};
    window.__rates = async (rounds) => { await r.ready('/wasm/'); return { ...r.measureProducts(rounds), modes: r.modes() }; };`;
  const bundle = await build({ stdin: { contents: entry, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' }, bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'error' });
  const wasmDir = fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Served from memory on a made-up origin: no server, nothing fetched from the network.
    await page.route('http://bench.invalid/**', async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><script src="/bench.js"></script>' });
      if (path === '/bench.js') return route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0]!.text });
      if (path.startsWith('/wasm/') && path.endsWith('.wasm')) return route.fulfill({ contentType: 'application/wasm', body: readFileSync(wasmDir + path.slice(6)) });
      return route.fulfill({ status: 404 });
    });
    await page.goto('http://bench.invalid/');
    return await page.evaluate((rounds) => (window as unknown as { __rates(r: number): Promise<{ wall: Record<string, number[]>; cpu: Record<string, number[]>; modes: string[] }> }).__rates(rounds), ROUNDS);
  } finally {
    await browser.close();
  }
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
  const perMode = new Map<Mode, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      use(mode);
      for (let i = 0; i < 3; i++) await step();
      const t0 = performance.now();
      for (let i = 0; i < STEPS; i++) await step();
      perMode.set(mode, [...(perMode.get(mode) ?? []), (STEPS * B) / ((performance.now() - t0) / 1000)]);
    }
  }
  model.dispose();
  optimizer.dispose();
  const stock = median(perMode.get('stock')!);
  const rows = [['kernel', 'W1 samples/s (median)', 'vs stock'], ...MODES.map((m) => [m, fmt(median(perMode.get(m)!)), `${fmt(median(perMode.get(m)!) / stock, 2)}x`])];
  return { rows, data: data.name };
}

const m = await machine();
console.log(`wasm matmul kernels, alternated in one process, medians of ${ROUNDS} rounds; relaxed SIMD in Node ${relaxedSimdSupported() ? 'on' : 'off'}` +
  `${process.argv.includes('--relaxed') ? ' (--relaxed: V8 flag set in this process)' : ''}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const sections: string[] = [];
const out: Record<string, unknown> = { rounds: ROUNDS, relaxedInNode: relaxedSimdSupported() };
if (only !== 'train') {
  const rows = productTable(rates.measureProducts(ROUNDS, cpuMs), MODES);
  console.log(`\nNode ${process.version}:\n${textTable(rows)}`);
  sections.push(`Node ${process.version}:\n\n${markdownTable(rows)}`);
  out['products'] = rows;
}
if (process.argv.includes('--browser')) {
  const r = await browserRates();
  if (r !== null) {
    const rows = productTable(r, r.modes);
    console.log(`\nchromium (main thread of a page):\n${textTable(rows)}`);
    sections.push(`chromium (main thread of a page):\n\n${markdownTable(rows)}`);
    out['browserProducts'] = rows;
  }
}
if (only !== 'products') {
  const { rows, data } = await trainingRates();
  console.log(`\nW1 trainOnBatch, ${STEPS} steps per kernel per round (${data}):\n${textTable(rows)}`);
  sections.push(`W1 trainOnBatch, ${STEPS} steps per kernel per round (${data}):\n\n${markdownTable(rows)}`);
  out['train'] = rows;
}
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
save('wasm-matmul', m, out, sections.join('\n\n'));
