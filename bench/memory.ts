/**
 * `npm run bench:memory`: live tensors and heap per worker before and after 100 jobs. Two Node
 * workers (the project's trainer, plus a heap() call) train 100 jobs each, a mix of toy and MNIST
 * rows; after a warm-up of a few jobs, tf.memory() and the V8 heap (after a full GC) are taken,
 * and again at the end. In chromium the app's own worker runs the same jobs, and its heap, tensors
 * and wasm memory are read over CDP after a full GC in the worker (bench/lib/worker-memory.ts).
 * The "RSS" column is the Node process's; chromium's worker shares its renderer process.
 * Target (issue 7): no growth in tensors, under 10 % heap growth per worker.
 *
 *   npx tsx bench/memory.ts [--jobs=100] [--only=node|browser]
 */
import * as Comlink from 'comlink';
import type { TrainJob } from '../src/engine/job.ts';
import { openBenchPage } from './lib/browser.ts';
import { type WorkerMemoryProbe, attachWorkerMemory } from './lib/worker-memory.ts';
import { W1, jobOf, smallJob } from './lib/jobs.ts';
import { type HeapStats, directWorker } from './lib/node-pools.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const JOBS = Number(arg('jobs') ?? 100);
const only = arg('only');
const WARMUP = 5;

/** Mostly small toy rows over four optimizers; every tenth a small MNIST MLP (the resident-dataset path). */
function jobAt(i: number): TrainJob {
  if (i % 10 === 9) return jobOf({ ...W1, dataset: 'mnist:500', epochs: '1', seed: String(i) });
  return jobOf({ ...smallJob(i), epochs: '3', seed: String(i), optimizer: ['adam', 'sgd', 'rmsprop', 'momentum'][i % 4]! });
}

const mb = (b: number) => fmt(b / 2 ** 20, 1);
const pct = (a: number, b: number) => `${fmt((100 * (b - a)) / a, 1)} %`;

async function nodeWorker(k: number): Promise<{ before: { tensors: number; bytes: number; heap: HeapStats }; after: { tensors: number; bytes: number; heap: HeapStats } }> {
  const w = directWorker(true);
  try {
    await w.api.ready();
    const run = async (j: TrainJob) => { await w.api.train(j, Comlink.proxy(() => {})); };
    for (let i = 0; i < WARMUP; i++) await run(jobAt(i + 1000 * (k + 1)));
    const snap = async () => {
      const t = await w.api.memory();
      return { tensors: t.numTensors, bytes: t.numBytes, heap: await w.api.heap() };
    };
    const before = await snap();
    for (let i = 0; i < JOBS; i++) await run(jobAt(i));
    return { before, after: await snap() };
  } finally {
    w.close();
  }
}

const m = await machine();
console.log(machineLine(m));
console.log(`${JOBS} jobs per worker after ${WARMUP} warm-up jobs\n`);
const table: string[][] = [['worker', 'tensors before → after', 'tensor MB before → after', 'V8 heap MB before → after', 'heap growth', 'wasm memory MB before → after', 'process RSS MB after']];
const out: Record<string, unknown> = {};
if (only !== 'browser') {
  const results = await Promise.all([0, 1].map((k) => nodeWorker(k)));
  results.forEach((r, k) => {
    table.push([`node worker ${k + 1}`, `${r.before.tensors} → ${r.after.tensors}`, `${mb(r.before.bytes)} → ${mb(r.after.bytes)}`,
      `${mb(r.before.heap.usedHeap)} → ${mb(r.after.heap.usedHeap)}`, pct(r.before.heap.usedHeap, r.after.heap.usedHeap), `${mb(r.before.heap.wasmMemory)} → ${mb(r.after.heap.wasmMemory)}`, mb(r.after.heap.rss)]);
  });
  out.node = results;
}
if (only !== 'node') {
  const page = await openBenchPage();
  if (page) {
    let probe: WorkerMemoryProbe | undefined;
    try {
      // The app's own worker (its backend choice), one job at a time as on the Node side; the
      // heap is read over CDP after a full GC in the worker (bench/lib/worker-memory.ts).
      await page.call('open', 'auto', 1);
      probe = await attachWorkerMemory(page.browser, 'train.worker');
      for (let i = 0; i < WARMUP; i++) await page.call('grid', [jobAt(i + 3000)]);
      const before = await probe.read();
      for (let i = 0; i < JOBS; i++) await page.call('grid', [jobAt(i)]);
      const after = await probe.read();
      table.push(['chromium worker', `${before.numTensors} → ${after.numTensors}`, `${mb(before.numBytes)} → ${mb(after.numBytes)}`,
        `${mb(before.usedHeap)} → ${mb(after.usedHeap)}`, pct(before.usedHeap, after.usedHeap), `${mb(before.wasmMemory)} → ${mb(after.wasmMemory)}`, 'n/a']);
      out.chromium = { before, after, worker: probe.url };
    } catch (e) {
      // Keep what Node measured: a page error (say, a worker that fails to load) ends only this part.
      console.log(`chromium part failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    } finally {
      await probe?.detach();
      await page.call('close').catch(() => {});
      await page.close();
    }
  }
}
console.log(textTable(table));
console.log('\nTarget (issue 7): no growth in tensors; under 10 % heap growth per worker.');
save('memory', m, { jobs: JOBS, warmup: WARMUP, ...out }, markdownTable(table));
process.exit(0);
