/**
 * A training job as plain serializable data: spec in, metrics and history out.
 * The same shape crosses a Web Worker, a worker thread, or (later) a job queue.
 */
import type { ExperimentSpec } from './spec.ts';

export interface TrainJob {
  /** Unique per run attempt; progress and results carry it back. */
  readonly id: string;
  readonly spec: ExperimentSpec;
}

/** Sent while a job trains: after every epoch, and within long epochs. */
export interface TrainProgress {
  readonly jobId: string;
  /** 1-based epoch in progress. */
  readonly epoch: number;
  readonly epochs: number;
  /** Fraction of the whole run done, 0..1. */
  readonly fraction: number;
  /** Set once the epoch has ended. */
  readonly loss?: number;
  readonly acc?: number;
  /** The epoch's full record, set at epoch end (the live learning curve). */
  readonly record?: EpochRecord;
  /** The decision boundary after this epoch, for 2-D inputs; throttled, so not every epoch has one. */
  readonly boundary?: Boundary;
  readonly backend: BackendName;
}

export type BackendName = 'webgl' | 'wasm' | 'cpu';

/** One epoch of the learning curve; values that do not apply (no validation split, regression accuracy) are NaN. */
export interface EpochRecord {
  readonly loss: number;
  readonly acc: number;
  readonly valLoss: number;
  readonly valAcc: number;
  /** Learning rate in force during the epoch. */
  readonly lr: number;
}

/**
 * What a 2-D model predicts over a grid spanning its inputs: the heatmap under the data points.
 * The data points themselves are not included: the page regenerates the toy set from its seed
 * (train/toy-data.ts is pure), so a saved boundary stays small.
 */
export interface Boundary {
  /** The grid is size x size cells (e.g. 40). */
  readonly size: number;
  /** xMin, xMax, yMin, yMax of the grid; cell centres sit at even steps inside it. */
  readonly extent: readonly [number, number, number, number];
  readonly classes: number;
  /** size*size predicted classes, row-major, the first row at yMax (the top). */
  readonly predicted: readonly number[];
  /** size*size probabilities of the predicted class, 0..1 with 2 decimals. */
  readonly confidence: readonly number[];
}

/** One test sample's prediction; `index` is its position in the dataset's test set. */
export interface SamplePrediction {
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  readonly confidence: number;
}

/** What a finished run shows a learner beyond its metrics. */
export interface Insights {
  /** Test set counts [true][predicted]; null for regression. */
  readonly confusion: readonly (readonly number[])[] | null;
  /** Up to 24 test samples, wrong ones first. */
  readonly samples: readonly SamplePrediction[];
  /** 2-D inputs only. */
  readonly boundary: Boundary | null;
}

export interface TrainResult {
  readonly jobId: string;
  readonly trainLoss: number;
  readonly trainAcc: number;
  /** NaN without a validation split. */
  readonly valLoss: number;
  readonly valAcc: number;
  readonly testLoss: number;
  /** NaN for regression. */
  readonly testAcc: number;
  /** Mean absolute error on the test set; NaN for classification. */
  readonly testMae: number;
  /** Wall-clock seconds spent training and evaluating (data loading excluded). */
  readonly seconds: number;
  /** Training samples per second over all epochs run. */
  readonly samplesPerSec: number;
  readonly params: number;
  readonly backend: BackendName;
  /** Why this backend: shown in the row's details and the closing notes. */
  readonly backendReason: string;
  readonly epochsRun: number;
  /** 1-based epoch with the best monitored loss (validation loss, else training loss). */
  readonly bestEpoch: number;
  /** Whether the test evaluation used the best epoch's weights (keep best). */
  readonly restoredBest: boolean;
  readonly finalLr: number;
  readonly history: readonly EpochRecord[];
  /** Set when the loss became NaN or exploded: the epoch and a likely cause. */
  readonly diverged: { readonly epoch: number; readonly message: string } | null;
  /** Why training ended before its last epoch (early stopping), if it did. */
  readonly stoppedEarly: string | null;
  /** Confusion matrix, sample predictions, decision boundary; absent in results from before they existed. */
  readonly insights?: Insights;
}
