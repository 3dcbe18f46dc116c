/**
 * `npm run bench:latency`: how long from an edit of a row to the first progress update of its
 * re-run: SheetEngine.edit -> the engine's pass -> the runner (our WorkerPool) -> the worker ->
 * fitJob's first batch -> onProgress back on the main thread. The worker is warm (its dataset is
 * resident and its kernels compiled by the row's first run), as when a person edits a sheet. A
 * run that ends within its first update's hold (the small toy row) sends only its result: then
 * the time is to that.
 *
 *   npx tsx bench/latency.ts [--edits=8] [--only=node|browser]
 */
import { SheetEngine } from '../src/engine/scheduler/sheet-engine.ts';
import type { RowCells } from '../src/engine/spec.ts';
import { createNodePool } from '../src/workers/node-pool.ts';
import type { WorkerPool } from '../src/workers/pool.ts';
import { openBenchPage } from './lib/browser.ts';
import { editToFirstProgress } from './lib/edit-latency.ts';
import { W1, smallJob } from './lib/jobs.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const EDITS = Number(arg('edits') ?? 8);
const only = arg('only');

async function nodeLatency(cells: RowCells, lrs: string[]): Promise<number[]> {
  // A cold worker (tfjs loading) is not what an edit meets; and an edit that cancels a run still
  // starting can get its worker replaced, which would measure a second cold start.
  const pool = createNodePool({ size: 1 });
  try {
    return await editToFirstProgress(pool, cells, lrs);
  } finally {
    pool.dispose();
  }
}

const ROWS: { name: string; cells: RowCells }[] = [
  { name: 'small toy row (spiral, 2x16)', cells: { ...smallJob(0), epochs: '5' } },
  { name: 'W1 row (mnist:1k, 1 epoch)', cells: { ...W1, dataset: 'mnist:1k', epochs: '1' } },
];
const lrs = Array.from({ length: EDITS }, (_, i) => String(0.001 + 0.0001 * (i + 1)));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
};

const m = await machine();
console.log(machineLine(m));
const table: string[][] = [['where', 'row', 'median ms', 'min ms', 'max ms']];
const out: { where: string; row: string; ms: number[] }[] = [];
const add = (where: string, row: string, ms: number[]) => {
  const s = stats(ms);
  out.push({ where, row, ms });
  table.push([where, row, fmt(s.median, 1), fmt(s.min, 1), fmt(s.max, 1)]);
  console.log(`${where}, ${row}: median ${fmt(s.median, 1)} ms (${ms.map((v) => fmt(v)).join(', ')})`);
};
if (only !== 'browser') for (const r of ROWS) add('node worker thread', r.name, await nodeLatency(r.cells, lrs));
if (only !== 'node') {
  const page = await openBenchPage();
  if (page) {
    try {
      for (const r of ROWS) add('chromium worker', r.name, await page.call('latency', 'auto', r.cells, lrs));
    } catch (e) {
      // Keep what Node measured: a page error (say, a worker that fails to load) ends only this part.
      console.log(`chromium part failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    } finally {
      await page.close();
    }
  }
}
console.log(`\n${textTable(table)}`);
save('latency', m, { edits: EDITS, runs: out }, markdownTable(table));
process.exit(0);
