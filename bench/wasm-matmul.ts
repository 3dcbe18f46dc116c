/**
 * Training throughput of the MNIST MLP 784-512-10 (RMSprop, batch 128) on the wasm backend, with
 * the stock matmul kernels and with installFastWasmMatMul, each in its own child process so
 * neither run sees the other's kernel registry, heap or XNNPACK operator cache.
 *
 *   npx tsx bench/wasm-matmul.ts [--epochs=2] [--batches=N]
 *
 * Uses the real MNIST from public/data/mnist.bin if it is there, else random data of the same size.
 * Absolute numbers drift with machine load; compare the two runs of one invocation.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// Seeded, so both runs train on the same numbers when there is no MNIST file.
import { mulberry32 } from '../src/engine/train/rng.ts';

type Mode = 'stock' | 'fast';

interface RunResult {
  readonly mode: Mode;
  readonly data: string;
  readonly batches: number;
  readonly samplesPerSec: number;
  readonly seconds: number;
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly installed: boolean;
}

const BATCH = 128;
const WARMUP_BATCHES = 5;
const INPUTS = 784;
const CLASSES = 10;

function option(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  const v = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(v) || v <= 0) throw new Error(`Expected --${name} to be a positive integer, but got ${arg}`);
  return v;
}

async function loadTrainSet(): Promise<{ name: string; features: Uint8Array; labels: Uint8Array }> {
  const mnistPath = fileURLToPath(new URL('../public/data/mnist.bin', import.meta.url));
  if (existsSync(mnistPath)) {
    const { loadDatasetFile } = await import('../src/engine/data/load-node.ts');
    const r = await loadDatasetFile('mnist');
    if (r.ok && r.value.dtype === 'uint8') {
      return { name: 'MNIST (public/data/mnist.bin)', features: r.value.train.features as Uint8Array, labels: r.value.train.labels };
    }
    console.error(`could not use ${mnistPath}: ${r.ok ? `dtype ${r.value.dtype}` : r.error}; using random data`);
  }
  const rand = mulberry32(1);
  const n = 60_000;
  const features = new Uint8Array(n * INPUTS).map(() => Math.floor(rand() * 256));
  const labels = new Uint8Array(n).map(() => Math.floor(rand() * CLASSES));
  return { name: 'random 60,000x784', features, labels };
}

async function child(mode: Mode, epochs: number, maxBatches: number | undefined): Promise<RunResult> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  const { installFastWasmMatMul } = await import('../src/engine/train/wasm-kernels.ts');
  const installed = mode === 'fast' ? installFastWasmMatMul() : false;
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  await tf.ready();

  const data = await loadTrainSet();
  const n = data.labels.length;
  const perEpoch = Math.floor(n / BATCH);
  const batches = maxBatches ?? epochs * perEpoch;

  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 512, activation: 'relu', inputShape: [INPUTS], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const optimizer = tf.train.rmsprop(0.001);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });

  const xs = new Float32Array(BATCH * INPUTS);
  const ys = new Int32Array(BATCH);
  const step = async (b: number): Promise<number> => {
    const start = (b % perEpoch) * BATCH;
    for (let i = 0; i < xs.length; i++) xs[i] = data.features[start * INPUTS + i]! / 255;
    for (let i = 0; i < BATCH; i++) ys[i] = data.labels[start + i]!;
    const x = tf.tensor2d(xs, [BATCH, INPUTS]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(ys, 'int32'), CLASSES));
    try {
      return (await model.trainOnBatch(x, y)) as number;
    } finally {
      tf.dispose([x, y]);
    }
  };

  const firstLoss = await step(0);
  for (let b = 1; b < WARMUP_BATCHES; b++) await step(b);
  const t0 = performance.now();
  let lastLoss = firstLoss;
  for (let b = WARMUP_BATCHES; b < WARMUP_BATCHES + batches; b++) lastLoss = await step(b);
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  optimizer.dispose();
  return { mode, data: data.name, batches, samplesPerSec: (batches * BATCH) / seconds, seconds, firstLoss, lastLoss, installed };
}

function runChild(mode: Mode): RunResult {
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, `--child=${mode}`, ...process.argv.slice(2)];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`the ${mode} run exited with ${r.status ?? r.signal}`);
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`the ${mode} run printed no result:\n${r.stdout}`);
  return JSON.parse(line) as RunResult;
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
const epochs = option('epochs') ?? 2;
const maxBatches = option('batches');
if (childArg !== undefined) {
  const mode = childArg.slice('--child='.length);
  if (mode !== 'stock' && mode !== 'fast') throw new Error(`Expected --child to be stock or fast, but got ${mode}`);
  console.log(JSON.stringify(await child(mode, epochs, maxBatches)));
} else {
  console.log(`MLP 784-512-10, RMSprop 0.001, batch ${BATCH}, wasm backend; ${maxBatches !== undefined ? `${maxBatches} batches` : `${epochs} epochs`} after ${WARMUP_BATCHES} warm-up batches`);
  const results: RunResult[] = [];
  for (const mode of ['stock', 'fast'] as const) {
    const r = runChild(mode);
    results.push(r);
    console.log(
      `${mode.padEnd(5)}  ${r.samplesPerSec.toFixed(0).padStart(7)} samples/s  (${r.batches} batches in ${r.seconds.toFixed(1)} s; ` +
        `loss ${r.firstLoss.toFixed(4)} -> ${r.lastLoss.toFixed(4)}; kernel installed: ${r.installed}; data: ${r.data})`,
    );
  }
  const [stock, fast] = results as [RunResult, RunResult];
  console.log(`ratio fast/stock: ${(fast.samplesPerSec / stock.samplesPerSec).toFixed(2)}x`);
}
