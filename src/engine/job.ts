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
}
