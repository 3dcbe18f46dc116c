/**
 * What a careless user or a stranger's file can type into the sheet: each bad cell is an inline
 * error on its row, the rest of the sheet keeps working, and what the engine holds can be saved
 * and opened again.
 */
import { describe, expect, it } from 'vitest';
import { describeCellError } from '../../src/engine/errors.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { FILE_LIMITS, emptyDocument, readSheetFile, writeSheetFile } from '../../src/engine/sheet-file.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const cells = (over: Record<string, string> = {}) => ({
  name: 'run', dataset: 'circle', noise: '0.1', layers: 'dense(4, relu)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});

describe('prototype words typed in cells', () => {
  it.each(['constructor', '__proto__', '__proto__(3)', 'dense(8) constructor'])('layers %j is an inline error, not a throw', (layers) => {
    const r = parseRow(cells({ layers }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(describeCellError(r.errors[0]!)).toMatch(/^layers: unknown layer "(constructor|__proto__)"/);
  });

  it('an edit to "constructor" marks that row invalid and the next edit still runs', async () => {
    const runner = new ScriptedRunner(2);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }, { id: 'b', cells: cells({ seed: '2' }) }], runner);
    await settle();
    expect(() => engine.edit([{ row: 'a', column: 'layers', text: 'constructor' }])).not.toThrow();
    await settle();
    const a = engine.row('a')!;
    expect(a.status.state).toBe('invalid');
    expect(a.parsed.ok).toBe(false);
    engine.edit([{ row: 'b', column: 'lr', text: '0.5' }]);
    await settle();
    expect(runner.started()).toEqual(['a', 'b', 'b']);
    expect(engine.row('b')!.status.state).toBe('running');
  });
});

describe('text longer than a file may hold', () => {
  const long = 'x'.repeat(FILE_LIMITS.maxCellLength + 3_000);

  it('a typed or pasted cell is cut to the cap, so the sheet still saves to a file that opens', async () => {
    const runner = new ScriptedRunner(1);
    const engine = new SheetEngine([{ id: 'a', cells: cells() }], runner, { runMode: 'manual' });
    engine.edit([{ row: 'a', column: 'notes', text: long }, { row: 'a', column: 'name', text: `${'y'.repeat(FILE_LIMITS.maxCellLength - 1)}\u{1F600}` }]);
    engine.addRow({ cells: cells({ notes: long }) });
    engine.setFormulaColumn({ key: 'gap', label: 'l'.repeat(500), formula: `=${'1+'.repeat(2_000)}1` });
    await settle();
    const [a, b] = engine.rows();
    expect(a!.cells.notes).toBe(long.slice(0, FILE_LIMITS.maxCellLength));
    // The emoji's two code units would straddle the cap: the cell ends before it, not on half of it.
    expect(a!.cells.name).toBe('y'.repeat(FILE_LIMITS.maxCellLength - 1));
    expect(b!.cells.notes).toHaveLength(FILE_LIMITS.maxCellLength);
    expect(engine.formulaColumns()[0]!.label).toHaveLength(FILE_LIMITS.maxLabel);
    const text = writeSheetFile({ title: 't', description: '', document: { ...emptyDocument(), columns: [...engine.formulaColumns()] } }, engine.rows());
    const back = readSheetFile(text);
    expect(back.ok && back.value.rows.map((r) => r.cells.notes)).toEqual([a!.cells.notes, b!.cells.notes]);
  });

  it('a long formula typed into a cell computes what the cell keeps, as a sheet opened from it does', async () => {
    // The formula graph was given the typed text while the cell kept the cut one: a formula whose
    // closing part fell past the cap computed live, and gave #ERROR! once the sheet was reopened.
    const formula = `=1${'+0'.repeat(FILE_LIMITS.maxCellLength)}`;
    const engine = new SheetEngine([{ id: 'a', cells: cells() }], new ScriptedRunner(1), { runMode: 'manual' });
    engine.edit([{ row: 'a', column: 'notes', text: `${formula}+1` }]);
    await settle();
    const kept = engine.row('a')!.cells.notes!;
    expect(kept).toHaveLength(FILE_LIMITS.maxCellLength);
    const fresh = new SheetEngine([{ id: 'a', cells: engine.row('a')!.cells }], new ScriptedRunner(1), { runMode: 'manual' });
    expect(engine.row('a')!.formulas.notes).toEqual(fresh.row('a')!.formulas.notes);
    engine.dispose();
    fresh.dispose();
  });

  it('rows given to the engine directly are cut the same way', () => {
    const engine = new SheetEngine([{ id: 'a', cells: cells({ notes: long }) }], new ScriptedRunner(1), { runMode: 'manual' });
    expect(engine.row('a')!.cells.notes).toHaveLength(FILE_LIMITS.maxCellLength);
  });
});

describe('row ids from a stranger\'s file', () => {
  it('an id holding NUL keeps its formulas apart from the row whose id it starts with', () => {
    const file = readSheetFile(JSON.stringify({ format: 'sweepsheet', version: 2, columns: [{ key: 'twice', label: 'twice', formula: '=lr*2' }], rows: [
      { id: 'a\u0000b', cells: cells({ lr: '0.1', seed: '=3+4' }) }, { id: 'a', cells: cells({ lr: '0.2', notes: '=F1*10' }) },
    ] }));
    if (!file.ok) throw new Error(file.error);
    const engine = new SheetEngine(file.value.rows, new ScriptedRunner(1), { runMode: 'manual', formulaColumns: file.value.document.columns });
    const odd = engine.row('a\u0000b')!;
    const a = engine.row('a')!;
    expect(odd.formulas).toEqual({ twice: 0.2, seed: 7 });
    expect(odd.parsed.ok && odd.parsed.spec.seed).toBe(7);
    expect(a.formulas).toEqual({ twice: 0.4, notes: 1 });
  });
});

describe('messages quote a long cell in part', () => {
  it.each([
    ['a long subset size', `mnist:${'9'.repeat(1_990)}`, /, not 9{39}…$/],
    ['a long unknown name', 'x'.repeat(1_990), /^unknown dataset "x{39}…"$/],
    ['long text that is no dataset', `${'y'.repeat(1_000)} ${'z'.repeat(900)}`, /^"y{39}…" is not a dataset$/],
  ])('dataset: %s', (_what, dataset, message) => {
    const r = parseRow(cells({ dataset }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.column).toBe('dataset');
    expect(r.errors[0]!.message).toMatch(message);
    expect(r.errors[0]!.message.length).toBeLessThan(200);
  });
});
