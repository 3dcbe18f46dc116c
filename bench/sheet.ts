/**
 * `npm run bench:sheet`: the sheet engine on 10,000 rows with formula columns.
 *   1. one input edit -> stale marking and queueing (edit + flush), median over 300 edits
 *   2. recomputing formulas: one column redefined over all rows; all three columns redefined in one
 *      call (setFormulaColumns), and one after another; every formula cell is then checked
 *      (wall and CPU time: on a shared machine the CPU time shows the work, the wall time the wait)
 * Targets from the issue: (1) median <= 5 ms, (2) <= 50 ms. Prints numbers and ratios to target.
 * The runner here accepts jobs and never finishes them: this measures the scheduler, not training.
 */
import { performance } from 'node:perf_hooks';
import type { TrainJob, TrainResult } from '../src/engine/job.ts';
import type { Runner } from '../src/engine/scheduler/runner.ts';
import { isStale, type RowInit, SheetEngine } from '../src/engine/scheduler/sheet-engine.ts';
import { parseRow } from '../src/engine/spec.ts';
import { mulberry32 } from '../src/engine/train/rng.ts';

const ROWS = Number(process.argv[2] ?? 10_000);
const rand = mulberry32(42);

class HoldingRunner implements Runner {
  readonly capacity = 2;
  started = 0;
  run(_job: TrainJob): Promise<TrainResult> {
    this.started++;
    return new Promise(() => {});
  }
}

function result(testAcc: number): TrainResult {
  return {
    jobId: 'saved', trainLoss: 0.1, trainAcc: Math.min(1, testAcc + 0.02), valLoss: NaN, valAcc: NaN, testLoss: 0.2, testAcc, testMae: NaN,
    seconds: 1, samplesPerSec: 1000, params: 100, backend: 'wasm', backendReason: '', epochsRun: 10, bestEpoch: 10,
    restoredBest: false, finalLr: 0.01, history: [], diverged: null, stoppedEarly: null,
  };
}

const rows: RowInit[] = [];
for (let i = 0; i < ROWS; i++) {
  const cells = {
    name: `run ${i}`, dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam',
    lr: String(Number((0.001 + rand() * 0.1).toPrecision(4))), batch_size: '32', epochs: '10', seed: String(i),
  };
  const p = parseRow(cells);
  rows.push({ id: `r${i}`, cells, ...(p.ok ? { saved: { key: p.key, result: result(0.5 + rand() * 0.5) } } : {}) });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

let t = performance.now();
const runner = new HoldingRunner();
const engine = new SheetEngine(rows, runner, {
  schedule: () => {},
  formulaColumns: [
    { key: 'gap', label: 'gap', formula: '=train_acc - test_acc' },
    { key: 'pct', label: 'test %', formula: '=ROUND(test_acc * 100, 1)' },
    { key: 'lr10', label: 'lr x 10', formula: '=lr * 10' },
  ],
});
const loadMs = performance.now() - t;

const editTimes: number[] = [];
for (let i = 0; i < 300; i++) {
  const id = `r${Math.floor(rand() * ROWS)}`;
  t = performance.now();
  engine.edit([{ row: id, column: 'lr', text: String(Number((0.001 + rand() * 0.1).toPrecision(4))) }]);
  engine.flush();
  editTimes.push(performance.now() - t);
}
const queued = engine.rows().filter((r) => r.status.state === 'queued' || r.status.state === 'running').length;

/** Wall and CPU milliseconds of fn. */
function timed(fn: () => void): { wall: number; cpu: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  fn();
  const used = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (used.user + used.system) / 1000 };
}
const FORMULAS = {
  gap: ['=train_acc - test_acc', '=test_acc - train_acc'],
  pct: ['=ROUND(test_acc * 100, 1)', '=ROUND(test_acc * 100, 2)'],
  lr10: ['=lr * 10', '=lr * 100'],
} as const;
const redefine = (key: keyof typeof FORMULAS, i: number) =>
  engine.setFormulaColumn({ key, label: key, formula: FORMULAS[key][i % 2]! });
// Warm-up: the first passes run before the JIT has compiled the loops; a person edits a warm page.
for (let i = 0; i < 3; i++) redefine('gap', i);
const oneColumn: { wall: number; cpu: number }[] = [];
// Samples per measurement: on a shared machine single passes vary by 2x; 21 keep the median steady.
const SAMPLES = 21;
for (let i = 0; i < SAMPLES; i++) oneColumn.push(timed(() => redefine('gap', i)));
// Every column: the three redefined together (setFormulaColumns, one pass, as loading a file does),
// and one after another (three passes, as three separate edits in the page).
const KEYS = Object.keys(FORMULAS) as (keyof typeof FORMULAS)[];
const redefineAll = (i: number) => engine.setFormulaColumns(KEYS.map((key) => ({ key, label: key, formula: FORMULAS[key][i % 2]! })));
for (let i = 0; i < 3; i++) redefineAll(i);
const everyColumn: { wall: number; cpu: number }[] = [];
const inTurn: { wall: number; cpu: number }[] = [];
for (let i = 0; i < SAMPLES; i++) {
  everyColumn.push(timed(() => redefineAll(i)));
  inTurn.push(timed(() => { for (const key of KEYS) redefine(key, i + 1); }));
}
// Honesty check, outside the timing: after the last pass every formula cell holds the value of the
// formula now defined (each redefinition alternates formulas, so every cell had to be recomputed).
{
  redefineAll(1);
  let wrong = 0, checked = 0;
  for (const r of engine.rows()) {
    const want: Record<string, number> = { lr10: Number(r.cells.lr) * 100 };
    // A row whose lr was edited above is stale: its results (and their formulas) are not shown.
    if (r.result && !isStale(r)) Object.assign(want, { gap: r.result.testAcc - r.result.trainAcc, pct: Math.round(r.result.testAcc * 10_000) / 100 });
    for (const [key, v] of Object.entries(want)) {
      checked++;
      if (!(Math.abs(Number(r.formulas[key]) - v) <= 1e-6)) wrong++;
    }
  }
  if (wrong > 0) throw new Error(`${wrong} of ${checked} formula cells do not hold their formula's value after the recompute`);
  console.log(`checked after the recompute: ${checked.toLocaleString('en-US')} formula cells hold their formula's value`);
}

const report = (label: string, value: number, target: number) =>
  console.log(`${label.padEnd(58)} ${value.toFixed(2).padStart(9)} ms   target ${String(target).padStart(3)} ms   ratio ${(value / target).toFixed(2)}`);
console.log(`sheet engine, ${ROWS.toLocaleString('en-US')} rows, 3 formula columns (${(ROWS * 3).toLocaleString('en-US')} formula cells), node ${process.version}`);
console.log(`load (parse, formulas, saved results)                     ${loadMs.toFixed(0).padStart(9)} ms`);
report('one input edit -> stale + queue, median of 300', median(editTimes), 5);
report('one input edit -> stale + queue, 95th percentile', p95(editTimes), 5);
report('recompute one formula column (10,000 cells), median', median(oneColumn.map((x) => x.wall)), 50);
// On a shared machine wall time includes time the process waited for a core: CPU time shows the work.
report('  the same, CPU time of this process', median(oneColumn.map((x) => x.cpu)), 50);
report('recompute every formula (3 columns, 30,000 cells), median', median(everyColumn.map((x) => x.wall)), 50);
report('  the same, CPU time of this process', median(everyColumn.map((x) => x.cpu)), 50);
report(`  the same, CPU time, best of ${SAMPLES}`, Math.min(...everyColumn.map((x) => x.cpu)), 50);
report('3 columns redefined one after another (3 passes), CPU median', median(inTurn.map((x) => x.cpu)), 50);
console.log(`rows queued or running after the edits: ${queued}; jobs handed to the runner: ${runner.started}`);
engine.dispose();
