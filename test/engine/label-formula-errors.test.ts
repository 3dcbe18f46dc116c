/**
 * A formula error blocks a row's training only in a column that feeds the spec. In name and
 * notes (`spec: false` in columns.ts) it is the cell's own error and the row trains (real
 * training of a toy row on a Node worker).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../src/engine/columns.ts';
import { SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { createNodePool } from '../../src/workers/node-pool.ts';

const pool = createNodePool({ size: 1 });
afterAll(() => pool.dispose());

const cells = (over: Record<string, string> = {}) => ({
  name: 'toy', dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03', batch_size: '32', epochs: '2', seed: '1', ...over,
});

describe('formula errors and training', () => {
  it('name and notes are the columns that never feed the spec', () => {
    expect(INPUT_COLUMNS.filter((c) => !c.spec).map((c) => c.key)).toEqual(['name', 'notes']);
  });

  it.each([['name'], ['notes']])('an error in %s shows in its cell and the row still trains', async (column) => {
    const engine = new SheetEngine([{ id: 'a', cells: cells({ [column]: '=1/0' }) }], pool);
    await engine.idle();
    const row = engine.row('a')!;
    expect(row.formulas[column]).toMatchObject({ kind: 'formula-error', code: '#DIV/0!' });
    expect(row.parsed.ok).toBe(true);
    expect(row.status.state, statusText(row.status)).toBe('done');
    expect(row.result!.epochsRun).toBe(2);
    expect(row.result!.testAcc).toBeGreaterThan(0.5);
    engine.dispose();
  }, 60_000);

  it('an error in a column that feeds the spec still blocks the row, naming the cell', async () => {
    const engine = new SheetEngine([{ id: 'a', cells: cells({ lr: '=1/0' }) }, { id: 'b', cells: cells() }], pool);
    await engine.idle();
    const a = engine.row('a')!;
    expect(statusText(a.status)).toBe('invalid — lr: the formula gives #DIV/0!: 1 / 0 divides by zero (expected a formula whose value fits the column)');
    expect(a.result).toBeNull();
    expect(engine.row('b')!.status.state).toBe('done');
    engine.dispose();
  }, 60_000);

  it('a sweep whose name errs trains its children; a notes edit to an error keeps the result and runs nothing', async () => {
    const engine = new SheetEngine([{ id: 's', cells: cells({ name: '=NOPE()', lr: '0.01, 0.1' }) }, { id: 'p', cells: cells({ seed: '2' }) }], pool);
    await engine.idle();
    const children = engine.row('s')!.sweep!.children.map((id) => engine.row(id)!);
    expect(children).toHaveLength(2);
    for (const c of children) expect(c.status.state, statusText(c.status)).toBe('done');
    expect(engine.row('s')!.formulas.name).toMatchObject({ code: '#NAME?' });
    const before = engine.row('p')!;
    engine.edit([{ row: 'p', column: 'notes', text: '=1/0' }]);
    await engine.idle();
    const after = engine.row('p')!;
    expect(after.formulas.notes).toMatchObject({ code: '#DIV/0!' });
    expect(after.status.state).toBe('done');
    expect(after.result).toBe(before.result);
    expect(after.version).toBe(before.version);
    engine.dispose();
  }, 60_000);
});
