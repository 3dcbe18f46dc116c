/**
 * A row held as "does not settle" (its settings and its placing kept changing each other) is
 * placed invalid once for good. The formulas reading it read it held, as they do once every
 * formula is read again: before, a pass read it as its new setting values would have placed it
 * (a sweep on its way), the hold placed it invalid as it already was, which told no one, and a
 * setting reading its test_acc kept "not there yet" where it reads "no result" (review-26 F2).
 *
 *   r2: lr edited to sweep ──moves rows──> r3: lr = IF(O7="running", …) (O7 moves with sweeps: held)
 *                                           r3 (sheet row 9) ──U9──> r4: seed = IF(U9 > 0.5, 2, 1)
 */
import { describe, expect, it } from 'vitest';
import { SHEET_COLUMN_KEYS, columnLetters } from '../../src/engine/formula/index.ts';
import { SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';
import { expectOpenRunsOwned, watchRuns } from './open-runs.ts';

const O = columnLetters(SHEET_COLUMN_KEYS.indexOf('status'));
const U = columnLetters(SHEET_COLUMN_KEYS.indexOf('test_acc'));

const rows = ([
  ['1', `=IF(${O}10="queued", "0.03", "0.01, 0.02, 0.05")`, '1'],
  [`=IF(${O}4="queued", "x", 1)`, '0.03', '2'],
  ['1', '0.03', '3'],
  ['1', `=IF(${O}7="running", "0.03", "0.01, 0.02, 0.05")`, '1'],
  [`=IF(${U}9>0.5, 2, 1)`, '0.03', '2'],
  ['1', `=IF(${O}6="done", "0.03", "0.01, 0.02, 0.05")`, '3'],
] as const).map(([seed, lr, epochs], i) => ({
  id: `r${i}`, cells: { dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', batch_size: '16', seed, lr, epochs },
}));

/** Let an update and the starts after it run. */
const tick = async () => {
  await settle();
  await settle();
};

describe('formulas reading a row held as "does not settle"', () => {
  it('read it held, as they do once every formula is read again', async () => {
    const runner = watchRuns(new ScriptedRunner(1));
    const engine = new SheetEngine(rows, runner, { cache: new Map() });
    await tick();
    runner.last('r1').finish({ testAcc: 0.6 });
    await tick();
    engine.edit([{ row: 'r4', column: 'lr', text: '0.01, 0.02' }]);
    await tick();
    runner.last('r2').finish({ testAcc: 0.5 });
    await tick();
    engine.edit([{ row: 'r2', column: 'lr', text: '0.01, 0.02' }]);
    await tick();
    expectOpenRunsOwned(engine, runner, 'r2 sweeps');

    const order = engine.rows().map((r) => r.id);
    expect(order.indexOf('r3') + 1, 'r3 is sheet row 9').toBe(9);
    expect(statusText(engine.row('r3')!.status)).toContain('does not settle');
    expect(statusText(engine.row('r4')!.status)).toContain('reads a row that has no result');
    const shown = engine.rows().map((r) => `${r.id}: ${statusText(r.status)} | ${JSON.stringify(r.formulas)}`);

    // A new formula column relinks the sheet: every formula is read again, and nothing changes.
    engine.setFormulaColumn({ key: 'again', label: 'again', formula: '=1' });
    await tick();
    expect(engine.rows().map((r) => {
      const { again, ...formulas } = r.formulas;
      expect(again).toBe(1);
      return `${r.id}: ${statusText(r.status)} | ${JSON.stringify(formulas)}`;
    })).toEqual(shown);
    engine.dispose();
  });
});
