/**
 * A row's version only grows: every run is stamped `${row}@${version}`, and runners (the queue
 * runner, the relay) tell jobs apart by that id, so an id must never be handed out twice.
 *
 *   r  seed 1      -> runs r@1 (cancelled by the next edit)
 *   r  seed 1..2   -> a sweep: r/1, r/2 run; r trains nothing
 *   r  seed 1      -> plain again: runs under a new id, not r@1 again
 */
import { describe, expect, it } from 'vitest';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

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
