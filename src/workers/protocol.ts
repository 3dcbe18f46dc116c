/**
 * The worker protocol, typed once for both sides: the page (or the CLI) wraps a worker with
 * Comlink as Remote<TrainerApi>; the worker exposes an object of this type.
 */
import type { BackendName, TrainJob, TrainProgress, TrainResult } from '../engine/job.ts';

/** What a worker found it can run on, reported by the ready handshake. */
export interface WorkerInfo {
  /** Backends that initialised in this worker, best first by our preference. */
  readonly backends: readonly BackendName[];
  /** The WebGL renderer string, when WebGL works (e.g. "SwiftShader" means software). */
  readonly webglRenderer: string | null;
  readonly softwareWebgl: boolean;
}

export interface TensorMemory {
  readonly numTensors: number;
  readonly numBytes: number;
}

export interface TrainerApi {
  /** The handshake: resolves once the worker has loaded tfjs and probed its backends. */
  ready(): Promise<WorkerInfo>;
  /**
   * Train one job; progress arrives through the (Comlink-proxied) callback in batches, oldest
   * first, at most one batch every PROGRESS_BATCH_MS (src/workers/progress-batch.ts).
   */
  train(job: TrainJob, onProgress: (batch: readonly TrainProgress[]) => void): Promise<TrainResult>;
  /** Ask the job to stop at the next batch; its train() call then rejects with a cancellation. */
  cancel(jobId: string): void;
  /** tfjs' live tensors in this worker (every job must leave this at its baseline). */
  memory(): TensorMemory;
}
