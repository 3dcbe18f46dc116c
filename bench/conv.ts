/**
 * Where training time goes on tfjs' wasm backend with our kernels, and how fast it is:
 *
 *   npx tsx bench/conv.ts [--epochs=2] [--cpu-batches=2] [--no-cpu] [--browser] [--only=cnn|w1|browser]
 *
 * 1. The W4-style CNN (conv2d(32,3) maxpool(2) conv2d(64,3) maxpool(2) flatten dropout(0.25)
 *    dense(128) dropout(0.5), Adam, batch 64) on the seeded MNIST 2k subset, with the app's model,
 *    optimizer and batches: wasm with our kernels vs tfjs' cpu backend (a few batches: it is slow).
 * 2. W1 (MLP 784-512-10, RMSprop, batch 128, MNIST 10k) on wasm: stock kernels vs ours.
 * 3. A per-kernel profile of one training step of each (tf.profile, summed by kernel name), the
 *    model's GFLOP/s, and the machine's peak: a large plain matmul on XNNPACK, in the same process.
 * 4. With --browser (or --only=browser): the CNN and W1 in a chromium worker on wasm (ours) and on
 *    WebGL (SwiftShader here), through the app's trainer and training loop (fit.ts), on the bench
 *    page of bench/lib/browser.ts (the one `npm run bench` drives).
 *
 * Each Node measurement runs in its own child process so kernel registries, heaps and XNNPACK
 * caches never mix. The machine is shared: compare numbers of one run, and read the ratios.
 *
 * For other benchmarks: `measurePeakMatmul`, `profileStep` and `trainingFlopsPerSample` are exported.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as TF from '@tensorflow/tfjs';
import type { RowCells } from '../src/engine/spec.ts';

type Tf = typeof TF;

/** The CNN and W1 rows, as a sheet writes them (the same as bench/lib/jobs.ts). */
export const CNN_ROW: RowCells = {
  dataset: 'mnist:2k', layers: 'conv2d(32, 3) maxpool(2) conv2d(64, 3) maxpool(2) flatten dropout(0.25) dense(128, relu) dropout(0.5)',
  optimizer: 'adam', lr: '0.001', batch_size: '64', epochs: '2', seed: '1',
};
export const W1_ROW: RowCells = {
  dataset: 'mnist:10k', layers: 'dense(512, relu)', optimizer: 'rmsprop', lr: '0.001', batch_size: '128', epochs: '2', seed: '1',
};

/**
 * Multiply-adds ×2 of one sample's forward and backward pass through the dense and conv2d layers
 * of a model (the products; element-wise work is not counted). The first layer's input gradient
 * is not computed by tfjs, so it is left out.
 */
export function trainingFlopsPerSample(model: TF.LayersModel): number {
  let flops = 0;
  model.layers.forEach((layer, i) => {
    const cls = layer.getClassName();
    const out = layer.outputShape as number[];
    const w = layer.getWeights()[0];
    if (w === undefined || (cls !== 'Dense' && cls !== 'Conv2D')) return;
    const macsPerOutput = w.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const outputs = out.slice(1).reduce((p, d) => p * d, 1);
    const forward = 2 * macsPerOutput * outputs;
    flops += forward * (i === 0 ? 2 : 3);
  });
  return flops;
}

/** GFLOP/s of a plain n×n×n matmul on the current backend (best of `reps`): the peak we compare to. */
export function measurePeakMatmul(tf: Tf, n = 1024, reps = 5): number {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  let best = Infinity;
  for (let r = 0; r < reps + 1; r++) {
    const t = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    if (r > 0) best = Math.min(best, performance.now() - t);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / best / 1e6;
}

/** Milliseconds per kernel name over `steps` calls of `step`, and the wall time per step. */
export async function profileStep(tf: Tf, step: () => Promise<unknown>, steps = 3): Promise<{ wallMs: number; kernels: [string, number][] }> {
  const sums = new Map<string, number>();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const info = await tf.profile(async () => { await step(); });
    for (const k of info.kernels) sums.set(k.name, (sums.get(k.name) ?? 0) + Number(k.kernelTimeMs) / steps);
  }
  const wallMs = (performance.now() - t0) / steps;
  return { wallMs, kernels: [...sums].sort((x, y) => y[1] - x[1]) };
}

/**
 * cnn-filter-only: only the missing Conv2DBackpropFilter is ours, the rest stock (the "before" of
 * our Conv2DBackpropInput, MaxPoolGrad and Sum). w1-matmul-only: only the matmul kernels are ours
 * (the "before" of the Sum kernel for W1). w1-stock: stock tfjs-backend-wasm.
 */
type Mode = 'cnn-wasm' | 'cnn-filter-only' | 'cnn-cpu' | 'w1-wasm' | 'w1-matmul-only' | 'w1-stock';
const MODES: readonly Mode[] = ['cnn-wasm', 'cnn-filter-only', 'cnn-cpu', 'w1-wasm', 'w1-matmul-only', 'w1-stock'];

interface ChildResult {
  readonly mode: Mode;
  readonly backend: string;
  readonly samplesPerSec: number;
  readonly samples: number;
  readonly testAcc: number | null;
  readonly flopsPerSample: number;
  readonly peakGflops: number | null;
  readonly profile: { wallMs: number; kernels: [string, number][] };
  readonly batch: number;
}

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return fallback;
  const v = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(v) || v <= 0) throw new Error(`Expected --${name} to be a positive integer, but got ${arg}`);
  return v;
}

async function child(mode: Mode): Promise<ChildResult> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = mode !== 'cnn-cpu';
  if (wasm) await import('@tensorflow/tfjs-backend-wasm');
  const { installFastWasmMatMul } = await import('../src/engine/train/wasm-kernels.ts');
  const { installWasmConvKernels } = await import('../src/engine/train/wasm-conv.ts');
  if (!(await tf.setBackend(wasm ? 'wasm' : 'cpu'))) throw new Error(`the ${wasm ? 'wasm' : 'cpu'} backend did not initialise`);
  await tf.ready();
  if (wasm && mode !== 'w1-stock') {
    installFastWasmMatMul();
    if (mode === 'cnn-filter-only') installWasmConvKernels([tf.Conv2DBackpropFilter]);
    else if (mode !== 'w1-matmul-only') installWasmConvKernels();
  }
  const { parseRow } = await import('../src/engine/spec.ts');
  const { loadData } = await import('../src/engine/train/load.ts');
  const { loadDatasetFile } = await import('../src/engine/data/load-node.ts');
  const { buildModel, makeOptimizer } = await import('../src/engine/train/model.ts');
  const { batchOf, evaluateView } = await import('../src/engine/train/batches.ts');
  const { runViews } = await import('../src/engine/train/views.ts');

  const cnn = mode.startsWith('cnn');
  const row = cnn ? CNN_ROW : W1_ROW;
  // tfjs' cpu backend trains the CNN at a few samples/s: a few batches of it, not epochs.
  const epochs = option('epochs', 2);
  const parsed = parseRow({ ...row, epochs: String(epochs) });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const spec = parsed.spec;
  const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
  const views = runViews(data, spec);
  const model = buildModel(spec, data.sampleShape, data.classes, data.task);
  const flopsPerSample = trainingFlopsPerSample(model);

  // The app's batches (batches.ts) in the app's seeded order, through trainOnBatch: the same
  // kernels as fit.ts without its progress and evaluation work, so short runs measure training.
  const optimizer0 = makeOptimizer(spec.optimizer, spec.learningRate);
  model.compile({ optimizer: optimizer0, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const trainN = views.train.idx.length;
  const perEpoch = Math.ceil(trainN / spec.batchSize);
  const batchAt = (b: number) => {
    const from = (b % perEpoch) * spec.batchSize;
    return batchOf(data, views.train.samples, views.train.idx.subarray(from, Math.min(trainN, from + spec.batchSize)));
  };
  const step = async (b: number) => {
    const { xs, ys } = batchAt(b);
    try {
      await model.trainOnBatch(xs, ys);
    } finally {
      tf.dispose([xs, ys]);
    }
    return xs.shape[0]!;
  };
  // (One warm-up step on cpu: its steps take a minute each here.)
  for (let b = 0; b < (mode === 'cnn-cpu' ? 1 : 3); b++) await step(b);
  const batches = mode === 'cnn-cpu' ? option('cpu-batches', 2) : epochs * perEpoch;
  let samples = 0;
  const t0 = performance.now();
  for (let b = 3; b < 3 + batches; b++) samples += await step(b % perEpoch);
  const samplesPerSec = samples / ((performance.now() - t0) / 1000);
  // Accuracy on the first 2,000 test images (the cpu run trains too little to be worth it).
  const testAcc = mode === 'cnn-cpu' ? null : (await evaluateView(model, data, { samples: views.test.samples, idx: views.test.idx.subarray(0, 2000) })).acc;

  // The profile: a few steps on real batches of a fresh compiled model.
  const optimizer = makeOptimizer(spec.optimizer, spec.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const { xs, ys } = batchOf(data, views.train.samples, views.train.idx.subarray(0, spec.batchSize));
  if (mode !== 'cnn-cpu') await model.trainOnBatch(xs, ys);
  const profile = mode === 'cnn-cpu' ? { wallMs: NaN, kernels: [] } : await profileStep(tf, () => model.trainOnBatch(xs, ys), 3);
  tf.dispose([xs, ys]);
  const peakGflops = wasm ? measurePeakMatmul(tf) : null;
  return { mode, backend: tf.getBackend(), samplesPerSec, samples, testAcc, flopsPerSample, peakGflops, profile, batch: spec.batchSize };
}

function runChild(mode: Mode): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, `--child=${mode}`, ...process.argv.slice(2).filter((a) => !a.startsWith('--child='))];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) {
    throw new Error(`the ${mode} run exited with ${r.status ?? r.signal}:\n${r.stderr.split('\n').filter((l) => l.length < 400).slice(-15).join('\n')}`);
  }
  return JSON.parse(line) as ChildResult;
}

/** Whole numbers, but small rates (tfjs cpu's few samples/s) keep two significant digits. */
const f0 = (n: number) => (n < 10 ? n.toPrecision(2) : n.toFixed(0));
const f1 = (n: number) => n.toFixed(1);

function printProfile(r: ChildResult): void {
  if (r.profile.kernels.length === 0) return;
  const total = r.profile.kernels.reduce((s, [, ms]) => s + ms, 0);
  console.log(`  one step of batch ${r.batch}: ${f1(r.profile.wallMs)} ms wall, ${f1(total)} ms in kernels`);
  for (const [name, ms] of r.profile.kernels.slice(0, 10)) {
    console.log(`    ${name.padEnd(24)} ${f1(ms).padStart(7)} ms  ${f1((100 * ms) / total).padStart(5)} %`);
  }
}

function printRun(r: ChildResult): void {
  const gflops = (r.flopsPerSample * r.samplesPerSec) / 1e9;
  const peak = r.peakGflops !== null ? `; peak plain matmul ${f1(r.peakGflops)} GFLOP/s, so ${f0((100 * gflops) / r.peakGflops)} % of it` : '';
  const acc = r.testAcc !== null ? `, test acc ${r.testAcc.toFixed(3)}` : '';
  console.log(`${r.mode.padEnd(9)} ${r.backend.padEnd(5)} ${f0(r.samplesPerSec).padStart(6)} samples/s (${r.samples} samples${acc}); ` +
    `${f1(r.flopsPerSample / 1e6)} MFLOP/sample -> ${gflops.toFixed(2)} GFLOP/s${peak}`);
  printProfile(r);
}

async function browserRuns(): Promise<void> {
  const { openBenchPage } = await import('./lib/browser.ts');
  const { jobOf } = await import('./lib/jobs.ts');
  const page = await openBenchPage();
  if (page === null) return;
  try {
    const epochs = String(option('epochs', 2));
    for (const [title, row] of [['CNN', CNN_ROW], ['W1', W1_ROW]] as const) {
      const warm = jobOf(row, { dataset: 'mnist:512', epochs: '1' });
      for (const kind of ['wasm', 'webgl'] as const) {
        const { runs } = await page.call('train', kind, [jobOf(row, { epochs })], warm);
        const r = runs[0]!.result;
        console.log(`${title.padEnd(3)} chromium worker ${kind.padEnd(5)} -> ${r.backend.padEnd(5)} ${f0(r.samplesPerSec).padStart(6)} samples/s, test acc ${r.testAcc.toFixed(3)} (${r.backendReason})`);
      }
    }
  } finally {
    await page.close();
  }
}

// Only as a script: other benchmarks import the helpers above.
const isMain = process.argv[1] === fileURLToPath(import.meta.url);
const childArg = process.argv.find((a) => a.startsWith('--child='));
if (isMain && childArg !== undefined) {
  const mode = childArg.slice('--child='.length) as Mode;
  if (!MODES.includes(mode)) throw new Error(`Expected --child to be one of ${MODES.join(', ')}, but got ${mode}`);
  console.log(JSON.stringify(await child(mode)));
  process.exit(0);
} else if (isMain) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const results = new Map<Mode, ChildResult>();
  for (const mode of MODES) {
    if (only !== undefined && !mode.startsWith(only)) continue;
    if (only === undefined && mode === 'cnn-cpu' && process.argv.includes('--no-cpu')) continue;
    const r = runChild(mode);
    results.set(mode, r);
    printRun(r);
  }
  const ratio = (a: Mode, b: Mode) => {
    const x = results.get(a);
    const y = results.get(b);
    return x && y ? `${(x.samplesPerSec / y.samplesPerSec).toFixed(2)}x` : 'n/a';
  };
  console.log(`CNN: wasm (ours) / cpu ${ratio('cnn-wasm', 'cnn-cpu')}; all our kernels / only the filter gradient ${ratio('cnn-wasm', 'cnn-filter-only')}`);
  console.log(`W1: ours / stock ${ratio('w1-wasm', 'w1-stock')}; all our kernels / only the matmul ones ${ratio('w1-wasm', 'w1-matmul-only')}`);
  if (process.argv.includes('--browser') || only === 'browser') await browserRuns();
}
