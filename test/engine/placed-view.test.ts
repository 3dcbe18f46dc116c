/**
 * placedView (row-placement.ts) predicts, without placing a row, what formulas will read of it
 * once placed: the formula graph reads a row whose settings changed earlier in a pass through it,
 * so that a chain of rows settles in one pass. It restates placeRow's decisions, and a drift
 * between the two shows only as extra rounds (placing corrects it one round later) until a long
 * chain is held as "does not settle" (review-23 F2). Here each kind of row is predicted, then
 * placed for real, and every result column and status read from both must agree.
 */
import { describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/engine/job.ts';
import { RESULT_KEYS, plainReader, sweepValue } from '../../src/engine/scheduler/cell-values.ts';
import { placedView } from '../../src/engine/scheduler/row-placement.ts';
import { type RowState, type RunMode, SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const cells = (over: Record<string, string> = {}): Record<string, string> => ({
  dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});

function keyOf(c: Record<string, string>): string {
  const p = parseRow(c);
  if (!p.ok) throw new Error('expected a valid spec');
  return p.key;
}

const result = (testAcc: number): TrainResult => ({
  jobId: 'x', trainLoss: 0.1, trainAcc: 0.9, valLoss: NaN, valAcc: NaN, testLoss: 0.2, testAcc, testMae: NaN, seconds: 1, samplesPerSec: 1,
  params: 1, backend: 'cpu', backendReason: '', epochsRun: 5, bestEpoch: 5, restoredBest: false, finalLr: 0.03, history: [], diverged: null, stoppedEarly: null,
});

/** What formulas read of a plain row (or, for a sweep, of its runs), and each run's status and spec. */
function read(row: RowState | readonly RowState[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of RESULT_KEYS) out[c] = JSON.stringify(Array.isArray(row) ? sweepValue(row, c) : plainReader(c)(row as RowState));
  const runs = Array.isArray(row) ? row : [row as RowState];
  out.runs = runs.map((r) => `${statusText(r.status)} ${r.parsed.ok ? r.parsed.key : 'invalid'} ${r.result?.testAcc ?? '-'}`).join('; ');
  return out;
}

type Case = {
  readonly name: string;
  readonly mode?: RunMode;
  /** The rows before; row `x` is the one placed again. */
  readonly before: Record<string, Record<string, string>>;
  /** Specs whose results are known (by their cells), with their test accuracy. */
  readonly known?: readonly (readonly [Record<string, string>, number])[];
  /** x's new cells. */
  readonly after: Record<string, string>;
};

const CASES: Case[] = [
  { name: 'plain: a new spec queues', before: { x: cells() }, after: cells({ lr: '0.1' }) },
  { name: 'plain: a new spec is stale in manual mode', mode: 'manual', before: { x: cells() }, after: cells({ lr: '0.1' }) },
  { name: 'plain, done: a note edit keeps its result', before: { x: cells() }, known: [[cells(), 0.7]], after: cells({ notes: 'hi' }) },
  { name: 'plain, done: a new spec leaves its result stale', before: { x: cells() }, known: [[cells(), 0.7]], after: cells({ lr: '0.1' }) },
  { name: 'plain: a known spec shows its result', before: { x: cells() }, known: [[cells({ lr: '0.1' }), 0.6]], after: cells({ lr: '0.1' }) },
  { name: 'plain: a known spec in manual mode too', mode: 'manual', before: { x: cells() }, known: [[cells({ lr: '0.1' }), 0.6]], after: cells({ lr: '0.1' }) },
  { name: 'plain, done: turned invalid', before: { x: cells() }, known: [[cells(), 0.7]], after: cells({ lr: 'abc' }) },
  { name: 'invalid: made valid', before: { x: cells({ lr: 'abc' }) }, after: cells() },
  { name: 'invalid: another error', before: { x: cells({ lr: 'abc' }) }, after: cells({ lr: 'abc', epochs: 'x' }) },
  { name: 'a twin of a queued row', before: { a: cells({ lr: '0.1' }), x: cells() }, after: cells({ lr: '0.1' }) },
  { name: 'plain to sweep, one run known', before: { x: cells() }, known: [[cells({ lr: '0.1' }), 0.6]], after: cells({ lr: '0.1, 0.3' }) },
  { name: 'plain to sweep in manual mode', mode: 'manual', before: { x: cells() }, after: cells({ lr: '0.1, 0.3' }) },
  {
    name: 'sweep to sweep, one run kept with its result', before: { x: cells({ lr: '0.1, 0.3' }) }, known: [[cells({ lr: '0.1' }), 0.6]],
    after: cells({ lr: '0.1, 0.5' }),
  },
  { name: 'sweep with a repeated value', before: { x: cells({ lr: '0.1, 0.3' }) }, known: [[cells({ lr: '0.1' }), 0.6]], after: cells({ lr: '0.1, 0.1' }) },
  { name: 'sweep with a bad value', before: { x: cells({ lr: '0.1, 0.3' }) }, after: cells({ lr: '0.1, abc' }) },
  { name: 'sweep of two columns', before: { x: cells() }, known: [[cells({ lr: '0.1', seed: '2' }), 0.5]], after: cells({ lr: '0.1, 0.3', seed: '1, 2' }) },
  { name: 'sweep to plain', before: { x: cells({ lr: '0.1, 0.3' }) }, known: [[cells({ lr: '0.1' }), 0.6]], after: cells({ lr: '0.1' }) },
  { name: 'sweep to invalid', before: { x: cells({ lr: '0.1, 0.3' }) }, known: [[cells({ lr: '0.1' }), 0.6]], after: cells({ lr: '0.1, 0.3', epochs: 'x' }) },
];

describe('placedView predicts what placing a row shows', () => {
  it.each(CASES)('$name', ({ mode = 'auto', before, known = [], after }) => {
    const cache = new Map<string, TrainResult>();
    for (const [c, acc] of known) cache.set(keyOf(c), result(acc));
    // Nothing starts (capacity 0): the prediction is of the placing, not of a run.
    const engine = new SheetEngine(Object.entries(before).map(([id, c]) => ({ id, cells: c })), new ScriptedRunner(0), {
      cache, runMode: mode, schedule: (f) => f(),
    });
    const prev = engine.row('x')!;
    // As flush does: the typed text lands, then the row is placed from it.
    const view = placedView({ ...prev, cells: after }, () => undefined, {
      known: (k) => cache.get(k), mode: () => engine.runMode(), parked: () => undefined, parkedChild: () => undefined,
    }, { get: (id) => engine.row(id) });
    const edits = Object.keys({ ...prev.cells, ...after }).filter((c) => (prev.cells[c] ?? '') !== (after[c] ?? ''));
    engine.edit(edits.map((column) => ({ row: 'x', column, text: after[column] ?? '' })));
    const placed = engine.row('x')!;
    const actual = placed.sweep ? placed.sweep.children.map((c) => engine.row(c)!) : placed;
    expect(read(view.runs ?? view.row)).toEqual(read(actual));
    engine.dispose();
  });
});

/**
 * A row this update withdrew from its run (or the queue) and now places again with the spec it had
 * takes the run back (Runs.unpark). Typing `=5` over epochs 5 does that: flush places the row with
 * the new formula not computed yet (epochs read as empty: 30), the recompute with 5. placedView,
 * handed the row as it was (parked, parkedChild) and the row as the first placing left it, must
 * show what the update ends with.
 */
describe('placedView of a row placed back on the spec it was running for', () => {
  const five = cells();
  const thirty = cells({ epochs: '30' });
  it.each([
    { name: 'plain', cells: five },
    { name: 'sweep', cells: cells({ lr: '0.1, 0.3' }) },
  ])('$name', async ({ cells: start }) => {
    const engine = new SheetEngine([{ id: 'x', cells: start }], new ScriptedRunner(2), { schedule: (f) => f() });
    await settle();
    const prev = engine.row('x')!;
    const runs = prev.sweep ? prev.sweep.children.map((c) => engine.row(c)!) : [prev];
    expect(runs.map((r) => r.status.state)).toEqual(runs.map(() => 'running'));
    // The row as the first placing leaves it: epochs 30, a new spec queued, its old runs gone.
    const typed = { ...start, epochs: '=5' };
    const mid: RowState = prev.sweep
      ? { ...prev, cells: typed, sweep: { ...prev.sweep, children: [] } }
      : { ...prev, cells: typed, parsed: parseRow(thirty), status: { state: 'queued' }, version: prev.version + 1 };
    const view = placedView(mid, (c) => (c === 'epochs' ? 5 : undefined), {
      known: () => undefined,
      mode: () => engine.runMode(),
      parked: (id, key) => (id === 'x' && !prev.sweep && key === keyOf(five) ? prev : undefined),
      parkedChild: (parent, key, taken) => runs.find((r) => parent === 'x' && r.parent === 'x' && r.parsed.ok && r.parsed.key === key && !taken.has(r.id)),
    }, { get: (id) => engine.row(id) });
    engine.edit([{ row: 'x', column: 'epochs', text: '=5' }]);
    const placed = engine.row('x')!;
    const actual = placed.sweep ? placed.sweep.children.map((c) => engine.row(c)!) : placed;
    expect(read(view.runs ?? view.row)).toEqual(read(actual));
    expect(read(actual)).toEqual(read(prev.sweep ? runs : prev));
    engine.dispose();
  });
});
