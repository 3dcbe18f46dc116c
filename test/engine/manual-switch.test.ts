/**
 * Switching a training sheet to manual mode: rows still waiting in the queue wait as stale (what
 * "run stale" counts, and what a sheet opened in manual mode shows them as); runs already going
 * finish; nothing starts until "run stale". Before, the queue kept starting rows one after another.
 *
 *   auto, capacity 1: a running, b c queued ──> manual ──> a running, b c stale
 *   a lands ──> nothing starts ──> run stale ──> b starts
 */
import { describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowInit, SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';
import { columnLetter, shownRow as shown, toyCells as cells } from './status-rows.ts';

const STATUS = columnLetter('status');

const ROWS: RowInit[] = [
  { id: 'a', cells: cells() },
  { id: 'b', cells: cells({ seed: '2', notes: `=${STATUS}3` }) },
  { id: 'c', cells: cells({ seed: '3' }) },
  { id: 's', cells: cells({ seed: '4', lr: '0.01, 0.02' }) },
];

describe('switching a training sheet to manual mode', () => {
  it('holds the rows still queued as stale, lets the running one finish, and starts nothing until "run stale"', async () => {
    const cache = new Map<string, TrainResult>();
    const runner = new ScriptedRunner(1);
    const engine = new SheetEngine(ROWS, runner, { cache });
    await settle();
    expect(runner.started()).toEqual(['a']);
    expect(engine.row('c')!.status.state).toBe('queued');
    expect(engine.row('b')!.formulas.notes).toBe('queued');

    engine.setRunMode('manual');
    await settle();
    const rows = engine.rows();
    expect(rows.filter((r) => r.parent === null).map(shown)).toEqual([
      'a: running | notes=', 'b: stale — run it to update | notes=stale', 'c: stale — run it to update | notes=',
      `s: ${statusText(engine.row('s')!.status)} | notes=`,
    ]);
    expect(engine.row('s')!.sweep!.children.map((id) => engine.row(id)!.status.state)).toEqual(['stale', 'stale']);
    expect(runner.calls[0]!.signal.aborted).toBe(false);

    runner.last('a').finish();
    await settle();
    expect(engine.row('a')!.status.state).toBe('done');
    // The runner has room, and nothing starts.
    expect(runner.started()).toEqual(['a']);

    // A sheet opened fresh in manual mode from the same cells and results shows the same.
    const fresh = new SheetEngine(ROWS, new ScriptedRunner(1), { cache, runMode: 'manual' });
    await settle();
    expect(engine.rows().map(shown)).toEqual(fresh.rows().map(shown));
    fresh.dispose();

    engine.runStale(['b']);
    await settle();
    expect(runner.started()).toEqual(['a', 'b']);
    expect(engine.row('c')!.status.state).toBe('stale');
    engine.dispose();
  });

  it('switched back to auto, trains the rows it held', async () => {
    const runner = new ScriptedRunner(1);
    const engine = new SheetEngine(ROWS.slice(0, 3), runner);
    await settle();
    engine.setRunMode('manual');
    engine.setRunMode('auto');
    await settle();
    expect(engine.rows().map((r) => r.status.state)).toEqual(['running', 'queued', 'queued']);
    for (let i = 0; i < 3; i++) {
      runner.calls.at(-1)!.finish();
      await settle();
    }
    expect(runner.started()).toEqual(['a', 'b', 'c']);
    expect(engine.rows().map((r) => r.status.state)).toEqual(['done', 'done', 'done']);
    engine.dispose();
  });
});
