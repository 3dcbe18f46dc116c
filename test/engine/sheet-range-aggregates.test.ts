/**
 * Range aggregates over the sheet's results (formula/column-ranges.ts reads each column once per
 * update) in a SheetEngine: sweeps and their runs between the rows, results pending, stale,
 * landing, rows added and removed. The values rows carry, to the bit, equal those of a sheet built
 * fresh from the same cells and results (sheet-formula-rows.test compares what cells show; this
 * compares the numbers themselves, as a running sum can differ in its last bits only).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/engine/columns.ts';
import { type FormulaValue, isFormulaError, isFormulaText } from '../../src/engine/formula/index.ts';
import type { TrainResult } from '../../src/engine/job.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const letter = (key: string) => {
  const i = COLUMNS.findIndex((c) => c.key === key);
  return i < 26 ? String.fromCharCode(65 + i) : `A${String.fromCharCode(65 + i - 26)}`;
};
const P = letter('train_loss');
const U = letter('test_acc');
const AB = letter('time');
const base = { dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5' };

/** Every formula value of every row, in order: numbers as they are (-0 too), errors by code and message (#CYCLE! by code). */
function values(engine: SheetEngine): unknown[] {
  return engine.rows().map((r) => [r.parent === null ? r.id : `child of ${r.parent}`, Object.entries(r.formulas).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, show(v as FormulaValue)])]);
}

function show(v: FormulaValue): unknown {
  if (isFormulaError(v)) return v.code === '#CYCLE!' ? v.code : `${v.code} ${v.message}`;
  return typeof v === 'number' ? (Object.is(v, -0) ? '-0' : v) : v;
}

describe('range aggregates over results: incremental equals a fresh sheet, to the bit (property)', () => {
  const aggregate = fc.constantFrom('MIN', 'MAX', 'SUM', 'AVERAGE', 'STDEV', 'COUNT');
  // Row k's own running range over many result columns (32+ cells from row 3), or a window, or one column.
  const cellFormula = fc.tuple(aggregate, fc.constantFrom('running', 'window', 'column'), fc.integer({ min: 1, max: 9 }))
    .map(([fn, kind, k]) => kind === 'running' ? `=${fn}($${P}$1:${AB}${k})` : kind === 'window' ? `=${fn}(${P}${k}:${AB}${k + 4})` : `=${fn}($${U}$1:${U}${k + 30})`);
  const step = fc.oneof(
    fc.record({ kind: fc.constant('formula' as const), row: fc.nat(8), column: fc.constantFrom('name', 'notes'), text: cellFormula }),
    fc.record({ kind: fc.constant('edit' as const), row: fc.nat(8), column: fc.constantFrom('lr', 'seed'), text: fc.constantFrom('0.01', '0.05', '1', '2', '1..3', 'bad') }),
    fc.record({ kind: fc.constant('add' as const), at: fc.nat(8), seed: fc.constantFrom('4', '5', '1..2') }),
    fc.record({ kind: fc.constant('remove' as const), row: fc.nat(8) }),
    fc.record({ kind: fc.constant('finish' as const), call: fc.nat(20), acc: fc.integer({ min: 0, max: 100 }), loss: fc.double({ min: 0, max: 3, noNaN: true }) }),
  );

  it('for random steps, every formula value equals a fresh sheet\'s', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(cellFormula, { minLength: 5, maxLength: 5 }), fc.array(step, { maxLength: 14 }),
      async (notes, steps) => {
        const cache = new Map<string, TrainResult>();
        const runner = new ScriptedRunner(2);
        const seeds = ['1', '2', '1..3', '3', '4'];
        const live = new SheetEngine(notes.map((n, i) => ({ id: `r${i}`, cells: { ...base, seed: seeds[i]!, notes: n } })), runner, {
          cache, formulaColumns: [{ key: 'spread', label: 'spread', formula: `=MAX($${P}$1:$${AB}$12) - MIN($${P}$1:$${AB}$12)` }],
        });
        await settle();
        for (const s of steps) {
          const top = live.rows().filter((r) => r.parent === null);
          if (s.kind === 'formula' || s.kind === 'edit') {
            const row = top[s.row % top.length];
            if (row) live.edit([{ row: row.id, column: s.column, text: s.text }]);
          } else if (s.kind === 'add') live.addRow({ cells: { ...base, seed: s.seed, notes: `=AVERAGE($${U}$1:${U}${s.at + 3})` } }, s.at % (top.length + 1));
          else if (s.kind === 'remove') {
            const row = top[s.row % top.length];
            if (row && top.length > 1) live.removeRow(row.id);
          } else {
            runner.finishOpen(s.call, { testAcc: s.acc / 100 + 0.1 / 3, trainAcc: Math.min(1, s.acc / 100 + 0.05), trainLoss: s.loss, testLoss: s.loss / 3 });
          }
          await settle();
        }
        const fresh = new SheetEngine(live.rows().filter((r) => r.parent === null).map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(2), {
          cache, formulaColumns: live.formulaColumns(),
        });
        await settle();
        const a = values(live);
        const b = values(fresh);
        const formulas = live.rows().filter((r) => r.parent === null).map((r) => Object.values(r.cells).filter((t) => isFormulaText(t)));
        live.dispose();
        fresh.dispose();
        expect(a, `after ${JSON.stringify(steps)} with ${JSON.stringify(formulas)}`).toEqual(b);
      },
    ), { numRuns: 80 });
  });
});
