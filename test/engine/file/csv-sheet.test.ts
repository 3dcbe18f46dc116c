/**
 * Export CSV and import it again: the same rows come back. A sweep's children are exported (they
 * carry results) but not imported as rows of their own, since the sweep row expands into them.
 * The scheduler runs on a scripted runner: this is about rows and text, not training.
 */
import { describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../../src/engine/columns.ts';
import { SWEEP_OF, csvImportRows, sheetCsv } from '../../../src/engine/file/csv-sheet.ts';
import { fromCsv } from '../../../src/engine/file/csv.ts';
import { SheetEngine } from '../../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../../helpers/scripted-runner.ts';

const rows: { id: string; cells: Record<string, string> }[] = [
  { id: 'plain', cells: { name: '=HYPERLINK("http://evil","x")', dataset: 'circle', lr: '0.03', epochs: '2', notes: '-1+2, @SUM(A1)\t"quoted"\r\nline' } },
  { id: 'sweep', cells: { name: 'lr sweep', dataset: 'xor', lr: '0.001, 0.01, 0.1', seed: '1..2', epochs: '2' } },
  { id: 'formula', cells: { name: '+seed', dataset: 'circle', lr: '=0.01*3', epochs: '2' } },
];

async function exported() {
  const runner = new ScriptedRunner(16);
  const engine = new SheetEngine(rows, runner);
  await settle();
  for (const call of runner.calls) call.finish();
  await settle();
  const csv = sheetCsv(engine.rows(), [{ key: 'f1', label: 'gap' }]);
  const count = engine.rows().length;
  engine.dispose();
  return { csv, count };
}

describe('CSV export and import of a sheet', () => {
  it('exports every row shown, each child naming its sweep, with formula-like text escaped', async () => {
    const { csv, count } = await exported();
    const table = fromCsv(csv, [...INPUT_COLUMNS, { key: SWEEP_OF, label: SWEEP_OF }, { key: 'status', label: 'status' }]);
    if (!table.ok) throw new Error(table.error);
    // 3 rows and the sweep's 6 children.
    expect(table.value.rows).toHaveLength(count);
    expect(count).toBe(9);
    const sweepOf = table.value.header.indexOf(SWEEP_OF);
    expect(table.value.rows.filter((r) => r[sweepOf] === 'sweep')).toHaveLength(6);
    // A spreadsheet program reads none of these as a formula: each starts with a quote.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv).toContain(`'+seed`);
    expect(csv).toContain(`'=0.01*3`);
    expect(csv).toContain(`"'-1+2, @SUM(A1)`);
  });

  it('importing the export gives back the rows as typed, and no copies of the sweep\'s children', async () => {
    const { csv } = await exported();
    const back = csvImportRows(csv);
    if (!back.ok) throw new Error(back.error);
    const typed = rows.map((r) => Object.fromEntries(INPUT_COLUMNS.map((c) => [c.key, r.cells[c.key] ?? ''])));
    expect(back.value.rows).toEqual(typed);
    // The result and formula columns are named as left out; sweep_of is understood, not unknown.
    expect(back.value.unknown).toContain('test_acc');
    expect(back.value.unknown).toContain('gap');
    expect(back.value.unknown).not.toContain(SWEEP_OF);
  });

  it('a formula column labelled like a setting column is exported under a header import does not take for that setting', async () => {
    const runner = new ScriptedRunner(16);
    const engine = new SheetEngine(rows, runner);
    await settle();
    const csv = sheetCsv(engine.rows(), [{ key: 'f1', label: 'lr' }, { key: 'f2', label: 'Sweep_Of' }, { key: 'f3', label: 'test_acc' }]);
    engine.dispose();
    const header = csv.split('\r\n')[0]!.split(',');
    expect(new Set(header.map((h) => h.toLowerCase())).size).toBe(header.length);
    expect(header.slice(-3)).toEqual(['lr (f1)', 'Sweep_Of (f2)', 'test_acc (f3)']);
    const back = csvImportRows(csv);
    if (!back.ok) throw new Error(back.error);
    expect(back.value.rows.map((r) => r.lr)).toEqual(rows.map((r) => r.cells.lr));
  });

  it('imports a hand-written CSV without a sweep_of column as before', () => {
    const r = csvImportRows('lr,seed\r\n0.1,1\r\n0.2,2\r\n');
    if (!r.ok) throw new Error(r.error);
    expect(r.value.rows).toEqual([{ lr: '0.1', seed: '1' }, { lr: '0.2', seed: '2' }]);
  });
});
