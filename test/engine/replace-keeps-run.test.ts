/**
 * An update may place a row more than once: the edited row first, from its typed text, then again
 * each round its setting formulas change value. A row queued or running whose spec comes back to
 * the one it had keeps its run, its status and its version: before, the first placing cancelled
 * the run and the last queued it again (a wasted start at best; with settings reading a status, a
 * start that changed a status re-placed the row, cancelled it and started it again, for ever:
 * review-25 F1).
 *
 * Typing `=5` over `5` does that: the row is placed from its text while the new formula has no
 * value yet (epochs read as empty: the default, 30), then with the formula's value, 5 again.
 *
 *   x: epochs 5 (running x@1) --edit "=5"--> placed with 30 --recompute--> placed with 5: x@1 runs on
 */
import { describe, expect, it } from 'vitest';
import { type RunMode, SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';
import { expectOpenRunsOwned, watchRuns } from './open-runs.ts';
import { toyCells as cells } from './status-rows.ts';


async function sheet(rows: { id: string; cells: Record<string, string> }[], capacity: number, runMode: RunMode = 'auto') {
  const runner = watchRuns(new ScriptedRunner(capacity));
  const engine = new SheetEngine(rows, runner, { runMode });
  await settle();
  expectOpenRunsOwned(engine, runner, 'opened');
  runners.set(engine, runner);
  return { runner, engine };
}

const runners = new WeakMap<SheetEngine, ScriptedRunner>();

/**
 * Type `text` into one cell and let the update and any start after it run: then no run set aside
 * while the update placed rows trains on (every open run is its row's, within capacity).
 */
async function type(engine: SheetEngine, row: string, column: string, text: string): Promise<void> {
  engine.edit([{ row, column, text }]);
  await settle();
  expectOpenRunsOwned(engine, runners.get(engine)!, `typed ${text} into ${row}.${column}`);
}

describe('a row placed again with the spec it had', () => {
  for (const mode of ['auto', 'manual'] as const) {
    it(`keeps its run, status and version when running (${mode} mode)`, async () => {
      const { runner, engine } = await sheet([{ id: 'x', cells: cells() }], 1, mode);
      if (mode === 'manual') engine.runStale();
      await settle();
      expect(runner.started()).toEqual(['x']);
      const before = engine.row('x')!;
      await type(engine, 'x', 'epochs', '=5');
      const after = engine.row('x')!;
      expect(after.formulas.epochs).toBe(5);
      expect(runner.calls.map((c) => [c.job.id, c.signal.aborted])).toEqual([['x@1', false]]);
      expect([after.status.state, after.version]).toEqual(['running', before.version]);
      runner.last('x').finish({ testAcc: 0.7 });
      await settle();
      expect(engine.row('x')!.status.state).toBe('done');
      expect(engine.row('x')!.result?.testAcc).toBe(0.7);
      engine.dispose();
    });
  }

  it('keeps its place in the queue and its version when queued', async () => {
    // a runs; b waits (capacity 1), queued by the sheet's opening: the edit to b changes nothing it trains.
    const { runner, engine } = await sheet([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: '2' }) }], 1);
    const before = engine.row('b')!;
    await type(engine, 'b', 'epochs', '=5');
    expect([engine.row('b')!.status.state, engine.row('b')!.version]).toEqual(['queued', before.version]);
    runner.last('a').finish();
    await settle();
    expect(runner.calls.map((c) => c.job.id)).toEqual(['a@1', `b@${before.version}`]);
    engine.dispose();
  });

  it('a sweep placed again with the values it had keeps its runs under their ids', async () => {
    const { runner, engine } = await sheet([{ id: 's', cells: cells({ lr: '0.03, 0.1' }) }], 2);
    const children = engine.row('s')!.sweep!.children;
    expect(runner.started()).toEqual([...children]);
    await type(engine, 's', 'epochs', '=5');
    expect(engine.row('s')!.sweep!.children).toEqual(children);
    expect(children.map((c) => engine.row(c)!.status.state)).toEqual(['running', 'running']);
    expect(runner.calls.map((c) => c.signal.aborted)).toEqual([false, false]);
    for (const c of runner.calls) c.finish();
    await settle();
    expect(runner.calls).toHaveLength(2);
    expect(engine.row('s')!.status).toMatchObject({ state: 'sweep', done: 2, total: 2 });
    engine.dispose();
  });

  it('is cancelled as before when its spec does change', async () => {
    const { runner, engine } = await sheet([{ id: 'x', cells: cells() }], 1);
    await type(engine, 'x', 'epochs', '=6');
    expect(runner.calls.map((c) => [c.job.id, c.signal.aborted])).toEqual([['x@1', true], [`x@${engine.row('x')!.version}`, false]]);
    engine.dispose();
  });
});
