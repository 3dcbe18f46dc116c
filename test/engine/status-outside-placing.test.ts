/**
 * A row's status changes outside placing too: "run stale" queues it, switching to auto queues
 * every stale row, a run starts, a rerun queues a finished row, and (manual mode) a stale row takes
 * the result of an identical spec that trained meanwhile. Formulas reading the status read what
 * the row shows after each of these, and the sheet equals one opened fresh from the same cells
 * and results (review-23 P1, P2: before, a formula kept reading 'stale', and a stale twin stayed
 * stale, then trained again at "run stale").
 *
 *   a: status ──> b: notes (=O1)
 */
import { describe, expect, it } from 'vitest';
import { SHEET_COLUMN_KEYS, columnLetters } from '../../src/engine/formula/index.ts';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowInit, type RowState, type RunMode, SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const STATUS_OF_A = `=${columnLetters(SHEET_COLUMN_KEYS.indexOf('status'))}1`;
const cells = (over: Record<string, string> = {}) => ({
  dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});

/** What a row shows: its status line (without progress) and its notes formula's value. */
function shown(r: RowState): string {
  const status = r.status.state === 'running' ? 'running' : statusText(r.status);
  return `${r.id}: ${status} | notes=${String(r.formulas.notes ?? '')}`;
}

class Sheet {
  readonly cache = new Map<string, TrainResult>();
  readonly runner: ScriptedRunner;
  readonly engine: SheetEngine;

  constructor(rows: RowInit[], mode: RunMode, readonly capacity: number) {
    this.runner = new ScriptedRunner(capacity);
    this.engine = new SheetEngine(rows, this.runner, { cache: this.cache, runMode: mode });
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
    const fresh = new SheetEngine(top.map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(this.capacity), { cache: this.cache, runMode: mode });
    await settle();
    expect(this.rows(), label).toEqual(fresh.rows().map(shown));
    fresh.dispose();
  }
}

describe('a formula reading a row\'s status', () => {
  for (const capacity of [0, 1]) {
    const started = capacity > 0 ? 'running' : 'queued';
    it(`reads it after "run stale", a run starting, auto mode and a rerun (runner capacity ${capacity})`, async () => {
      const s = new Sheet([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: '2', notes: STATUS_OF_A }) }], 'manual', capacity);
      await settle();
      s.expectNotesRead('built');
      expect(s.engine.row('b')!.formulas.notes).toBe('stale');

      s.engine.runStale(['a']);
      await settle();
      expect(s.engine.row('a')!.status.state).toBe(started);
      s.expectNotesRead('a run stale');

      // Everything queued: as a sheet opened fresh in auto mode shows it.
      s.engine.setRunMode('auto');
      await settle();
      s.expectNotesRead('auto mode');
      expect(s.engine.row('b')!.formulas.notes).toBe(started);
      await s.expectFresh('auto mode');

      if (capacity > 0) {
        for (const c of [...s.runner.calls]) c.finish({ testAcc: 0.7 });
        await settle();
        for (const c of s.runner.calls.slice(1)) c.finish({ testAcc: 0.6 });
        await settle();
        expect(s.engine.row('b')!.formulas.notes).toBe('done');
        await s.expectFresh('trained');
      }

      s.engine.rerun('a');
      await settle();
      expect(s.engine.row('a')!.status.state).toBe(started);
      s.expectNotesRead('a rerun');
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

describe('a stale row in manual mode', () => {
  it('takes the result of an identical spec that trained, and "run stale" trains nothing more', async () => {
    const s = new Sheet([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ notes: STATUS_OF_A }) }], 'manual', 4);
    await settle();
    s.engine.runStale(['a']);
    await settle();
    expect(s.runner.started()).toEqual(['a']);
    s.runner.last('a').finish({ testAcc: 0.75 });
    await settle();
    expect(s.rows()).toEqual(['a: done | notes=', 'b: done | notes=done']);
    expect(s.engine.row('b')!.result?.testAcc).toBe(0.75);
    await s.expectFresh('twin trained');
    s.engine.runStale();
    await settle();
    expect(s.runner.started()).toEqual(['a']);
  });

  it('in a sweep takes it too, and its sweep counts it done', async () => {
    const s = new Sheet([{ id: 'a', cells: cells() }, { id: 's', cells: cells({ lr: '0.03, 0.1' }) }], 'manual', 4);
    await settle();
    s.engine.runStale(['a']);
    await settle();
    s.runner.last('a').finish({ testAcc: 0.75 });
    await settle();
    const [first, second] = s.engine.row('s')!.sweep!.children.map((c) => s.engine.row(c)!);
    expect([first!.status.state, second!.status.state]).toEqual(['done', 'stale']);
    expect(statusText(s.engine.row('s')!.status)).toBe('sweep: 1/2 done');
    await s.expectFresh('twin trained');
  });
});
