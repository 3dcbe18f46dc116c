/**
 * The run lifecycle through the engine's public API.
 *
 * A row's version only grows: every run is stamped `${row}@${version}`, and runners (the queue
 * runner, the relay) tell jobs apart by that id, so an id must never be handed out twice.
 *
 *   r  seed 1      -> runs r@1 (cancelled by the next edit)
 *   r  seed 1..2   -> a sweep: r/1, r/2 run; r trains nothing
 *   r  seed 1      -> plain again: runs under a new id, not r@1 again
 *
 * Any edit that queues a row also starts it: removing a column or a row can change what an input
 * formula reads (A1 letters and row numbers move), and so a spec.
 */
import { describe, expect, it } from 'vitest';
import { formatCellRef } from '../../src/engine/formula/index.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const lrOf = (engine: SheetEngine, id: string) => {
  const p = engine.row(id)!.parsed;
  return p.ok ? p.spec.learningRate : null;
};

const base = { dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1' };

describe('row versions', () => {
  it('a sweep turned back into a plain row keeps counting: its run gets a job id never used before', async () => {
    const runner = new ScriptedRunner(4);
    const engine = new SheetEngine([{ id: 'r', cells: base }], runner, { schedule: (f) => f() });
    await settle();
    expect(runner.calls.map((c) => c.job.id)).toEqual(['r@1']);
    const versions = [engine.row('r')!.version];
    engine.edit([{ row: 'r', column: 'seed', text: '1..2' }]);
    versions.push(engine.row('r')!.version);
    engine.edit([{ row: 'r', column: 'seed', text: '1' }]);
    versions.push(engine.row('r')!.version);
    await settle();
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    const ids = runner.calls.map((c) => c.job.id);
    expect(ids.filter((id) => id.startsWith('r@'))).toHaveLength(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(runner.last('r').signal.aborted).toBe(false);
    engine.dispose();
  });
});

describe('removing a formula column', () => {
  it('starts a row whose spec changed because an input formula now reads another column', async () => {
    const runner = new ScriptedRunner(4);
    const columns = [{ key: 'a', label: 'a', formula: '=0.01' }, { key: 'b', label: 'b', formula: '=0.02' }];
    // The lr cell reads column a by its letter in row 1; once a is gone, that letter is b's.
    const probe = new SheetEngine([], runner, { formulaColumns: columns });
    const letter = formatCellRef({ row: 0, column: probe.columnKeys().indexOf('a'), absColumn: false, absRow: false });
    probe.dispose();
    const engine = new SheetEngine([{ id: 'r', cells: { ...base, lr: `=${letter}` } }], runner, { schedule: (f) => f(), formulaColumns: columns });
    await settle();
    expect(lrOf(engine, 'r')).toBe(0.01);
    runner.last('r').finish();
    await settle();
    engine.removeFormulaColumn('a');
    expect(lrOf(engine, 'r')).toBe(0.02);
    await settle();
    expect(engine.row('r')!.status.state).toBe('running');
    expect(runner.calls.map((c) => c.job.id)).toEqual(['r@1', 'r@2']);
    engine.dispose();
  });
});

describe('removing a row', () => {
  it('starts a row whose spec changed because an A1 reference now points at another row', async () => {
    const runner = new ScriptedRunner(4);
    const probe = new SheetEngine([], runner);
    const lr1 = formatCellRef({ row: 0, column: probe.columnKeys().indexOf('lr'), absColumn: false, absRow: false });
    probe.dispose();
    const engine = new SheetEngine([
      { id: 'r1', cells: { ...base, lr: '0.01' } },
      { id: 'r2', cells: { ...base, lr: '0.02' } },
      { id: 'r3', cells: { ...base, seed: '3', lr: `=${lr1}` } },
    ], runner, { schedule: (f) => f() });
    await settle();
    for (const id of ['r1', 'r2', 'r3']) runner.last(id).finish();
    await settle();
    expect(lrOf(engine, 'r3')).toBe(0.01);
    engine.removeRow('r1');
    // Row 1 is r2 now.
    expect(lrOf(engine, 'r3')).toBe(0.02);
    await settle();
    expect(engine.row('r3')!.status.state).toBe('running');
    engine.dispose();
  });
});
