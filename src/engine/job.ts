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

export interface EpochRecord {
  readonly loss: number;
  readonly acc: number;
}

export interface TrainResult {
  readonly jobId: string;
  readonly trainLoss: number;
  readonly trainAcc: number;
  readonly testLoss: number;
  readonly testAcc: number;
  /** Wall-clock seconds spent training and evaluating (data generation excluded). */
  readonly seconds: number;
  readonly backend: BackendName;
  /** Why this backend: shown in the row's details and the closing notes. */
  readonly backendReason: string;
  readonly epochsRun: number;
  readonly history: readonly EpochRecord[];
  /** Set when the loss became NaN or exploded: the epoch and a likely cause. */
  readonly diverged: { readonly epoch: number; readonly message: string } | null;
}
