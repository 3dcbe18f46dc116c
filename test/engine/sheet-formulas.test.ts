/**
 * Formulas in the live sheet: cells -> parsed values -> spec -> run -> results -> formulas.
 *
 *   row a: lr 0.05 ───────────────> row b: lr (=F1 * 2) ──> b's spec ──> b's run
 *   row a: run ──> train_acc, test_acc ──> a's gap (=train_acc - test_acc)
 *                          └──────────────> every row's best (=MAX(test_acc))
 */
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/engine/columns.ts';
import { formatValue } from '../../src/engine/formula/index.ts';
import { SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const cells = (over: Record<string, string> = {}) => ({
  dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});
const letter = (key: string) => String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === key));

describe('formulas in the sheet engine', () => {
  it('a formula column computes from results as they land, and only then', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ lr: '0.1' }) }], runner, {
      formulaColumns: [{ key: 'gap', label: 'gap', formula: '=train_acc - test_acc' }, { key: 'best', label: 'best', formula: '=MAX(test_acc)' }],
    });
    await settle();
    // A row without results waits for them: its gap is empty, not 0 - 0, and so is MAX over results still on their way.
    expect(engine.row('a')!.formulas.gap).toBeNull();
    expect(engine.row('a')!.formulas.best).toBeNull();
    runner.last('a').finish({ trainAcc: 0.9, testAcc: 0.8 });
    await settle();
    expect(engine.row('a')!.formulas.gap).toBeCloseTo(0.1, 12);
    expect(engine.row('b')!.formulas.best).toBe(0.8);
    runner.last('b').finish({ trainAcc: 0.99, testAcc: 0.95 });
    await settle();
    expect(engine.row('a')!.formulas.best).toBe(0.95);
  });

  it('an input cell with a formula feeds the spec, and an edit upstream re-runs the row that reads it', async () => {
    const runner = new ScriptedRunner(4);
    const lrA = `${letter('lr')}1`;
    const engine = new SheetEngine([{ id: 'a', cells: cells({ lr: '0.05' }) }, { id: 'b', cells: cells({ lr: `=${lrA} * 2` }) }], runner);
    await settle();
    expect(runner.last('b').job.spec.learningRate).toBe(0.1);
    expect(engine.row('b')!.formulas.lr).toBe(0.1);
    engine.edit([{ row: 'a', column: 'lr', text: '0.2' }]);
    await settle();
    expect(runner.last('b').job.spec.learningRate).toBe(0.4);
    expect(runner.started()).toEqual(['a', 'b', 'a', 'b']);
  });

  it('a formula in an input cell that gives an error makes the row invalid, naming the cell', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells({ lr: '=1/0' }) }], runner);
    await settle();
    expect(statusText(engine.row('a')!.status)).toBe('invalid — lr: the formula gives #DIV/0!: 1 / 0 divides by zero (expected a formula whose value fits the column)');
  });

  it('a cycle is an error value on each cell in it while other rows run', async () => {
    const runner = new ScriptedRunner(4);
    const [lr, ep] = [letter('lr'), letter('epochs')];
    const engine = new SheetEngine([
      { id: 'a', cells: cells({ lr: `=${ep}1 / 100`, epochs: `=${lr}1 * 100` }) },
      { id: 'b', cells: cells() },
    ], runner);
    await settle();
    const v = engine.row('a')!.formulas.lr as { code: string; message: string };
    expect(v.code).toBe('#CYCLE!');
    expect(v.message).toMatch(/circular reference: .*→.*→/);
    expect(engine.row('a')!.status.state).toBe('invalid');
    expect(runner.started()).toEqual(['b']);
  });

  it('a cycle is named from its first cell in sheet order, however it came about', async () => {
    // Typed edit by edit, the pass found this cycle from the formula column's cell; opened fresh,
    // from lr's: "H1 → F1 → H1" against "F1 → H1 → F1" (review-20).
    const [lr, ep] = [letter('lr'), letter('epochs')];
    const cycle = { lr: `=${ep}1 / 100`, epochs: `=${lr}1 * 100` };
    const live = new SheetEngine([{ id: 'a', cells: cells() }], new ScriptedRunner(4));
    await settle();
    live.edit([{ row: 'a', column: 'epochs', text: cycle.epochs }]);
    await settle();
    live.edit([{ row: 'a', column: 'lr', text: cycle.lr }]);
    await settle();
    const live2 = new SheetEngine([{ id: 'a', cells: cells() }], new ScriptedRunner(4));
    await settle();
    live2.edit([{ row: 'a', column: 'lr', text: cycle.lr }]);
    await settle();
    live2.edit([{ row: 'a', column: 'epochs', text: cycle.epochs }]);
    await settle();
    const fresh = new SheetEngine([{ id: 'a', cells: cells(cycle) }], new ScriptedRunner(4));
    await settle();
    const message = (e: SheetEngine, key: string) => (e.row('a')!.formulas[key] as { message: string }).message;
    for (const key of ['lr', 'epochs']) {
      expect(message(fresh, key)).toBe(`circular reference: ${lr}1 → ${ep}1 → ${lr}1`);
      expect(message(live, key)).toBe(message(fresh, key));
      expect(message(live2, key)).toBe(message(fresh, key));
    }
    for (const e of [live, live2, fresh]) e.dispose();
  });

  it('a row added above changes what an A1 reference reads: the row reading it is re-placed and trains', async () => {
    // Found by the property in sheet-formula-rows (CI, seed 1060678533): the added row's own
    // formulas were computed before it was placed, and that pass updated row a's lr without
    // re-placing a, which stayed invalid with a valid value in its cell.
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: '2' }) }], runner, {
      formulaColumns: [{ key: 'alpha', label: 'alpha', formula: `=${letter('lr')}1 * 2` }, { key: 'gap', label: 'gap', formula: '=train_acc - test_acc' }],
    });
    await settle();
    engine.edit([{ row: 'a', column: 'lr', text: '=alpha / 1000' }]);
    await settle();
    // a's lr reads alpha, which reads row 1's lr: a's own.
    expect((engine.row('a')!.formulas.lr as { code: string }).code).toBe('#CYCLE!');
    expect(engine.row('a')!.status.state).toBe('invalid');
    const id = engine.addRow({ cells: cells({ seed: '3' }) }, 0);
    await settle();
    // Row 1 is the new row now: alpha is 0.06 everywhere, a's lr 0.00006, and a trains with it.
    expect(engine.row('a')!.formulas.lr).toBeCloseTo(0.00006, 12);
    expect(engine.row('a')!.status.state).not.toBe('invalid');
    expect(engine.row('a')!.formulas.gap).toBeNull();
    expect(runner.calls.filter((c) => c.job.id.startsWith('a@')).at(-1)?.job.spec.learningRate).toBeCloseTo(0.00006, 12);
    expect(engine.row(id)!.formulas.alpha).toBeCloseTo(0.06, 12);
  });

  it('adding and removing a formula column recomputes every row; a bad formula is a value, not a crash', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }], runner);
    await settle();
    runner.last('a').finish({ testAcc: 0.5 });
    await settle();
    engine.setFormulaColumn({ key: 'pct', label: 'test %', formula: '=ROUND(test_acc * 100, 1)' });
    expect(engine.row('a')!.formulas.pct).toBe(50);
    engine.setFormulaColumn({ key: 'pct', label: 'test %', formula: '=ROUND(tst_acc * 100, 1)' });
    expect(formatValue(engine.row('a')!.formulas.pct!)).toBe('#NAME?');
    engine.removeFormulaColumn('pct');
    expect(engine.row('a')!.formulas.pct).toBeUndefined();
    expect(engine.columnKeys()).not.toContain('pct');
  });

  it('formula columns apply to a sweep\'s children, and the children see their own results', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'g', cells: cells({ seed: '1..2' }) }], runner, {
      formulaColumns: [{ key: 'ok', label: 'ok', formula: '=IF(test_acc > 0.7, "good", "poor")' }],
    });
    await settle();
    runner.last('g/1').finish({ testAcc: 0.9 });
    runner.last('g/2').finish({ testAcc: 0.6 });
    await settle();
    expect([engine.row('g/1')!.formulas.ok, engine.row('g/2')!.formulas.ok]).toEqual(['good', 'poor']);
    // The sweep's own row reads the mean of its children: (0.9 + 0.6) / 2 = 0.75.
    expect(engine.row('g')!.formulas.ok).toBe('good');
  });
});
