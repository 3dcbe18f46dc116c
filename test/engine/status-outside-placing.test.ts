/**
 * A row's status changes outside placing too: "run stale" queues it, switching to auto queues
 * every stale row, a run starts, a rerun queues a finished row. Formulas reading the status read
 * what the row shows after each of these, and the sheet equals one opened fresh from the same
 * cells and results (review-23 P1: before, a formula kept reading 'stale').
 *
 *   a: status ──> b: notes (=O1)
 *
 * A run starting is told to formulas, and their recompute may queue rows or take runs back; then
 * more rows start. Settings that read statuses through IF, and a sweep whose runs move the rows an
 * A1 reference reads, started and cancelled one row for ever within one start (review-25 F1): the
 * sheet below must settle after a few starts, and equal a sheet opened fresh.
 */
import { describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowInit, type RowState, type RunMode, SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { Runs } from '../../src/engine/scheduler/run-lifecycle.ts';
import { type ScriptedCall, ScriptedRunner, settle } from '../helpers/scripted-runner.ts';
import { expectOpenRunsOwned, watchRuns } from './open-runs.ts';
import { columnLetter, shownRow as shown, toyCells as cells } from './status-rows.ts';

const STATUS_OF_A = `=${columnLetter('status')}1`;
const TEST_ACC = columnLetter('test_acc');

class Sheet {
  readonly runner: ScriptedRunner;
  readonly engine: SheetEngine;

  constructor(rows: RowInit[], mode: RunMode, readonly capacity: number, readonly cache = new Map<string, TrainResult>()) {
    this.runner = watchRuns(new ScriptedRunner(capacity));
    this.engine = new SheetEngine(rows, this.runner, { cache: this.cache, runMode: mode });
  }

  /** The workers menu: the runner trains `capacity` jobs at once from now on. */
  setCapacity(capacity: number): void {
    (this.runner as { capacity: number }).capacity = capacity;
    this.engine.capacityChanged();
  }

  /** Every open run is its row's current run, within capacity (no run set aside is left training). */
  expectRunsOwned(label: string): void {
    expectOpenRunsOwned(this.engine, this.runner, label);
  }

  rows(): string[] {
    return this.engine.rows().map(shown);
  }

  /** b's notes read a's status as a shows it. */
  expectNotesRead(label: string): void {
    expect(this.engine.row('b')!.formulas.notes, label).toBe(this.engine.row('a')!.status.state);
  }

  /** The sheet equals a fresh one opened from the same cells and results, in `mode`. */
  async expectFresh(label: string, mode: RunMode = this.engine.runMode()): Promise<void> {
    const top = this.engine.rows().filter((r) => r.parent === null);
    const fresh = new SheetEngine(top.map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(this.runner.capacity), { cache: this.cache, runMode: mode });
    await settle();
    expect(this.rows(), label).toEqual(fresh.rows().map(shown));
    expect(this.engine.rows().map(exact), label).toEqual(fresh.rows().map(exact));
    fresh.dispose();
  }
}

describe('a formula reading a row\'s status', () => {
  for (const capacity of [0, 1]) {
    const started = capacity > 0 ? 'running' : 'queued';
    it(`reads it after "run stale", a run starting and auto mode (runner capacity ${capacity})`, async () => {
      const s = new Sheet([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: '2', notes: STATUS_OF_A }) }], 'manual', capacity);
      await settle();
      s.expectNotesRead('built');
      expect(s.engine.row('b')!.formulas.notes).toBe('stale');

      s.engine.runStale(['a']);
      await settle();
      expect(s.engine.row('a')!.status.state).toBe(started);
      s.expectNotesRead('a run stale');
      s.expectRunsOwned('a run stale');

      // Everything queued: as a sheet opened fresh in auto mode shows it.
      s.engine.setRunMode('auto');
      await settle();
      s.expectNotesRead('auto mode');
      expect(s.engine.row('b')!.formulas.notes).toBe(started);
      s.expectRunsOwned('auto mode');
      await s.expectFresh('auto mode');

      if (capacity > 0) {
        for (const c of [...s.runner.calls]) c.finish({ testAcc: 0.7 });
        await settle();
        for (const c of s.runner.calls.slice(1)) c.finish({ testAcc: 0.6 });
        await settle();
        expect(s.engine.row('b')!.formulas.notes).toBe('done');
        s.expectRunsOwned('trained');
        await s.expectFresh('trained');
      }
    });
  }

  // A rerun changes a status only while the runner has no room: with room, the run starts at once,
  // and the start tells formulas whatever the rerun did (review-26 T1). So a is done (from a run
  // of another sheet: the cache) and the runner has no room: capacity 0, or b training.
  for (const capacity of [0, 1]) {
    it(`reads 'queued' after a rerun of a done row while the runner has no room (runner capacity ${capacity})`, async () => {
      const first = new Sheet([{ id: 'a', cells: cells() }], 'auto', 1);
      await settle();
      first.runner.last('a').finish({ testAcc: 0.7 });
      await settle();
      first.engine.dispose();

      const s = new Sheet([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: '2', notes: STATUS_OF_A }) }], 'auto', capacity, first.cache);
      await settle();
      expect(s.engine.row('a')!.status.state).toBe('done');
      expect(s.engine.row('b')!.status.state).toBe(capacity > 0 ? 'running' : 'queued');
      s.expectNotesRead('from the cache');
      await s.expectFresh('from the cache');

      s.engine.rerun('a');
      await settle();
      expect(s.engine.row('a')!.status.state).toBe('queued');
      expect(s.engine.row('b')!.formulas.notes).toBe('queued');
      s.expectNotesRead('a rerun');
      s.expectRunsOwned('a rerun');

      if (capacity > 0) {
        s.runner.last('b').finish({ testAcc: 0.6 });
        await settle();
        expect(s.engine.row('b')!.formulas.notes).toBe('running');
        s.runner.last('a').finish({ testAcc: 0.75 });
        await settle();
        expect(s.engine.row('b')!.formulas.notes).toBe('done');
        s.expectRunsOwned('the rerun landed');
        await s.expectFresh('the rerun landed');
      }
    });
  }
});

describe('a rerun of a failed row', () => {
  // A failed row has no result (NO_RESULT); rerun, it is on its way to one (PENDING): formulas
  // reading its results read that, as a sheet opened fresh does, not only those reading its
  // status (review-26 F1: c kept "reads a row that has no result" while a trained again).
  //
  //   a: test_acc ──> c: notes (=U1), seed (=IF(U1 > 0.5, 2, 1))
  const U1 = `${TEST_ACC}1`;
  for (const capacity of [0, 1]) {
    it(`reaches formulas reading its results (runner capacity ${capacity} at the rerun)`, async () => {
      const s = new Sheet([
        { id: 'a', cells: cells() },
        { id: 'c', cells: cells({ notes: `=${U1}`, seed: `=IF(${U1} > 0.5, 2, 1)` }) },
      ], 'auto', 1);
      await settle();
      s.runner.last('a').fail('boom');
      await settle();
      expect(s.engine.row('a')!.status.state).toBe('failed');
      expect(statusText(s.engine.row('c')!.status)).toContain('no result');

      s.setCapacity(capacity);
      s.engine.rerun('a');
      await settle();
      expect(s.engine.row('a')!.status.state).toBe(capacity > 0 ? 'running' : 'queued');
      expect(statusText(s.engine.row('c')!.status)).toContain('not there yet');
      s.expectRunsOwned('a rerun');
      await s.expectFresh('a rerun');

      s.setCapacity(1);
      await settle();
      s.runner.last('a').finish({ testAcc: 0.7 });
      await settle();
      expect(s.engine.row('c')!.formulas.seed).toBe(2);
      s.expectRunsOwned('the rerun landed');
      await s.expectFresh('the rerun landed');
    });
  }

  it('that feeds a setting re-places the row reading it when a run starts', async () => {
    // b trains seed 3 while a waits, seed 4 once a runs: the fresh sheet agrees at each step.
    const seed = `=IF(${STATUS_OF_A.slice(1)} = "running", 4, 3)`;
    const s = new Sheet([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed, notes: STATUS_OF_A }) }], 'manual', 1);
    await settle();
    expect(s.engine.row('b')!.formulas.seed).toBe(3);
    s.engine.runStale(['a']);
    await settle();
    expect(s.engine.row('a')!.status.state).toBe('running');
    expect(s.engine.row('b')!.formulas.seed).toBe(4);
    s.expectNotesRead('a running');
    s.engine.setRunMode('auto');
    await settle();
    await s.expectFresh('auto mode');
  });
});


/** Exact: every row's status line, formula values and result, for comparing with a fresh sheet. */
function exact(r: RowState): string {
  const formulas = Object.keys(r.formulas).sort().map((k) => `${k}=${JSON.stringify(r.formulas[k])}`).join(',');
  return `${r.id}: ${statusText(r.status)} | ${formulas} | ${r.result?.testAcc ?? '-'}`;
}

describe('settings reading statuses through IF', () => {
  //   r0: seed = IF(O6="done", "x", 1)          (row 6 exists only while r2 sweeps)
  //   r1: seed = IF(O1="running", "x", 1)
  //   r2: lr   = IF(O2="running", "0.01, 0.02", "0.03")
  //   r3: lr   = IF(O3="done", "0.01, 0.02", "0.03")
  const O = STATUS_OF_A.slice(1, -1);
  const rows = (): RowInit[] => [
    { id: 'r0', cells: cells({ epochs: '1', seed: `=IF(${O}6="done", "x", 1)` }) },
    { id: 'r1', cells: cells({ epochs: '2', seed: `=IF(${O}1="running", "x", 1)` }) },
    { id: 'r2', cells: cells({ epochs: '3', lr: `=IF(${O}2="running", "0.01, 0.02", "0.03")` }) },
    { id: 'r3', cells: cells({ epochs: '1', lr: `=IF(${O}3="done", "0.01, 0.02", "0.03")` }) },
  ];

  for (const capacity of [1, 2, 3]) {
    it(`start a few runs and settle, as a fresh sheet does (runner capacity ${capacity})`, async () => {
      const cache = new Map<string, TrainResult>();
      const runner = watchRuns(new ScriptedRunner(capacity));
      // A pump that never returns would hang the test: stop it with an error instead.
      const run = runner.run.bind(runner);
      runner.run = (job, o) => {
        if (runner.calls.length >= 40) throw new Error('runaway: 40 runs started');
        return run(job, o);
      };
      const engine = new SheetEngine(rows(), runner, { cache });
      await settle();
      expectOpenRunsOwned(engine, runner, 'opened');
      const landed = new Set<ScriptedCall>();
      for (let i = 0; i < 40; i++) {
        const open = runner.calls.find((c) => !c.signal.aborted && !landed.has(c));
        if (!open) break;
        landed.add(open);
        open.finish({ testAcc: 0.5 + open.job.spec.epochs / 100 });
        await settle();
        expectOpenRunsOwned(engine, runner, `${open.job.id} landed`);
      }
      expect(runner.calls.filter((c) => !c.signal.aborted && !landed.has(c)), 'runs left open').toEqual([]);
      expect(runner.calls.length, runner.calls.map((c) => c.job.id).join(' ')).toBeLessThanOrEqual(8);
      const fresh = new SheetEngine(rows(), new ScriptedRunner(capacity), { cache });
      await settle();
      expect(engine.rows().map(exact)).toEqual(fresh.rows().map(exact));
      engine.dispose();
      fresh.dispose();
    });
  }
});

describe('Runs.pump', () => {
  it('returns when each start queues the row again: a row it started is not started again by the same call', () => {
    // A host whose recompute after every start takes the run back and queues the row again for a
    // new version: without a bound, pump would start it for ever.
    const rows = new Map<string, RowState>();
    const probe = new SheetEngine([{ id: 'a', cells: cells() }], new ScriptedRunner(0), { schedule: () => {} });
    rows.set('a', probe.row('a')!);
    probe.dispose();
    const later: (() => void)[] = [];
    let seq = 0;
    const runner = new ScriptedRunner(1);
    const runs: Runs = new Runs({
      order: () => [...rows.keys()],
      row: (id) => rows.get(id),
      set: (row) => rows.set(row.id, row),
      emit: () => {},
      refreshSweep: () => {},
      resultChanged: () => {},
      settled: () => {},
      started: (ids) => {
        for (const id of ids) {
          runs.cancel(id);
          const r = rows.get(id)!;
          rows.set(id, { ...r, version: r.version + 1, status: { state: 'queued' } });
          runs.enqueue(id, ++seq);
        }
      },
      later: (fn) => later.push(fn),
      manual: () => false,
    }, runner, new Map());
    runs.enqueue('a', ++seq);
    runs.pump();
    expect(runner.started()).toEqual(['a']);
    // Still queued, the runner free: a later call starts it (here, once per call).
    expect(later).toHaveLength(1);
    later.shift()!();
    expect(runner.started()).toEqual(['a', 'a']);
    expect(runner.calls.map((c) => c.signal.aborted)).toEqual([true, true]);
    runs.dispose();
  });
});
