/**
 * Sweeps in cells. A row whose cells hold lists expands into child rows:
 *
 *   row r  lr: 0.1, 0.01   seed: 1..2        r/1 lr 0.1  seed 1
 *          (trains nothing)            ─┬─>  r/2 lr 0.1  seed 2
 *                                       ├─>  r/3 lr 0.01 seed 1
 *                                       └─>  r/4 lr 0.01 seed 2
 */
import { describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../src/engine/columns.ts';
import { expandRow, sweepValues } from '../../src/engine/grammar/sweep.ts';
import { SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { sweepSummary, formatSpread } from '../../src/engine/scheduler/sweep-stats.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const col = (key: string) => INPUT_COLUMNS.find((c) => c.key === key)!;

describe('sweep cells', () => {
  it.each([
    ['lr', '0.1', null],
    ['lr', '0.1, 0.01, 0.001', ['0.1', '0.01', '0.001']],
    ['lr', 'logspace(1e-4, 1e-1, 4)', ['0.0001', '0.001', '0.01', '0.1']],
    ['batch_size', 'range(16, 128, 16)', ['16', '32', '48', '64', '80', '96', '112', '128']],
    ['noise', 'linspace(0, 0.5, 3)', ['0', '0.25', '0.5']],
    ['seed', '1..5', ['1', '2', '3', '4', '5']],
    ['optimizer', 'sgd, adam', ['sgd', 'adam']],
    ['dataset', 'mnist:5k, fashion-mnist:5k', ['mnist:5k', 'fashion-mnist:5k']],
    ['layers', 'dense(8, relu)', null],
    ['layers', 'dense(8, relu) | dense(8, tanh) dense(8, tanh)', ['dense(8, relu)', 'dense(8, tanh) dense(8, tanh)']],
    ['reduce_lr', '0.1, 2', null],
    ['reduce_lr', '0.1, 2 | 0.5, 1', ['0.1, 2', '0.5, 1']],
    ['name', 'a, b', null],
    ['lr', '=B2*10', null],
  ])('%s = %j', (key, text, values) => {
    expect(sweepValues(col(key), text)).toEqual({ ok: true, value: values });
  });

  it.each([
    ['lr', '0.1,, 0.2', 'a list has an empty value: remove the extra separator'],
    ['seed', '5..1', '5..1: the end is below the start'],
    ['seed', '1..100', '1..100 makes 100 values; at most 64 per cell'],
    ['lr', 'logspace(0, 1, 3)', 'logspace(start, stop, count) needs start and stop above 0'],
    ['lr', 'linspace(0, 1, 1)', 'linspace(start, stop, count) needs a whole count from 2 to 64'],
    ['batch_size', 'range(16, 8, 1)', 'range(start, stop, step) needs stop >= start'],
  ])('%s = %j is refused: %s', (key, text, message) => {
    expect(sweepValues(col(key), text)).toEqual({ ok: false, error: message });
  });

  it('expands the cartesian product, first swept column slowest', () => {
    const r = expandRow({ lr: '0.1, 0.01', seed: '1..2', name: 'grid' });
    expect(r.ok && r.value!.swept).toEqual(['lr', 'seed']);
    expect(r.ok && r.value!.combos.map((c) => [c.lr, c.seed, c.name])).toEqual([
      ['0.1', '1', 'grid'], ['0.1', '2', 'grid'], ['0.01', '1', 'grid'], ['0.01', '2', 'grid'],
    ]);
  });

  it('refuses a sweep of more than 256 runs, naming the cell', () => {
    const r = expandRow({ lr: 'logspace(1e-4, 1, 20)', seed: '1..20' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error[0]).toMatchObject({ column: 'seed', message: 'the sweep makes 400 runs; at most 256 per row' });
  });
});

const base = { dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1' };

describe('sweeps in the sheet engine', () => {
  it('a sweep row trains nothing itself; its children run and its status counts them', async () => {
    const runner = new ScriptedRunner(8);
    const engine = new SheetEngine([{ id: 'g', cells: { ...base, lr: '0.1, 0.01', seed: '1..2' } }], runner);
    await settle();
    expect(engine.rows().map((r) => r.id)).toEqual(['g', 'g/1', 'g/2', 'g/3', 'g/4']);
    expect(runner.started()).toEqual(['g/1', 'g/2', 'g/3', 'g/4']);
    expect(engine.row('g/3')!.parsed.ok && engine.row('g/3')!.cells.lr).toBe('0.01');
    runner.last('g/1').finish({ testAcc: 0.9 });
    runner.last('g/2').finish({ testAcc: 0.8 });
    await settle();
    expect(statusText(engine.row('g')!.status)).toBe('sweep: 2/4 done (2 running)');
    const children = engine.row('g')!.sweep!.children.map((c) => engine.row(c)!);
    expect(formatSpread(sweepSummary(children).testAcc!)).toBe('0.8500 ± 0.0707');
    // A run that diverged counts as finished, and the status says so.
    runner.last('g/3').finish({ diverged: { epoch: 3, message: 'the loss became NaN' } });
    await settle();
    expect(statusText(engine.row('g')!.status)).toBe('sweep: 3/4 done (1 running, 1 diverged)');
  });

  it('a run whose own spec is refused counts as invalid, not failed', async () => {
    // 80 epochs of all of mnist is over the sample-epoch cap; 10 is not: only that run is refused.
    const runner = new ScriptedRunner(8);
    const engine = new SheetEngine([{ id: 'g', cells: { ...base, dataset: 'mnist', layers: 'dense(8, relu)', epochs: '10, 80' } }], runner);
    await settle();
    expect(engine.row('g/2')!.status.state).toBe('invalid');
    expect(runner.started()).toEqual(['g/1']);
    expect(statusText(engine.row('g')!.status)).toBe('sweep: 0/2 done (1 running, 1 invalid)');
    runner.last('g/1').fail('training failed: out of memory');
    await settle();
    expect(statusText(engine.row('g')!.status)).toBe('sweep: 0/2 done (1 failed, 1 invalid)');
  });

  it('re-editing the sweep keeps children whose spec did not change — even a run in progress', async () => {
    const runner = new ScriptedRunner(8);
    const engine = new SheetEngine([{ id: 'g', cells: { ...base, seed: '1..3' } }], runner);
    await settle();
    runner.last('g/1').finish({ testAcc: 0.5 });
    await settle();
    const running = runner.last('g/2');
    engine.edit([{ row: 'g', column: 'seed', text: '1..4' }]);
    await settle();
    expect(engine.rows().map((r) => r.id)).toEqual(['g', 'g/1', 'g/2', 'g/3', 'g/4']);
    expect(running.signal.aborted).toBe(false);
    expect(engine.row('g/1')!.result!.testAcc).toBe(0.5);
    expect(runner.started()).toEqual(['g/1', 'g/2', 'g/3', 'g/4']);
    engine.edit([{ row: 'g', column: 'seed', text: '2, 3' }]);
    await settle();
    expect(engine.row('g')!.sweep!.children).toEqual(['g/2', 'g/3']);
    expect(engine.row('g/1')).toBeUndefined();
  });

  it('a sweep that becomes a single value turns back into a plain row', async () => {
    const runner = new ScriptedRunner(8);
    const engine = new SheetEngine([{ id: 'g', cells: { ...base, seed: '1..2' } }], runner);
    await settle();
    engine.edit([{ row: 'g', column: 'seed', text: '7' }]);
    await settle();
    expect(engine.rows().map((r) => r.id)).toEqual(['g']);
    expect(engine.row('g')!.status.state).toBe('running');
    expect(runner.calls.filter((c) => c.signal.aborted)).toHaveLength(2);
  });

  it('a bad sweep cell makes the row invalid with the message', async () => {
    const runner = new ScriptedRunner(8);
    const engine = new SheetEngine([{ id: 'g', cells: { ...base, seed: '9..1' } }], runner);
    await settle();
    expect(statusText(engine.row('g')!.status)).toBe('invalid — seed: 9..1: the end is below the start (expected a single value, or a list of a whole number from 0 to 2147483647)');
    expect(runner.calls).toHaveLength(0);
  });

  it('edits to a child are ignored; removing the sweep removes its children', async () => {
    const runner = new ScriptedRunner(8);
    const engine = new SheetEngine([{ id: 'g', cells: { ...base, seed: '1..2' } }, { id: 'h', cells: base }], runner);
    await settle();
    engine.edit([{ row: 'g/1', column: 'lr', text: '0.5' }]);
    await settle();
    expect(engine.row('g/1')!.cells.lr).toBe('0.03');
    engine.removeRow('g');
    expect(engine.rows().map((r) => r.id)).toEqual(['h']);
    expect(runner.last('g/1').signal.aborted).toBe(true);
  });
});
