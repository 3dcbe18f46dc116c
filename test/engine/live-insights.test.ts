/**
 * The sheet engine keeps a running row's epoch records and latest decision boundary, from real
 * training in this process (fitJob on the wasm backend behind the Runner interface), and hands
 * over to the finished result's history and insights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochRecord } from '../../src/engine/job.ts';
import { progressRecord } from '../../src/engine/scheduler/row-state.ts';
import type { Runner } from '../../src/engine/scheduler/runner.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { shownEpochs } from '../../src/ui/compare/compare-data.ts';
import { fitJob } from '../../src/engine/train/fit.ts';
import { loadData } from '../../src/engine/train/load.ts';
import { loadDatasetFile } from '../../src/engine/data/load-node.ts';
import { useWasm } from '../helpers/tf-wasm.ts';

beforeAll(async () => { await useWasm(); });

const inProcess: Runner = {
  capacity: 1,
  async run(job, { signal, onProgress }) {
    const data = await loadData(job.spec.dataset, job.spec.seed, loadDatasetFile);
    return fitJob(job, data, { onProgress, cancelled: () => signal.aborted, yieldToEvents: async () => {}, backend: 'wasm', backendReason: 'in-process' });
  },
};

describe('live records and boundary in the sheet engine', () => {
  it('a running 2-D row shows its epoch records and boundary; the result takes over', async () => {
    // Large enough (over fit.ts' HELD_JOB_MACS) that a live boundary comes with epoch 1, not only
    // once the job has run SMALL_JOB_LIVE_BOUNDARY_MS.
    const engine = new SheetEngine([{ id: 'c', cells: {
      dataset: 'circle', noise: '0.1', layers: 'dense(64, tanh) dense(64, tanh)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '60', seed: '2', val_split: '0.2',
    } }], inProcess);
    // What each running state held when it was reported: its array, and a copy of its records then.
    const seen: { live: readonly EpochRecord[]; records: EpochRecord[]; shown: readonly EpochRecord[] }[] = [];
    let boundaries = 0;
    engine.subscribe(() => {
      const r = engine.row('c')!;
      if (r.status.state !== 'running') return;
      seen.push({ live: r.live, records: [...r.live], shown: shownEpochs(r) });
      if (r.liveBoundary) {
        boundaries++;
        expect(r.liveBoundary.predicted).toHaveLength(r.liveBoundary.size ** 2);
      }
    });
    await engine.idle();
    const r = engine.row('c')!;
    expect(r.status.state).toBe('done');
    // One array for the whole run, appended in place (no copy per epoch): each report holds the
    // records before it plus at most one, all of them the result's history.
    expect(seen.length).toBeGreaterThanOrEqual(11);
    expect(new Set(seen.map((s) => s.live)).size).toBe(1);
    for (let i = 1; i < seen.length; i++) {
      const [before, now] = [seen[i - 1]!.records, seen[i]!.records];
      expect(now.length - before.length).toBeGreaterThanOrEqual(0);
      expect(now.length - before.length).toBeLessThanOrEqual(1);
      expect(now.slice(0, before.length)).toEqual(before);
    }
    const last = seen[seen.length - 1]!.records;
    expect(last.length).toBeGreaterThanOrEqual(11);
    expect(last).toEqual(r.result!.history.slice(0, last.length));
    // What the views read (shownEpochs) is a copy that stays put: a new one exactly when an epoch was added.
    for (let i = 0; i < seen.length; i++) {
      expect(seen[i]!.shown).toEqual(seen[i]!.records);
      if (i > 0) expect(seen[i]!.shown === seen[i - 1]!.shown).toBe(seen[i]!.records.length === seen[i - 1]!.records.length);
    }
    expect(Number.isFinite(last[0]!.valLoss)).toBe(true);
    expect(boundaries).toBeGreaterThan(0);
    expect(r.live).toEqual([]);
    expect(r.liveBoundary).toBeNull();
    expect(r.result!.insights!.boundary!.size).toBe(40);
    expect(r.result!.insights!.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(200);
    engine.dispose();
  });

  it('progress from a worker that sends only loss and accuracy still makes a record', () => {
    const base = { jobId: 'j', epoch: 1, epochs: 2, fraction: 0.5, backend: 'wasm' as const };
    expect(progressRecord(base)).toBeUndefined();
    expect(progressRecord({ ...base, loss: 0.5, acc: 0.8 })).toEqual({ loss: 0.5, acc: 0.8, valLoss: NaN, valAcc: NaN, lr: NaN });
    const record = { loss: 0.4, acc: 0.9, valLoss: 0.5, valAcc: 0.85, lr: 0.01 };
    expect(progressRecord({ ...base, loss: 0.4, acc: 0.9, record })).toBe(record);
  });
});
