/**
 * The sheet document in memory: exactly what a version 2 file holds, with numbers that were
 * written as null (NaN, Infinity) read back as NaN. Plain data, no classes.
 */
import type { BackendName, TrainResult } from '../job.ts';
import type { FormulaColumn } from '../scheduler/row-state.ts';

/** A column the person added, e.g. `{ key: 'gap', label: 'train-test gap', formula: '=train_acc - test_acc' }`; the engine's own type. */
export type { FormulaColumn };

export const FORMAT = 'sweepsheet';
export const FORMAT_VERSION = 2;

/** Every cap a file must respect; each has its own message when broken. */
export const FILE_LIMITS = {
  /** UTF-8 bytes of the whole file. */
  maxBytes: 5_000_000,
  maxRows: 10_000,
  /** User formula columns. */
  maxColumns: 64,
  maxCellLength: 2_000,
  maxResults: 10_000,
  maxHistory: 10_000,
  maxTitle: 500,
  maxDescription: 2_000,
  maxRowId: 100,
  maxLabel: 100,
  /** A spec key is canonical JSON of a spec; a 2,000-character layers cell stays well under this. */
  maxSpecKey: 50_000,
  /** backendReason, stoppedEarly, a divergence message. */
  maxNote: 2_000,
  /** A result's decision boundary: at most this many cells per side. */
  maxBoundarySize: 64,
  /** Classes in a boundary or a confusion matrix. */
  maxClasses: 100,
  /** Test predictions kept with a result. */
  maxSamples: 24,
  /** The deepest a valid file nests is 5; anything past this is refused before it is looked at. */
  maxDepth: 32,
} as const;

export type RunMode = 'auto' | 'manual';

export interface SheetSettings {
  /** auto: edits train at once; manual: rows wait for a run command. */
  readonly runMode: RunMode;
}

export interface SheetRow {
  readonly id: string;
  /** Raw cell text by input column key; a formula or a sweep list is stored as typed. */
  readonly cells: Readonly<Record<string, string>>;
  /**
   * The spec key of an older result the row still shows, dimmed, because its cells changed since
   * (manual mode, or an edit not trained yet): a key of `results`. Absent when the row shows its
   * current spec's result or none; files written before it existed have none.
   */
  readonly staleResult?: string;
}

/** The learning curve as one series per quantity, all of the same length. */
export interface HistorySeries {
  readonly loss: readonly number[];
  readonly acc: readonly number[];
  readonly valLoss: readonly number[];
  readonly valAcc: readonly number[];
  readonly lr: readonly number[];
}

export interface Provenance {
  /** Sweepsheet version that trained it; null when unknown (migrated from version 1). */
  readonly app: string | null;
  /** TensorFlow.js version; null when unknown. */
  readonly tfjs: string | null;
  readonly backend: BackendName;
}

/** A finished run as stored: every TrainResult field but jobId, with the history by series. */
export interface SavedResult extends Omit<TrainResult, 'jobId' | 'history'> {
  readonly status: 'done' | 'diverged';
  readonly history: HistorySeries;
  /** ISO 8601 date and time; null when unknown (migrated from version 1). */
  readonly finishedAt: string | null;
  readonly provenance: Provenance;
}

export interface SheetDocument {
  readonly format: typeof FORMAT;
  readonly version: typeof FORMAT_VERSION;
  readonly title: string;
  readonly description: string;
  readonly settings: SheetSettings;
  readonly columns: readonly FormulaColumn[];
  readonly rows: readonly SheetRow[];
  /** By spec key (canonical JSON of the spec): the results cache, including results no row shows now. */
  readonly results: Readonly<Record<string, SavedResult>>;
}

export const RESULT_NUMBERS = [
  'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'testMae', 'seconds', 'samplesPerSec',
  'params', 'epochsRun', 'bestEpoch', 'finalLr',
] as const;

export const HISTORY_SERIES = ['loss', 'acc', 'valLoss', 'valAcc', 'lr'] as const;

export const BACKENDS: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/** Keys that would reach an object's prototype if assigned; dropped wherever they appear. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** An empty sheet: the base for a new document. */
export function emptyDocument(): SheetDocument {
  return { format: FORMAT, version: FORMAT_VERSION, title: '', description: '', settings: { runMode: 'auto' }, columns: [], rows: [], results: {} };
}
