/**
 * A formula that reads a result the row does not have yet is pending: empty, not 0 and not an
 * error, until the result arrives. Formulas over typed inputs compute at once as before, and
 * aggregates over a column skip the rows still waiting.
 *
 *   row a: run ──> test_acc ──> gap (=train_acc - test_acc) ──> gap_pct (=gap * 100)
 *   row a: lr ──> lr10 (=lr * 10)                       (no result read: computes at once)
 */
import { describe, expect, it } from 'vitest';
import type { FormulaColumn } from '../../src/engine/scheduler/row-state.ts';
import { type RowState, SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { compareKeys, groupedOrder, sortKey } from '../../src/ui/row-values.ts';
import { NO_RESULT, SHEET_COLUMN_KEYS, columnLetters } from '../../src/engine/formula/index.ts';
import { statusText } from '../../src/engine/scheduler/row-state.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const cells = (over: Record<string, string> = {}) => ({
  dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});

const COLUMNS: FormulaColumn[] = [
  { key: 'gap', label: 'gap', formula: '=train_acc - test_acc' },
  { key: 'gap_pct', label: 'gap %', formula: '=gap * 100' },
  { key: 'verdict', label: 'verdict', formula: '=IF(test_acc > 0.7, "good", "poor")' },
  { key: 'pct', label: 'test %', formula: '=ROUND(test_acc * 100, 1)' },
  { key: 'lr10', label: 'lr x 10', formula: '=lr * 10' },
  { key: 'mixed', label: 'lr + acc', formula: '=lr + test_acc' },
  { key: 'best', label: 'best', formula: '=MAX(test_acc)' },
  { key: 'mean', label: 'mean', formula: '=AVERAGE(test_acc)' },
  { key: 'done', label: 'done', formula: '=COUNT(test_acc)' },
];

const values = (r: RowState, keys = ['gap', 'gap_pct', 'verdict', 'pct', 'lr10', 'mixed']) => Object.fromEntries(keys.map((k) => [k, r.formulas[k]]));

describe('a formula waiting on a result', () => {
  it('is empty until the row trains, then computes; formulas over inputs compute at once', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }], runner, { formulaColumns: COLUMNS });
    await settle();
    expect(engine.row('a')!.status.state).toBe('running');
    expect(values(engine.row('a')!)).toEqual({ gap: null, gap_pct: null, verdict: null, pct: null, lr10: 0.3, mixed: null });
    runner.last('a').finish({ trainAcc: 0.9, testAcc: 0.8 });
    await settle();
    const a = engine.row('a')!;
    expect(a.formulas.gap).toBeCloseTo(0.1, 6);
    expect(a.formulas.gap_pct).toBeCloseTo(10, 4);
    expect(values(a, ['verdict', 'pct', 'lr10'])).toEqual({ verdict: 'good', pct: 80, lr10: 0.3 });
    expect(a.formulas.mixed).toBeCloseTo(0.83, 6);
  });

  it('aggregates over a column skip the rows still waiting', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ lr: '0.1' }) }], runner, { formulaColumns: COLUMNS });
    await settle();
    runner.last('a').finish({ testAcc: 0.6 });
    await settle();
    expect(values(engine.row('b')!, ['best', 'mean', 'done', 'gap'])).toEqual({ best: 0.6, mean: 0.6, done: 1, gap: null });
    runner.last('b').finish({ testAcc: 0.8 });
    await settle();
    expect(engine.row('a')!.formulas.mean).toBeCloseTo(0.7, 12);
    expect(engine.row('a')!.formulas.done).toBe(2);
  });

  it('a stale row (manual mode) shows empty formulas, not 0; a failed run\'s say #N/A', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ lr: '0.1' }) }], runner, { formulaColumns: COLUMNS });
    await settle();
    runner.last('a').finish({ trainAcc: 0.9, testAcc: 0.8 });
    runner.last('b').fail('out of memory');
    await settle();
    // No result will come without an edit: #N/A, not empty (which would say one is on its way).
    expect(values(engine.row('b')!, ['gap', 'pct'])).toEqual({ gap: NO_RESULT, pct: NO_RESULT });
    engine.setRunMode('manual');
    engine.edit([{ row: 'a', column: 'seed', text: '2' }]);
    engine.flush();
    expect(engine.row('a')!.status.state).toBe('stale');
    expect(values(engine.row('a')!, ['gap', 'pct', 'lr10'])).toEqual({ gap: null, pct: null, lr10: 0.3 });
    engine.runStale();
    runner.last('a').finish({ trainAcc: 0.7, testAcc: 0.7 });
    await settle();
    expect(values(engine.row('a')!, ['gap', 'pct'])).toEqual({ gap: 0, pct: 70 });
  });

  it('a formula in an input cell reading a result waits too: the notes stay empty and the row trains', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells({ notes: '=ROUND(test_acc * 100)' }) }], runner);
    await settle();
    const a = engine.row('a')!;
    expect({ state: a.status.state, notes: a.formulas.notes }).toEqual({ state: 'running', notes: null });
    runner.last('a').finish({ testAcc: 0.87 });
    await settle();
    expect(engine.row('a')!.formulas.notes).toBe(87);
  });

  it('a setting that reads a result waits for it: no run on the column\'s default, then one run', async () => {
    // seed of row b = 5 once row a has a test accuracy; before, the row must not train seed 1 (the
    // default) only to train again with 5.
    const a1 = `${columnLetters(SHEET_COLUMN_KEYS.indexOf('test_acc'))}1`;
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: `=IF(${a1} > 0, 5, 7)` }) }], runner);
    await settle();
    const b = engine.row('b')!;
    expect(b.status.state).toBe('invalid');
    expect(statusText(b.status)).toBe('invalid — seed: the formula gives #N/A: it reads a result that is not there yet (expected a formula whose value fits the column)');
    expect(runner.started()).toEqual(['a']);
    runner.last('a').finish({ testAcc: 0.8 });
    await settle();
    expect(engine.row('b')!.status.state).toBe('running');
    expect(runner.last('b').job.spec.seed).toBe(5);
    expect(runner.started()).toEqual(['a', 'b']);
  });

  it('a setting that reads a row with no result coming says so, and trains once that row has one', async () => {
    // Row a has a typo, or its run fails: waiting on it (as on a running row) would be for ever.
    const a1 = `${columnLetters(SHEET_COLUMN_KEYS.indexOf('test_acc'))}1`;
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells({ layers: 'dense(4, reluu)' }) }, { id: 'b', cells: cells({ seed: `=IF(${a1} > 0, 5, 7)` }) }], runner);
    await settle();
    expect(statusText(engine.row('b')!.status)).toBe('invalid — seed: the formula gives #N/A: it reads a row that has no result (invalid or failed) (expected a formula whose value fits the column)');
    expect(runner.started()).toEqual([]);
    engine.edit([{ row: 'a', column: 'layers', text: 'dense(4, relu)' }]);
    await settle();
    expect(runner.started()).toEqual(['a']);
    runner.last('a').fail('out of memory');
    await settle();
    expect(engine.row('b')!.status.state).toBe('invalid');
    engine.edit([{ row: 'a', column: 'seed', text: '3' }]);
    await settle();
    runner.last('a').finish({ testAcc: 0.8 });
    await settle();
    expect(runner.last('b').job.spec.seed).toBe(5);
  });

  it('an aggregate with every row still waiting waits too; COUNT says 0', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ lr: '0.1' }) }], runner, {
      formulaColumns: [...COLUMNS, { key: 'total', label: 'total', formula: '=SUM(test_acc)' }, { key: 'ratio', label: 'ratio', formula: '=lr / MAX(test_acc)' }],
    });
    await settle();
    // Not MAX 0, SUM 0 or AVERAGE #DIV/0! while both rows train.
    expect(values(engine.row('a')!, ['best', 'mean', 'total', 'ratio', 'done'])).toEqual({ best: null, mean: null, total: null, ratio: null, done: 0 });
    runner.last('a').finish({ testAcc: 0.6 });
    await settle();
    expect(values(engine.row('b')!, ['best', 'mean', 'total', 'done'])).toEqual({ best: 0.6, mean: 0.6, total: 0.6, done: 1 });
    expect(engine.row('b')!.formulas.ratio).toBeCloseTo(0.1 / 0.6, 12);
  });

  it('a sweep whose runs all failed reads as #N/A, not as waiting', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'g', cells: cells({ seed: '1..2' }) }], runner, { formulaColumns: COLUMNS });
    await settle();
    runner.last('g/1').fail('out of memory');
    await settle();
    // One run still on its way: waiting.
    expect(values(engine.row('g')!, ['pct'])).toEqual({ pct: null });
    runner.last('g/2').fail('out of memory');
    await settle();
    expect(values(engine.row('g')!, ['pct'])).toEqual({ pct: NO_RESULT });
  });

  it('a sweep\'s row waits until one of its runs has finished, then reads their mean', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'g', cells: cells({ seed: '1..2' }) }], runner, { formulaColumns: COLUMNS });
    await settle();
    expect(values(engine.row('g')!, ['pct', 'verdict'])).toEqual({ pct: null, verdict: null });
    runner.last('g/1').finish({ testAcc: 0.9 });
    await settle();
    expect(values(engine.row('g')!, ['pct'])).toEqual({ pct: 90 });
  });

  it('sorts last, after every computed value, in either direction', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine(['a', 'b', 'c'].map((id, i) => ({ id, cells: cells({ seed: String(i) }) })), runner, { formulaColumns: COLUMNS });
    await settle();
    runner.last('a').finish({ testAcc: 0.5 });
    runner.last('c').finish({ testAcc: 0.9 });
    await settle();
    const key = (r: RowState) => sortKey('pct', r, (id) => engine.row(id), () => null);
    expect(groupedOrder(engine.rows(), 'asc', key)).toEqual(['a', 'c', 'b']);
    expect(groupedOrder(engine.rows(), 'desc', key)).toEqual(['c', 'a', 'b']);
    expect(compareKeys(key(engine.row('b')!), 0, 'asc')).toBe(1);
  });
});
