/**
 * Identical specs train once: a row whose spec is already training waits and takes the result.
 * In manual mode a row with that spec may be stale rather than queued (edited, waiting for "run
 * stale"): it takes the result too, as a sheet opened fresh shows it (done, from the cache), and
 * "run stale" trains nothing for it (review-23 P2: it stayed stale and trained the spec again).
 *
 *   a: spec S, run stale ──> a@1 lands ──> b: spec S, stale ──> done with a's result
 */
import { describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowInit, type RunMode, SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';
import { columnLetter, shownRow as shown, toyCells as cells } from './status-rows.ts';

const STATUS_OF_A = `=${columnLetter('status')}1`;

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

  /** The sheet equals a fresh one opened from the same cells and results, in the same mode. */
  async expectFresh(label: string): Promise<void> {
    const mode = this.engine.runMode();
    const top = this.engine.rows().filter((r) => r.parent === null);
    const fresh = new SheetEngine(top.map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(this.capacity), { cache: this.cache, runMode: mode });
    await settle();
    expect(this.rows(), label).toEqual(fresh.rows().map(shown));
    fresh.dispose();
  }
}

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

describe('a setting reading a stale twin\'s result', () => {
  it('computes with it when the twin takes it, as a fresh sheet does', async () => {
    // c's seed reads b's test_acc: b takes a's result, so c gets its value without b training.
    const J = columnLetter('test_acc');
    const s = new Sheet([
      { id: 'a', cells: cells() }, { id: 'b', cells: cells() }, { id: 'c', cells: cells({ seed: `=ROUND(${J}2 * 100)` }) },
    ], 'manual', 4);
    await settle();
    s.engine.runStale(['a']);
    await settle();
    s.runner.last('a').finish({ testAcc: 0.75 });
    await settle();
    expect(s.engine.row('c')!.formulas.seed).toBe(75);
    expect(s.engine.row('c')!.status.state).toBe('stale');
    await s.expectFresh('twin trained');
    s.engine.runStale();
    await settle();
    expect(s.runner.started()).toEqual(['a', 'c']);
  });
});
