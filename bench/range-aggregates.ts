/**
 * `npx tsx bench/range-aggregates.ts [rows…]`: aggregates over ranges that differ in every row.
 *
 * A1 references name the same cells in every row of a formula column (`$` only matters when a
 * formula is copied), so a running "best so far" is a cell formula per row, as filling down
 * writes it: row k holds `=MAX($U$1:Uk)` (U = test_acc), and a moving window `=AVERAGE(Uk:Uk+9)`.
 *   1. SheetEngine, every row with a saved result but one that trains (held by the runner): load,
 *      one lr edit in row 3 (its result turns stale: every range over it recomputes), the held
 *      result landing.
 *   2. FormulaCells alone, cell formulas `=MAX($B$1:Bk)`, `=SUM($B$1:Bk)`, `=AVERAGE(Bk:Bk+9)`
 *      and `=STDEV($B$1:Bk)` over a numeric column b: plain reads and time to load, and after one
 *      edit of b in row 2.
 * Before the change (cell by cell), each range read all its cells: rows²/2 reads per update.
 */
import { performance } from 'node:perf_hooks';
import { COLUMNS } from '../src/engine/columns.ts';
import type { TrainJob, TrainResult } from '../src/engine/job.ts';
import type { Runner } from '../src/engine/scheduler/runner.ts';
import { type RowInit, SheetEngine } from '../src/engine/scheduler/sheet-engine.ts';
import { parseRow } from '../src/engine/spec.ts';
import { mulberry32 } from '../src/engine/train/rng.ts';
import { FormulaCells } from '../src/engine/graph/formula-cells.ts';
import { type FormulaValue, isFormulaText } from '../src/engine/formula/index.ts';

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const U = String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === 'test_acc'));

function result(testAcc: number, jobId = 'saved'): TrainResult {
  return {
    jobId, trainLoss: 0.1, trainAcc: Math.min(1, testAcc + 0.02), valLoss: NaN, valAcc: NaN, testLoss: 0.2, testAcc, testMae: NaN,
    seconds: 1, samplesPerSec: 1000, params: 100, backend: 'wasm', backendReason: '', epochsRun: 10, bestEpoch: 10,
    restoredBest: false, finalLr: 0.01, history: [], diverged: null, stoppedEarly: null,
  };
}

/** Holds every job until finish() is called. */
class HeldRunner implements Runner {
  readonly capacity = 2;
  readonly held: { job: TrainJob; resolve: (r: TrainResult) => void }[] = [];
  run(job: TrainJob): Promise<TrainResult> {
    return new Promise((resolve) => this.held.push({ job, resolve }));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

async function engineCase(n: number): Promise<void> {
  const rand = mulberry32(42);
  const rows: RowInit[] = [];
  for (let i = 0; i < n; i++) {
    const cells = {
      name: `=AVERAGE(${U}${i + 1}:${U}${Math.min(n, i + 10)})`, dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam',
      lr: String(Number((0.001 + rand() * 0.1).toPrecision(4))), batch_size: '32', epochs: '10', seed: String(i),
      notes: `=MAX($${U}$1:${U}${i + 1})`,
    };
    const p = parseRow(cells);
    // Row 6 trains: its result lands later.
    rows.push({ id: `r${i}`, cells, ...(p.ok && i !== 5 ? { saved: { key: p.key, result: result(0.5 + rand() * 0.5) } } : {}) });
  }
  const runner = new HeldRunner();
  let t = performance.now();
  const engine = new SheetEngine(rows, runner, { schedule: (f) => f(), runMode: 'auto' });
  const load = performance.now() - t;
  await settle();
  const last = engine.row(`r${n - 1}`)!;
  const check = `${String(last.formulas.notes)} / ${String(engine.row('r0')!.formulas.name)}`;
  t = performance.now();
  engine.edit([{ row: 'r2', column: 'lr', text: '0.0421' }]);
  const edit = performance.now() - t;
  await settle();
  const held = runner.held.find((h) => h.job.id.startsWith('r5@'));
  if (!held) throw new Error('row 6 did not start');
  t = performance.now();
  held.resolve(result(0.99, held.job.id));
  await settle();
  const landed = performance.now() - t;
  console.log(`SheetEngine ${n.toLocaleString('en-US')} rows (notes =MAX($${U}$1:${U}k), name =AVERAGE(${U}k:${U}k+9)): ` +
    `load ${load.toFixed(0)} ms, lr edit ${edit.toFixed(0)} ms, result landing ${landed.toFixed(0)} ms ` +
    `(last MAX ${String(engine.row(`r${n - 1}`)!.formulas.notes)}; before ${check})`);
  engine.dispose();
}

function graphCase(n: number, formula: (k: number) => string): void {
  const rowIds = Array.from({ length: n }, (_, i) => `r${i + 1}`);
  const columns = ['a', 'b'];
  const text = new Map<string, string>();
  let reads = 0;
  const graph = new FormulaCells({
    columns: () => columns,
    rowIds: () => rowIds,
    plainValue: (row, column): FormulaValue => {
      reads++;
      const t = text.get(`${column}:${row}`);
      if (t !== undefined) return Number(t);
      return column === 'b' ? (Number(row.slice(1)) * 7919) % 1000 / 10 : null;
    },
  });
  for (let k = 1; k <= n; k++) graph.define(`r${k}`, 'a', formula(k));
  let t = performance.now();
  graph.update(graph.all());
  const load = performance.now() - t;
  const loadReads = reads;
  reads = 0;
  text.set('b:r2', '123.5');
  t = performance.now();
  const changed = graph.update([{ row: 'r2', column: 'b' }]);
  const edit = performance.now() - t;
  console.log(`FormulaCells ${n.toLocaleString('en-US')} cells ${formula(1)} … ${formula(n)}: load ${load.toFixed(0)} ms / ${loadReads.toLocaleString('en-US')} reads; ` +
    `edit b2 ${edit.toFixed(0)} ms / ${reads.toLocaleString('en-US')} reads, ${changed.length} changed (a${n} = ${String(graph.value(`r${n}`, 'a'))})`);
  if (!isFormulaText(formula(1))) throw new Error('not a formula');
}

for (const n of SIZES.length > 0 ? SIZES : [2_000, 10_000]) {
  graphCase(n, (k) => `=MAX($B$1:B${k})`);
  graphCase(n, (k) => `=SUM($B$1:B${k})`);
  graphCase(n, (k) => `=AVERAGE(B${k}:B${Math.min(n, k + 9)})`);
  graphCase(n, (k) => `=STDEV($B$1:B${k})`);
  await engineCase(n);
}
