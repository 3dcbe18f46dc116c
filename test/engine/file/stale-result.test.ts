/**
 * Manual mode's stale rows through Save → Open: a row edited after its run shows its old result
 * dimmed until "run stale"; the file says which result each such row shows, so reopening shows
 * it again, still stale. Files without the field open as before.
 */
import { describe, expect, it } from 'vitest';
import { type RowState, SheetEngine, isStale } from '../../../src/engine/scheduler/sheet-engine.ts';
import { type SheetDocument, cachedResults, readSheet, rowInits, writeSheetFile } from '../../../src/engine/sheet-file.ts';
import { ScriptedRunner } from '../../helpers/scripted-runner.ts';
import { cells, keyOf, savedResult } from './helpers.ts';

const sync = { schedule: (f: () => void) => f() };
const stamp = { finishedAt: '2026-11-23T12:00:00.000Z', app: '0.1.0', tfjs: '4.22.0' };

/** A manual-mode sheet whose two rows trained (their results saved with the file). */
function trainedSheet(): SheetDocument {
  const a = cells({ name: 'a', lr: '0.03' });
  const b = cells({ name: 'b', lr: '0.3' });
  return {
    format: 'sweepsheet', version: 2, title: 'stale', description: '', settings: { runMode: 'manual' }, columns: [],
    rows: [{ id: 'a', cells: a }, { id: 'b', cells: b }],
    results: { [keyOf(a)]: savedResult({ testAcc: 0.875 }), [keyOf(b)]: savedResult({ testAcc: 0.5 }) },
  };
}

function open(doc: SheetDocument, runner = new ScriptedRunner(1)): SheetEngine {
  return new SheetEngine(rowInits(doc), runner, { ...sync, cache: cachedResults(doc), runMode: doc.settings.runMode });
}

/** Save the engine's sheet on top of `doc` and read the file back. */
function saveAndRead(doc: SheetDocument, engine: SheetEngine): SheetDocument {
  const read = readSheet(writeSheetFile({ title: doc.title, description: doc.description, document: doc }, engine.rows(), stamp));
  if (!read.ok) throw new Error(read.error);
  return read.value;
}

const shown = (r: RowState) => ({ status: r.status.state, testAcc: r.result?.testAcc, stale: isStale(r) });

describe('a stale row through Save → Open', () => {
  it('shows its old result, still stale, and trains nothing until run', async () => {
    const doc = trainedSheet();
    const engine = open(doc);
    engine.edit([{ row: 'b', column: 'lr', text: '0.1' }]);
    expect(shown(engine.row('b')!)).toEqual({ status: 'stale', testAcc: 0.5, stale: true });

    const saved = saveAndRead(doc, engine);
    expect(saved.rows[1]).toEqual({ id: 'b', cells: cells({ name: 'b', lr: '0.1' }), staleResult: keyOf(cells({ name: 'b', lr: '0.3' })) });
    expect(Object.hasOwn(saved.rows[0]!, 'staleResult')).toBe(false);

    const runner = new ScriptedRunner(1);
    const reopened = open(saved, runner);
    expect(shown(reopened.row('a')!)).toEqual({ status: 'done', testAcc: 0.875, stale: false });
    expect(shown(reopened.row('b')!)).toEqual({ status: 'stale', testAcc: 0.5, stale: true });
    expect(reopened.row('b')!.resultKey).toBe(keyOf(cells({ name: 'b', lr: '0.3' })));
    expect(runner.calls).toHaveLength(0);

    // Run stale: the new spec trains; its result replaces the old one and the row is no longer stale.
    reopened.runStale();
    expect(runner.started()).toEqual(['b']);
    runner.last('b').finish({ testAcc: 0.75 });
    await reopened.idle();
    expect(shown(reopened.row('b')!)).toEqual({ status: 'done', testAcc: 0.75, stale: false });
    // ...and the next save no longer calls it stale.
    expect(Object.hasOwn(saveAndRead(saved, reopened).rows[1]!, 'staleResult')).toBe(false);
    engine.dispose();
    reopened.dispose();
  });

  it('a row edited back to its trained value is not stale, and saves as a plain row', () => {
    const doc = trainedSheet();
    const engine = open(doc);
    engine.edit([{ row: 'b', column: 'lr', text: '0.1' }]);
    engine.edit([{ row: 'b', column: 'lr', text: '0.3' }]);
    const saved = saveAndRead(doc, engine);
    expect(saved.rows[1]).toEqual({ id: 'b', cells: cells({ name: 'b', lr: '0.3' }) });
    expect(shown(open(saved).row('b')!)).toEqual({ status: 'done', testAcc: 0.5, stale: false });
  });

  it('a row with a bad cell keeps showing its old result after reopening', () => {
    const doc = trainedSheet();
    const engine = open(doc);
    engine.edit([{ row: 'b', column: 'lr', text: 'fast' }]);
    const saved = saveAndRead(doc, engine);
    const b = open(saved).row('b')!;
    expect(shown(b)).toEqual({ status: 'invalid', testAcc: 0.5, stale: true });
  });

  it('a row whose spec comes from a formula keeps its stale result too', () => {
    const doc = trainedSheet();
    const engine = open(doc);
    // =lr of row a times 10, in row b (an input formula: the row's cells do not parse as typed).
    engine.edit([{ row: 'b', column: 'lr', text: '=F1*10' }]);
    const parsed = engine.row('b')!.parsed;
    expect(parsed.ok ? parsed.spec.learningRate : NaN).toBeCloseTo(0.3);
    engine.edit([{ row: 'a', column: 'lr', text: '0.02' }]);
    expect(shown(engine.row('b')!)).toEqual({ status: 'stale', testAcc: 0.5, stale: true });
    const b = open(saveAndRead(doc, engine)).row('b')!;
    expect(shown(b)).toEqual({ status: 'stale', testAcc: 0.5, stale: true });
  });

  it('in auto mode the reopened stale row trains, showing its old result meanwhile', () => {
    const doc = trainedSheet();
    const engine = open(doc);
    engine.edit([{ row: 'b', column: 'lr', text: '0.1' }]);
    const saved = { ...saveAndRead(doc, engine), settings: { runMode: 'auto' as const } };
    const runner = new ScriptedRunner(1);
    const b = open(saved, runner).row('b')!;
    expect(runner.started()).toEqual(['b']);
    expect({ state: b.status.state, testAcc: b.result?.testAcc }).toEqual({ state: 'running', testAcc: 0.5 });
  });

  it('a file without staleResult opens as before: the edited row has no result', () => {
    const doc = trainedSheet();
    const engine = open(doc);
    engine.edit([{ row: 'b', column: 'lr', text: '0.1' }]);
    const saved = saveAndRead(doc, engine);
    const { staleResult: _gone, ...plain } = saved.rows[1]!;
    const b = open({ ...saved, rows: [saved.rows[0]!, plain] }).row('b')!;
    expect(shown(b)).toEqual({ status: 'stale', testAcc: undefined, stale: false });
  });
});
