/** Builders for the file-format tests: valid cells, results, engine row states and documents. */
import type { TrainResult } from '../../../src/engine/job.ts';
import type { RowState } from '../../../src/engine/scheduler/sheet-engine.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { type SavedResult, type SheetDocument, writeSheet } from '../../../src/engine/sheet-file.ts';

export const cells = (over: Record<string, string> = {}): Record<string, string> => ({
  name: 'run', dataset: 'circle', noise: '0.1', layers: 'dense(4, relu)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '3', seed: '1', ...over,
});

export function keyOf(c: Record<string, string>): string {
  const p = parseRow(c);
  if (!p.ok) throw new Error(`test cells do not parse: ${JSON.stringify(p.errors)}`);
  return p.key;
}

export function trainResult(over: Partial<TrainResult> = {}): TrainResult {
  return {
    jobId: 'job-1', trainLoss: 0.25, trainAcc: 0.9, valLoss: NaN, valAcc: NaN, testLoss: 0.3, testAcc: 0.875,
    testMae: NaN, seconds: 1.5, samplesPerSec: 1200, params: 57, backend: 'cpu', backendReason: 'tests run on cpu',
    epochsRun: 3, bestEpoch: 3, restoredBest: false, finalLr: 0.03,
    history: [1, 2, 3].map((e) => ({ loss: 1 / e, acc: 0.5 + e / 10, valLoss: NaN, valAcc: NaN, lr: 0.03 })),
    diverged: null, stoppedEarly: null, ...over,
  };
}

export function savedResult(over: Partial<SavedResult> = {}): SavedResult {
  return {
    status: 'done', trainLoss: 0.25, trainAcc: 0.9, valLoss: NaN, valAcc: NaN, testLoss: 0.3, testAcc: 0.875,
    testMae: NaN, seconds: 1.5, samplesPerSec: 1200, params: 57, backend: 'cpu', backendReason: 'tests run on cpu',
    epochsRun: 2, bestEpoch: 2, restoredBest: false, finalLr: 0.03, diverged: null, stoppedEarly: null,
    history: { loss: [1, 0.5], acc: [0.5, 0.75], valLoss: [NaN, NaN], valAcc: [NaN, NaN], lr: [0.03, 0.03] },
    finishedAt: '2026-11-22T10:00:00.000Z', provenance: { app: '0.1.0', tfjs: '4.22.0', backend: 'cpu' }, ...over,
  };
}

/** A row as the engine holds it, finished with `result` for the spec whose key is `resultKey`. */
export function rowState(id: string, c: Record<string, string>, result: TrainResult | null = null, resultKey?: string, parent: string | null = null): RowState {
  const parsed = parseRow(c);
  return {
    id, cells: c, parsed, status: result ? { state: 'done' } : { state: 'queued' }, result,
    resultKey: result ? (resultKey ?? (parsed.ok ? parsed.key : null)) : null, version: 1, live: [], liveBoundary: null,
    parent, sweep: null, formulas: {},
  };
}

/** A small valid document: two rows, one formula column, the result of row a and one orphan result. */
export function sampleDocument(): SheetDocument {
  const a = cells({ name: 'a' });
  return {
    format: 'sweepsheet', version: 2, title: 'sample', description: 'two rows',
    settings: { runMode: 'manual' },
    columns: [{ key: 'gap', label: 'train-test gap', formula: '=train_acc - test_acc' }],
    rows: [{ id: 'a', cells: a }, { id: 'b', cells: cells({ name: 'b', lr: '0.1, 0.01' }) }],
    results: { [keyOf(a)]: savedResult(), [keyOf(cells({ lr: '0.3' }))]: savedResult({ testAcc: 0.5 }) },
  };
}

/** The sample document as file data (NaN already null), to break one field at a time. */
export function sampleData(): Record<string, unknown> {
  return JSON.parse(writeSheet(sampleDocument())) as Record<string, unknown>;
}
