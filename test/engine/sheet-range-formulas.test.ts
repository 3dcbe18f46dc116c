/**
 * Ranges through the sheet engine: a range names row positions, and a sweep's children, rows
 * added and rows removed move the rows under it. After each change the formula values equal
 * those of a sheet built fresh from the same cells (the graph keeps one entry per range and
 * resolves it again when rows move).
 */
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../src/engine/columns.ts';
import { formatValue } from '../../src/engine/formula/index.ts';
import { type RowState, SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const letter = (key: string) => String.fromCharCode(65 + COLUMNS.findIndex((c) => c.key === key));
const E = letter('epochs');
const base = { dataset: 'xor', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', seed: '1' };

function shown(engine: SheetEngine): string[] {
  return engine.rows().map((r: RowState) => `${r.id}: notes=${formatValue(r.formulas.notes ?? null)} g=${formatValue(r.formulas.g ?? null)}`);
}

function freshOf(live: SheetEngine): SheetEngine {
  return new SheetEngine(live.rows().filter((r) => r.parent === null).map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(1), {
    runMode: 'manual', formulaColumns: live.formulaColumns(),
  });
}

describe('ranges in the sheet engine: sweeps, rows added and removed', () => {
  it('a cell formula and a formula column over a range follow the rows under them', async () => {
    const live = new SheetEngine([
      { id: 'a', cells: { ...base, epochs: '2' } },
      { id: 'b', cells: { ...base, epochs: '3' } },
      { id: 'c', cells: { ...base, epochs: '5', notes: `=SUM($${E}$1:$${E}$3)` } },
    ], new ScriptedRunner(1), { runMode: 'manual', formulaColumns: [{ key: 'g', label: 'g', formula: `=MAX(${E}2:${E}3) + epochs` }] });
    await settle();
    expect(shown(live)).toEqual(['a: notes= g=7', 'b: notes= g=8', 'c: notes=10 g=10']);
    const same = async () => {
      await settle();
      const fresh = freshOf(live);
      await settle();
      expect(shown(live)).toEqual(shown(fresh));
      fresh.dispose();
    };
    // An edit inside the range, then one row becoming a sweep: its children come in under the range.
    live.edit([{ row: 'b', column: 'epochs', text: '4' }]);
    await same();
    expect(live.row('c')!.formulas.notes).toBe(11);
    live.edit([{ row: 'a', column: 'seed', text: '1..3' }]);
    await same();
    live.addRow({ cells: { ...base, epochs: '100' } }, 0);
    await same();
    live.removeRow('b');
    await same();
    live.edit([{ row: 'a', column: 'seed', text: '1' }]);
    await same();
    live.dispose();
  });
});
