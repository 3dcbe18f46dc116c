/**
 * `npm run bench:train`: training throughput of W1 (MNIST MLP 784-512-10), a two-block CNN (W6's
 * shape) and the notes' W4 CNN as written,
 * through the app's own trainer (src/workers/trainer.ts -> fit.ts) in Node worker threads and in
 * chromium Web Workers, beside PyTorch on the CPU training the same model on the same exported
 * samples in the same run. Prints samples/s, ours/PyTorch and test accuracy for each.
 *
 *   npx tsx bench/train.ts [--only=node|browser] [--workload=w1|cnn|w4] [--slow]
 *
 * --slow adds the runs that take minutes (the CNNs on tfjs' cpu backend).
 */
import type { TrainJob, TrainResult } from '../src/engine/job.ts';
import { type BenchBrowser, openBenchPage } from './lib/browser.ts';
import { exportSpecData } from './lib/export.ts';
import { CNN, W1, W4, jobOf } from './lib/jobs.ts';
import { benchPool, runOn } from './lib/node-pools.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';
import { type TorchRun, torchTrain } from './lib/torch.ts';
import type { RowCells } from '../src/engine/spec.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = arg('only');
const slow = process.argv.includes('--slow');

interface Workload {
  readonly name: 'w1' | 'cnn' | 'w4';
  readonly title: string;
  readonly cells: RowCells;
  readonly torchModel: 'mlp' | 'cnn' | 'w4';
}

const WORKLOADS: Workload[] = [
  { name: 'w1', title: 'W1 MLP 784-512-10, RMSprop, batch 128, mnist:10k', cells: W1, torchModel: 'mlp' },
  { name: 'cnn', title: 'two-block CNN (W6 shape), Adam, batch 64, mnist:2k', cells: CNN, torchModel: 'cnn' },
  { name: 'w4', title: "the notes' W4 CNN as written, Adam, batch 64, mnist:1k", cells: W4, torchModel: 'w4' },
].filter((w) => !arg('workload') || w.name === arg('workload')) as Workload[];

interface Row {
  readonly workload: string;
  readonly where: string;
  readonly backend: string;
  readonly epochs: number;
  readonly samplesPerSec: number;
  readonly ratio: number | null;
  readonly testAcc: number;
  readonly note: string;
}

/** A short warm-up job (same model, few samples): kernels compiled, dataset resident. */
const warmupOf = (w: Workload): TrainJob => jobOf(w.cells, { dataset: 'mnist:256', epochs: '1' });

async function nodeRuns(w: Workload, push: (where: string, r: TrainResult, note?: string) => void, skip: (where: string, why: string) => void) {
  for (const wasm of [true, false]) {
    const where = wasm ? 'node worker (its pick)' : 'node worker, cpu only';
    const cnnOnCpu = !wasm && w.name !== 'w1';
    if (cnnOnCpu && !slow) {
      skip(where, 'the CNN on tfjs cpu takes many minutes (--slow runs it)');
      continue;
    }
    // tfjs' cpu backend trains W1 at a few hundred samples/s at best: a 1k subset for one epoch
    // measures its throughput in reasonable time (its accuracy is then not comparable).
    const job = jobOf(w.cells, !wasm ? { dataset: 'mnist:1k', epochs: '1' } : {});
    const pool = benchPool(1, wasm);
    try {
      if (wasm) await runOn(pool, warmupOf(w));
      const r = await runOn(pool, job);
      push(where, r, !wasm ? 'mnist:1k, 1 epoch: throughput only' : '');
    } catch (e) {
      skip(where, e instanceof Error ? e.message : String(e));
    } finally {
      pool.dispose();
    }
  }
}

async function browserRuns(page: BenchBrowser, w: Workload, push: (where: string, r: TrainResult, note?: string) => void, skip: (where: string, why: string) => void) {
  for (const kind of ['auto', 'wasm', 'webgl'] as const) {
    const where = kind === 'auto' ? 'chromium worker (its pick)' : `chromium worker, ${kind} only`;
    // W4 on SwiftShader: 512 images ran for over 50 minutes, a core taken from everything else.
    if (kind === 'webgl' && w.name === 'w4' && !slow) {
      skip(where, 'W4 on WebGL without a GPU (SwiftShader) takes most of an hour (--slow runs it)');
      continue;
    }
    // WebGL on SwiftShader trains the CNN at tens of samples/s: a 512-sample epoch measures it.
    const reduced = kind === 'webgl' && w.name !== 'w1' && !slow;
    try {
      const job = jobOf(w.cells, reduced ? { dataset: 'mnist:512', epochs: '1' } : {});
      const { runs } = await page.call('train', kind, [job], reduced ? null : warmupOf(w));
      const r = runs[0]!.result;
      if (w.name !== 'w1' && r.backend === 'cpu' && !slow) skip(where, 'fell back to cpu');
      else push(where, r, reduced ? 'mnist:512, 1 epoch, no warm-up: throughput only' : '');
    } catch (e) {
      skip(where, e instanceof Error ? e.message.split('\n')[0]! : String(e));
    }
  }
}

const m = await machine();
console.log(machineLine(m));
const rows: Row[] = [];
const torchRuns: Record<string, TorchRun | null> = {};
const page = only === 'node' ? null : await openBenchPage();
try {
  for (const w of WORKLOADS) {
    console.log(`\n${w.title}`);
    const spec = jobOf(w.cells).spec;
    const data = await exportSpecData(spec);
    let torch: TorchRun | null;
    try {
      torch = torchTrain(data.dir, w.torchModel, spec.epochs, spec.batchSize, spec.optimizer, spec.learningRate);
    } finally {
      data.remove();
    }
    torchRuns[w.name] = torch;
    const push = (where: string, r: TrainResult, note = '') => {
      const row: Row = {
        workload: w.name, where, backend: r.backend, epochs: r.epochsRun, samplesPerSec: r.samplesPerSec,
        ratio: torch ? r.samplesPerSec / torch.samplesPerSec : null, testAcc: r.testAcc, note,
      };
      rows.push(row);
      console.log(`  ${where.padEnd(28)} ${r.backend.padEnd(6)} ${fmt(r.samplesPerSec).padStart(7)} samples/s  ${row.ratio === null ? '' : `${fmt(row.ratio, 3)}x torch  `}test acc ${fmt(r.testAcc, 4)} ${note}`);
    };
    const skip = (where: string, why: string) => {
      rows.push({ workload: w.name, where, backend: '—', epochs: 0, samplesPerSec: NaN, ratio: null, testAcc: NaN, note: `skipped: ${why}` });
      console.log(`  ${where.padEnd(28)} skipped: ${why}`);
    };
    if (torch) {
      rows.push({ workload: w.name, where: `PyTorch ${torch.torch}, 1 thread`, backend: 'cpu', epochs: torch.epochs, samplesPerSec: torch.samplesPerSec, ratio: 1, testAcc: torch.testAcc, note: '' });
      console.log(`  ${'PyTorch (1 thread)'.padEnd(28)} ${'cpu'.padEnd(6)} ${fmt(torch.samplesPerSec).padStart(7)} samples/s  test acc ${fmt(torch.testAcc, 4)}`);
    }
    if (only !== 'browser') await nodeRuns(w, push, skip);
    if (page) await browserRuns(page, w, push, skip);
    saveAll(); // after each workload, so a run cut short keeps what it measured
  }
} finally {
  await page?.close();
}

function tableOf(): string[][] {
  const table: string[][] = [['workload', 'where', 'backend', 'epochs', 'samples/s', 'ours/PyTorch', 'test acc', 'note']];
  for (const r of rows) {
    table.push([r.workload, r.where, r.backend, String(r.epochs), fmt(r.samplesPerSec), r.ratio === null ? '—' : `${fmt(r.ratio, 3)}x`, fmt(r.testAcc, 4), r.note]);
  }
  return table;
}

function saveAll(): void {
  save('train', m, { rows, torch: torchRuns, args: process.argv.slice(2) }, markdownTable(tableOf()));
}

console.log(`\n${textTable(tableOf())}`);
console.log('\nTargets (issue 7): W1 in our worker >= 0.5x PyTorch; the CNNs without a GPU >= 0.25x PyTorch.');
process.exit(0);
