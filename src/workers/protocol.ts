/**
 * The worker protocol, typed once for both sides. The page (or the CLI) wraps a worker with
 * Comlink as Remote<TrainerApi> for the handshake, cancel and memory; jobs themselves travel on
 * a job port handed over at the handshake: one MessageChannel per worker for its whole life,
 * not one Comlink proxy (a new channel, a port transfer, a reply to each progress call and a
 * release) per job. One port carries a job's progress and its end, so they arrive in order.
 */
import type { BackendName, TrainJob, TrainProgress, TrainResult } from '../engine/job.ts';
import type { WireProgress, WireResult } from './wire.ts';

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

/** Page → worker on the job port: train this job (one at a time). */
export interface JobRequest {
  readonly job: TrainJob;
}

/** A thrown error as it crosses the port (an Error's name and message survive, its class does not). */
export interface WireError {
  readonly name: string;
  readonly message: string;
}

/**
 * Worker → page on the job port, for one job in this order: progress batches (oldest first, at
 * most one every PROGRESS_BATCH_MS, src/workers/progress-batch.ts), then one end message with the
 * result or the error. Progress still queued at the end is not sent: the result's history has
 * every epoch. So the records a job's progress brought are the first epochs of that history, in
 * order; a job that ends within its first update's hold sends only its end. Boundaries travel
 * packed (wire.ts).
 */
export type JobMessage =
  | { readonly jobId: string; readonly progress: readonly WireProgress[] }
  | { readonly jobId: string; readonly result: WireResult }
  | { readonly jobId: string; readonly error: WireError };

export interface TrainerApi {
  /**
   * The handshake: resolves once the worker has loaded tfjs and probed its backends. With a
   * port, the worker takes JobRequests on it from then on and answers with JobMessages.
   */
  ready(jobPort?: MessagePort): Promise<WorkerInfo>;
  /**
   * Train one job directly (tests, benches; the pool uses the job port): progress arrives through
   * the callback (Comlink-proxied across a worker) in batches, oldest first, every queued update
   * included (unlike the job port, whose end drops what is still queued).
   */
  train(job: TrainJob, onProgress: (batch: readonly TrainProgress[]) => void): Promise<TrainResult>;
  /** Ask the job to stop at the next batch; it then ends with a cancellation error. */
  cancel(jobId: string): void;
  /** tfjs' live tensors in this worker (every job must leave this at its baseline). */
  memory(): TensorMemory;
}
