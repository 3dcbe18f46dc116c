import { describe, expect, it } from 'vitest';
import { SheetEngine, isStale, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const cells = (over: Record<string, string> = {}) => ({
  name: 'run', dataset: 'circle', noise: '0.1', layers: 'dense(4, relu)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});

/** Three rows a, b, c on a runner with room for `capacity` jobs. */
function sheet(capacity = 3) {
  const runner = new ScriptedRunner(capacity);
  const engine = new SheetEngine([
    { id: 'a', cells: cells() }, { id: 'b', cells: cells({ lr: '0.1' }) }, { id: 'c', cells: cells({ seed: '2' }) },
  ], runner);
  const state = (id: string) => engine.row(id)!.status.state;
  return { runner, engine, state };
}

describe('SheetEngine', () => {
  it('queues every valid row at start and runs them up to the runner capacity, in sheet order', async () => {
    const { runner, state } = sheet(2);
    await settle();
    expect(runner.started()).toEqual(['a', 'b']);
    expect([state('a'), state('b'), state('c')]).toEqual(['running', 'running', 'queued']);
    runner.last('a').finish();
    await settle();
    expect(runner.started()).toEqual(['a', 'b', 'c']);
    expect(state('a')).toBe('done');
  });

  it('an edit to an input re-runs that row only; other rows keep their results', async () => {
    const { runner, engine, state } = sheet();
    await settle();
    for (const r of ['a', 'b', 'c']) runner.last(r).finish({ testAcc: 0.5 });
    await settle();
    engine.edit([{ row: 'b', column: 'lr', text: '0.3' }]);
    await settle();
    expect(runner.started()).toEqual(['a', 'b', 'c', 'b']);
    expect(state('b')).toBe('running');
    expect(isStale(engine.row('b')!)).toBe(true); // the old result stays visible, marked stale
    expect([state('a'), state('c')]).toEqual(['done', 'done']);
    expect(isStale(engine.row('a')!)).toBe(false);
    runner.last('b').finish({ testAcc: 0.9 });
    await settle();
    expect(engine.row('b')!.result!.testAcc).toBe(0.9);
    expect(isStale(engine.row('b')!)).toBe(false);
  });

  it.each([['name'], ['notes']])('an edit to %s runs nothing', async (column) => {
    const { runner, engine, state } = sheet();
    await settle();
    for (const r of ['a', 'b', 'c']) runner.last(r).finish();
    await settle();
    engine.edit([{ row: 'a', column, text: 'something else' }]);
    await settle();
    expect(runner.calls).toHaveLength(3);
    expect(state('a')).toBe('done');
    expect(engine.row('a')!.cells[column]).toBe('something else');
  });

  it('cancels a running row that is edited again and drops the old run\'s late result and progress', async () => {
    const { runner, engine } = sheet();
    await settle();
    const first = runner.last('a');
    engine.edit([{ row: 'a', column: 'epochs', text: '7' }]);
    await settle();
    expect(first.signal.aborted).toBe(true);
    const second = runner.last('a');
    expect(second).not.toBe(first);
    first.progress({ fraction: 0.99 });
    first.finish({ testAcc: 0.123 });
    await settle();
    expect(engine.row('a')!.result).toBeNull();
    expect(engine.row('a')!.status).toEqual({ state: 'running', fraction: 0, epoch: 1, epochs: 7 });
    second.finish({ testAcc: 0.77 });
    await settle();
    expect(engine.row('a')!.result!.testAcc).toBe(0.77);
  });

  it('gathers several edits into one pass and one run per row', async () => {
    const { runner, engine } = sheet();
    await settle();
    for (const r of ['a', 'b', 'c']) runner.last(r).finish();
    await settle();
    let passes = 0;
    engine.subscribe(() => passes++);
    engine.edit([{ row: 'a', column: 'lr', text: '0.5' }]);
    engine.edit([{ row: 'a', column: 'epochs', text: '9' }]);
    engine.edit([{ row: 'c', column: 'lr', text: '0.2' }]);
    await settle();
    expect(runner.started().slice(3).sort()).toEqual(['a', 'c']);
    expect(runner.last('a').job.spec).toMatchObject({ learningRate: 0.5, epochs: 9 });
    expect(passes).toBeGreaterThan(0);
  });

  it('runs the row just edited before rows queued earlier', async () => {
    const { runner, engine } = sheet(1);
    await settle();
    expect(runner.started()).toEqual(['a']);
    engine.edit([{ row: 'c', column: 'lr', text: '0.2' }]);
    await settle();
    runner.last('a').finish();
    await settle();
    expect(runner.started()).toEqual(['a', 'c']);
  });

  it('a bad cell makes the row invalid with the message, runs nothing, and cancels its run', async () => {
    const { runner, engine } = sheet();
    await settle();
    const run = runner.last('a');
    engine.edit([{ row: 'a', column: 'lr', text: 'fast' }]);
    await settle();
    expect(run.signal.aborted).toBe(true);
    expect(statusText(engine.row('a')!.status)).toBe('invalid — lr: "fast" is not a number (expected a number above 0, up to 10)');
    expect(runner.calls).toHaveLength(3);
    engine.edit([{ row: 'a', column: 'lr', text: 'faster' }]);
    await settle();
    expect(statusText(engine.row('a')!.status)).toContain('"faster" is not a number');
    engine.edit([{ row: 'a', column: 'lr', text: '0.01' }]);
    await settle();
    expect(engine.row('a')!.status.state).toBe('running');
  });

  it('a failed run shows its reason and does not block the queue', async () => {
    const { runner, engine, state } = sheet(1);
    await settle();
    runner.last('a').fail('training failed: out of memory');
    await settle();
    expect(statusText(engine.row('a')!.status)).toBe('failed — training failed: out of memory');
    expect(state('b')).toBe('running');
  });

  it('a diverged run says so, with its epoch and cause', async () => {
    const { runner, engine } = sheet(1);
    await settle();
    runner.last('a').finish({ diverged: { epoch: 3, message: 'the loss became NaN — the learning rate (3) is probably too high' } });
    await settle();
    expect(statusText(engine.row('a')!.status)).toBe('diverged at epoch 3 — the loss became NaN — the learning rate (3) is probably too high');
  });

  it('typing an old value back shows its result at once, without training', async () => {
    const { runner, engine, state } = sheet();
    await settle();
    for (const r of ['a', 'b', 'c']) runner.last(r).finish({ testAcc: 0.61 });
    await settle();
    engine.edit([{ row: 'a', column: 'lr', text: '0.5' }]);
    await settle();
    runner.last('a').finish({ testAcc: 0.42 });
    await settle();
    expect(engine.row('a')!.result!.testAcc).toBe(0.42);
    engine.edit([{ row: 'a', column: 'lr', text: '0.03' }]); // back to the first value
    await settle();
    expect(runner.calls).toHaveLength(4);
    expect(state('a')).toBe('done');
    expect(engine.row('a')!.result!.testAcc).toBe(0.61);
    expect(isStale(engine.row('a')!)).toBe(false);
  });

  it('identical specs run once: the twin waits and takes the result', async () => {
    const runner = new ScriptedRunner(2);
    const engine = new SheetEngine([{ id: 'x', cells: cells() }, { id: 'y', cells: cells({ name: 'same spec' }) }], runner);
    await settle();
    expect(runner.started()).toEqual(['x']);
    expect(engine.row('y')!.status.state).toBe('queued');
    runner.last('x').finish({ testAcc: 0.7 });
    await settle();
    expect(runner.calls).toHaveLength(1);
    expect(engine.row('y')!.status.state).toBe('done');
    expect(engine.row('y')!.result!.testAcc).toBe(0.7);
  });

  it('rerun retrains even when the result is known', async () => {
    const { runner, engine } = sheet();
    await settle();
    for (const r of ['a', 'b', 'c']) runner.last(r).finish();
    await settle();
    engine.rerun('a');
    await settle();
    expect(runner.started()).toEqual(['a', 'b', 'c', 'a']);
  });

  it('manual mode marks edited rows stale, keeps their old results, and runs them on "run stale"', async () => {
    const runner = new ScriptedRunner(3);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ lr: '0.1' }) }], runner, { runMode: 'manual' });
    await settle();
    expect(runner.calls).toHaveLength(0);
    expect(engine.rows().map((r) => r.status.state)).toEqual(['stale', 'stale']);
    engine.runStale();
    await settle();
    runner.last('a').finish({ testAcc: 0.7 });
    runner.last('b').finish();
    await settle();
    engine.edit([{ row: 'a', column: 'lr', text: '0.3' }]);
    await settle();
    expect(runner.calls).toHaveLength(2);
    expect(statusText(engine.row('a')!.status)).toBe('stale — run it to update');
    expect(engine.row('a')!.result!.testAcc).toBe(0.7);
    expect(isStale(engine.row('a')!)).toBe(true);
    engine.setRunMode('auto');
    await settle();
    expect(runner.started()).toEqual(['a', 'b', 'a']);
  });

  it('queue order: the row just edited, then rows on screen, then the rest', async () => {
    const runner = new ScriptedRunner(1);
    const rows = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, cells: cells({ seed: String(i + 1) }) }));
    const engine = new SheetEngine(rows, runner);
    engine.setVisible(['d', 'e']);
    await settle();
    expect(runner.started()).toEqual(['d']);
    engine.edit([{ row: 'b', column: 'lr', text: '0.2' }]);
    await settle();
    for (let i = 0; i < 4; i++) {
      runner.calls[runner.calls.length - 1]!.finish();
      await settle();
    }
    expect(runner.started()).toEqual(['d', 'b', 'e', 'a', 'c']);
  });

  it('idle() resolves once every row has settled', async () => {
    const { runner, engine } = sheet();
    let idle = false;
    void engine.idle().then(() => { idle = true; });
    await settle();
    for (const r of ['a', 'b']) runner.last(r).finish();
    await settle();
    expect(idle).toBe(false);
    runner.last('c').finish();
    await settle();
    expect(idle).toBe(true);
  });
});
