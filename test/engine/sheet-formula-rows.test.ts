/**
 * The formula values rows carry (row.formulas), after any mix of edits, formula column changes,
 * (one at a time or several in one call), rows added and removed and runs finishing, equal those of a sheet built fresh from the result:
 * the engine copies only what the formula graph reports as changed into new row objects, so a
 * value it missed would show here.
 *
 *   live:  edits, columns, rows, results ──> row.formulas
 *   fresh: same cells, same columns, same result cache ──> row.formulas     (must be equal)
 *
 * Formula column keys have no digits: `f2` would also read as the cell F2, and a position inside
 * a sweep that the formula itself expands has no stable value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/engine/columns.ts';
import { type FormulaValue, formatValue, isFormulaText } from '../../src/engine/formula/index.ts';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowState, SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const letter = (key: string) => String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === key));
const base = { dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1' };

/** What a row shows of its formulas: every formula column, and input cells typed as formulas. */
function shown(row: RowState, columns: readonly string[]): string {
  const keys = [...columns, ...Object.keys(row.cells).filter((k) => isFormulaText(row.cells[k]!))];
  return keys.map((k) => `${k}=${Object.hasOwn(row.formulas, k) ? formatValue(row.formulas[k] as FormulaValue) : '(none)'}`).join(' ');
}

function snapshot(engine: SheetEngine): string[] {
  const columns = engine.formulaColumns().map((c) => c.key);
  return engine.rows().map((r) => shown(r, columns));
}

describe('row formula values: incremental equals a fresh sheet (property)', () => {
  const columnText = fc.constantFrom(
    '=train_acc - test_acc', '=ROUND(test_acc * 100, 1)', '=lr * 10', '=alpha + 1', '=beta * 2', '=MAX(test_acc)', '=SUM(alpha)',
    '=IF(test_acc > 0.5, "hi", "lo")', '=epochs + alpha', '=1/0', '=(', `=${letter('lr')}1 * 2`, '=alpha + beta',
  );
  const inputEdit = fc.oneof(
    fc.record({ column: fc.constant('lr'), text: fc.constantFrom('0.01', '0.05', '=0.01*2', `=${letter('lr')}1 * 2`, '=alpha / 1000', 'bad') }),
    fc.record({ column: fc.constant('epochs'), text: fc.constantFrom('5', '7', '=3+2', '=beta') }),
    fc.record({ column: fc.constant('seed'), text: fc.constantFrom('1', '2', '1..2') }),
    fc.record({ column: fc.constant('name'), text: fc.constantFrom('a', 'b') }),
  );
  const step = fc.oneof(
    fc.record({ kind: fc.constant('edit' as const), row: fc.nat(6), edit: inputEdit }),
    fc.record({ kind: fc.constant('column' as const), key: fc.constantFrom('alpha', 'beta'), text: columnText }),
    // Several columns in one call (setFormulaColumns): one pass; a new key, or one key twice, included.
    fc.record({ kind: fc.constant('columns' as const), list: fc.array(fc.record({ key: fc.constantFrom('alpha', 'beta', 'gamma'), text: columnText }), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('drop column' as const), key: fc.constantFrom('alpha', 'beta', 'gamma') }),
    fc.record({ kind: fc.constant('add' as const), at: fc.nat(6) }),
    fc.record({ kind: fc.constant('remove' as const), row: fc.nat(6) }),
    fc.record({ kind: fc.constant('finish' as const), call: fc.nat(20), acc: fc.integer({ min: 0, max: 100 }) }),
  );

  it('for random steps, every row shows what a fresh sheet with the same cells and results shows', async () => {
    await fc.assert(fc.asyncProperty(
      fc.tuple(columnText, columnText), fc.array(step, { maxLength: 12 }),
      async ([t1, t2], steps) => {
        const cache = new Map<string, TrainResult>();
        const runner = new ScriptedRunner(2);
        const live = new SheetEngine([{ id: 'a', cells: base }, { id: 'b', cells: { ...base, lr: '0.05' } }, { id: 'c', cells: { ...base, seed: '2' } }], runner, {
          cache, formulaColumns: [{ key: 'alpha', label: 'alpha', formula: t1 }, { key: 'beta', label: 'beta', formula: t2 }],
        });
        await settle();
        for (const s of steps) {
          const top = live.rows().filter((r) => r.parent === null);
          if (s.kind === 'edit') {
            const row = top[s.row % top.length];
            if (row) live.edit([{ row: row.id, column: s.edit.column, text: s.edit.text }]);
          } else if (s.kind === 'column') live.setFormulaColumn({ key: s.key, label: s.key, formula: s.text });
          else if (s.kind === 'columns') live.setFormulaColumns(s.list.map((c) => ({ key: c.key, label: c.key, formula: c.text })));
          else if (s.kind === 'drop column') live.removeFormulaColumn(s.key);
          else if (s.kind === 'add') live.addRow({ cells: { ...base, seed: String(s.at + 3) } }, s.at % (top.length + 1));
          else if (s.kind === 'remove') {
            const row = top[s.row % top.length];
            if (row && top.length > 1) live.removeRow(row.id);
          } else {
            runner.finishOpen(s.call, { testAcc: s.acc / 100, trainAcc: Math.min(1, s.acc / 100 + 0.05) });
          }
          await settle();
        }
        const fresh = new SheetEngine(live.rows().filter((r) => r.parent === null).map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(2), {
          cache, formulaColumns: live.formulaColumns(),
        });
        await settle();
        const a = snapshot(live);
        const b = snapshot(fresh);
        live.dispose();
        fresh.dispose();
        expect(a, `after ${JSON.stringify(steps)} from ${JSON.stringify([t1, t2])}`).toEqual(b);
      },
    ), { numRuns: 150 });
  });
});
