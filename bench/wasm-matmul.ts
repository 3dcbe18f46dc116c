/**
 * The wasm backend's matrix products with each kernel we can register, alternated in one process
 * so every kernel sees the same load: tfjs' stock kernel, the earlier route (transposes copied
 * for the stock kernel's XNNPACK path), and our GEMM (src/engine/train/kernels/gemm.wat) in its
 * plain-SIMD build and, where relaxed SIMD validates, its FMA build, each with zero steps of A
 * skipped (what the app runs) and without ('dense').
 *
 *   npx tsx bench/wasm-matmul.ts [--rounds=7] [--steps=20] [--only=products|train] [--data=mnist|fashion-mnist] [--no-relaxed] [--browser]
 *
 * 1. GFLOP/s per product: W1's five (forward, the weight gradients with transposeA, the second
 *    layer's input gradient with transposeB), W1's fused forward (bias + relu, as predict and
 *    evaluate run it), W1's forward and weight gradient on real images (--data, first 128; MNIST
 *    by default: 81 % zero pixels, the sparse path's case; rates counted as dense FLOPs), a
 *    batched product and two of the CNN's im2col products; beside torch.mm on one thread (same
 *    sizes, untransposed). Rates by wall time and by CPU time of this process (on a loaded machine
 *    the CPU rate is the steadier one).
 * 2. W1 training (MLP 784-512-10, RMSprop, batch 128, trainOnBatch on --data's images, or digit-like generated ones):
 *    samples/s per kernel, a round of --steps steps each, kernels alternated per round.
 * Medians over --rounds rounds. Node 20's relaxed SIMD (--experimental-wasm-relaxed-simd) is
 * turned on in this process as the app's Node workers do (src/workers/train.node-worker.ts);
 * --no-relaxed leaves it off. --browser also measures the products in Debian's chromium (relaxed
 * SIMD on), in a page served from memory (the rates module bundled with esbuild), on digit-like
 * generated images.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import type { TrainSet } from './wasm-matmul-rates.ts';
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
const dataArg = arg('data') ?? 'mnist';
if (dataArg !== 'mnist' && dataArg !== 'fashion-mnist') throw new Error(`Expected --data=mnist or fashion-mnist, but got ${dataArg}`);
const dataName: 'mnist' | 'fashion-mnist' = dataArg;
const { enableRelaxedSimd } = await import('../src/engine/train/kernels/gemm.ts');
if (!process.argv.includes('--no-relaxed')) enableRelaxedSimd(setFlagsFromString);

const tf = await import('@tensorflow/tfjs');
const rates = await import('./wasm-matmul-rates.ts');
const { PRODUCTS, median, modes, use } = rates;
const { relaxedSimdSupported } = await import('../src/engine/train/kernels/gemm.ts');
await rates.ready();
const MODES = modes();

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
async function browserRates(): Promise<{ products: { wall: Record<string, number[]>; cpu: Record<string, number[]>; modes: string[] } | null; train: { wall: Record<string, number[]>; cpu: Record<string, number[]> } | null } | null> {
  const { CHROMIUM_PATH, launchChromium } = await import('../test/helpers/browser.ts');
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`chromium not found at ${CHROMIUM_PATH}: --browser skipped`);
    return null;
  }
  const { build } = await import('esbuild');
  const entry = `import * as r from ${JSON.stringify(fileURLToPath(new URL('./wasm-matmul-rates.ts', import.meta.url)))};
    window.__rates = async (rounds) => { await r.ready('/wasm/'); return { ...r.measureProducts(rounds), modes: r.modes() }; };
    window.__train = async (rounds, steps) => { await r.ready('/wasm/'); return r.measureTraining(rounds, steps, r.digitLikeTrainSet()); };`;
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
    type Page = { __rates(r: number): Promise<{ wall: Record<string, number[]>; cpu: Record<string, number[]>; modes: string[] }>; __train(r: number, s: number): Promise<{ wall: Record<string, number[]>; cpu: Record<string, number[]> }> };
    const products = only === 'train' ? null : await page.evaluate((rounds) => (window as unknown as Page).__rates(rounds), ROUNDS);
    const train = only === 'products' ? null : await page.evaluate(([rounds, steps]) => (window as unknown as Page).__train(rounds!, steps!), [ROUNDS, STEPS]);
    return { products, train };
  } finally {
    await browser.close();
  }
}

async function trainSet(): Promise<TrainSet> {
  if (existsSync(fileURLToPath(new URL(`../public/data/${dataName}.bin`, import.meta.url)))) {
    const { loadDatasetFile } = await import('../src/engine/data/load-node.ts');
    const r = await loadDatasetFile(dataName);
    if (r.ok && r.value.dtype === 'uint8') return { name: dataName === 'mnist' ? 'MNIST' : 'Fashion-MNIST', features: r.value.train.features as Uint8Array, labels: r.value.train.labels };
  }
  return rates.digitLikeTrainSet(60_000);
}

/** Medians, and every round's value (rounds run in order, so a load change shows across a row). */
function trainingTable(r: { wall: Record<string, number[]>; cpu: Record<string, number[]> }): string[][] {
  const stock = median(r.wall['stock']!);
  const hasCpu = Object.keys(r.cpu).length > 0;
  const cpuStock = hasCpu ? median(r.cpu['stock']!) : NaN;
  return [['kernel', 'W1 samples/s (median)', 'vs stock', ...(hasCpu ? ['per CPU-second', 'vs stock'] : []), 'each round'],
    ...Object.entries(r.wall).map(([mode, w]) => [
      mode, fmt(median(w)), `${fmt(median(w) / stock, 2)}x`,
      ...(hasCpu ? [fmt(median(r.cpu[mode]!)), `${fmt(median(r.cpu[mode]!) / cpuStock, 2)}x`] : []),
      w.map((v) => fmt(v)).join(' '),
    ])];
}

const m = await machine();
const data = await trainSet();
const sparsity = rates.sparsityOf(data);
const pct = (x: number) => `${fmt(100 * x, 0)} %`;
console.log(`wasm matmul kernels, alternated in one process, medians of ${ROUNDS} rounds; relaxed SIMD in Node ${relaxedSimdSupported() ? 'on' : 'off'}` +
  `; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\nimages: ${data.name}, ${pct(sparsity.zeros)} zero pixels; steps with a non-zero in a 4-row panel of A: ` +
  `forward (4 images) ${pct(sparsity.forwardLive)}, weight gradient (4 pixels) ${pct(sparsity.gradientLive)}`);
const sections: string[] = [`images: ${data.name}, ${pct(sparsity.zeros)} zero pixels; live steps per 4-row panel: forward ${pct(sparsity.forwardLive)}, weight gradient ${pct(sparsity.gradientLive)}`];
const out: Record<string, unknown> = { rounds: ROUNDS, relaxedInNode: relaxedSimdSupported(), data: data.name, sparsity };
if (only !== 'train') {
  const rows = productTable(rates.measureProducts(ROUNDS, cpuMs, data), MODES);
  console.log(`\nNode ${process.version}:\n${textTable(rows)}`);
  sections.push(`Node ${process.version}:\n\n${markdownTable(rows)}`);
  out['products'] = rows;
}
if (only !== 'products') {
  const rows = trainingTable(await rates.measureTraining(ROUNDS, STEPS, data, cpuMs));
  console.log(`\nNode: W1 trainOnBatch, ${STEPS} steps per kernel per round (${data.name}):\n${textTable(rows)}`);
  sections.push(`Node: W1 trainOnBatch, ${STEPS} steps per kernel per round (${data.name}):\n\n${markdownTable(rows)}`);
  out['train'] = rows;
}
if (process.argv.includes('--browser')) {
  const r = await browserRates();
  if (r?.products) {
    const rows = productTable(r.products, r.products.modes);
    console.log(`\nchromium (main thread of a page):\n${textTable(rows)}`);
    sections.push(`chromium (main thread of a page):\n\n${markdownTable(rows)}`);
    out['browserProducts'] = rows;
  }
  if (r?.train) {
    const rows = trainingTable(r.train);
    console.log(`\nchromium: W1 trainOnBatch, ${STEPS} steps per kernel per round (digit-like images):\n${textTable(rows)}`);
    sections.push(`chromium: W1 trainOnBatch, ${STEPS} steps per kernel per round (digit-like images):\n\n${markdownTable(rows)}`);
    out['browserTrain'] = rows;
  }
}
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
save('wasm-matmul', m, out, sections.join('\n\n'));
