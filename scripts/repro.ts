/**
 * `npm run repro`: the course notes' workloads (W1, W2, W3, W5, W8) run headless from the fixture
 * sheets on worker threads, printed as reported against obtained. Exit 1 when one misses its mark.
 *   npm run repro -- [--workers N] [--only W1,W8]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { RowInit, RowState } from '../src/engine/scheduler/sheet-engine.ts';
import { SheetEngine, statusText } from '../src/engine/scheduler/sheet-engine.ts';
import { readSheetFile } from '../src/engine/sheet-file.ts';
import { createNodePool } from '../src/workers/node-pool.ts';
import { prepareData } from './prepare-data.ts';

interface Check {
  readonly workload: string;
  readonly fixture: string;
  readonly row: string;
  readonly reported: string;
  readonly mark: string;
  readonly pass: (r: RowState) => boolean;
}

const acc = (r: RowState) => r.result?.testAcc ?? NaN;

const CHECKS: readonly Check[] = [
  { workload: 'W1', fixture: 'notes-mnist', row: 'w1', reported: 'test acc 0.9788 (5 epochs)', mark: '>= 0.975', pass: (r) => acc(r) >= 0.975 },
  { workload: 'W2', fixture: 'notes-mnist', row: 'w2', reported: 'test acc 0.9361 after epoch 1', mark: '>= 0.93', pass: (r) => acc(r) >= 0.93 },
  { workload: 'W3', fixture: 'notes-fashion', row: 'w3', reported: 'none (typical 0.88)', mark: '>= 0.87', pass: (r) => acc(r) >= 0.87 },
  { workload: 'W5', fixture: 'iris', row: 'w5-seed1', reported: 'none (typical 0.93-0.97)', mark: '>= 0.93', pass: (r) => acc(r) >= 0.93 },
  { workload: 'W5', fixture: 'iris', row: 'w5-seed2', reported: 'none (typical 0.93-0.97)', mark: '>= 0.93', pass: (r) => acc(r) >= 0.93 },
  { workload: 'W5', fixture: 'iris', row: 'w5-seed3', reported: 'none (typical 0.93-0.97)', mark: '>= 0.93', pass: (r) => acc(r) >= 0.93 },
  { workload: 'W8', fixture: 'xor', row: 'w8-perceptron', reported: 'cannot separate XOR', mark: '<= 0.75', pass: (r) => acc(r) <= 0.75 },
  { workload: 'W8', fixture: 'xor', row: 'w8-mlp', reported: 'reaches 100 %', mark: '= 1.0', pass: (r) => acc(r) === 1 },
];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const only = option('--only')?.toUpperCase().split(',');
const checks = CHECKS.filter((c) => !only || only.includes(c.workload));
const workers = Number(option('--workers') ?? Math.max(1, availableParallelism()));

await prepareData();
const rows: RowInit[] = [];
for (const c of checks) {
  const file = readSheetFile(readFileSync(new URL(`../fixtures/${c.fixture}.sheet.json`, import.meta.url), 'utf8'));
  if (!file.ok) throw new Error(`${c.fixture}: ${file.error}`);
  const row = file.value.rows.find((r) => r.id === c.row);
  if (!row) throw new Error(`${c.fixture} has no row ${c.row}`);
  rows.push({ id: `${c.workload}:${c.row}`, cells: row.cells });
}

const pool = createNodePool({ size: workers });
const started = Date.now();
console.log(`repro: ${rows.length} rows on ${workers} worker thread${workers === 1 ? '' : 's'} (wasm backend)`);
const engine = new SheetEngine(rows, pool);
engine.subscribe((ids) => {
  for (const id of ids) {
    const r = engine.row(id)!;
    if (r.status.state !== 'queued' && r.status.state !== 'running') {
      console.log(`  ${id} ${statusText(r.status)} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
});
await engine.idle();
pool.dispose();

const table = checks.map((c) => {
  const r = engine.row(`${c.workload}:${c.row}`)!;
  const res = r.result;
  return {
    workload: c.workload, row: c.row, reported: c.reported, expected: c.mark,
    obtained: res ? `test acc ${res.testAcc.toFixed(4)}, train acc ${res.trainAcc.toFixed(4)}, test loss ${res.testLoss.toFixed(4)}` : statusText(r.status),
    epochs: res ? `${res.epochsRun}${res.stoppedEarly ? ' (early stop)' : ''}` : '',
    time: res ? `${res.seconds.toFixed(1)} s` : '',
    'samples/s': res ? Math.round(res.samplesPerSec).toString() : '',
    pass: c.pass(r) ? 'yes' : 'NO',
  };
});
console.log('');
console.table(table);
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(table.every((t) => t.pass === 'yes') ? 0 : 1);
