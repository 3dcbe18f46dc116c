import type { TrainJob, TrainProgress, TrainResult } from '../job.ts';

/**
 * What the scheduler needs from whoever trains: the worker pool in the page and the CLI,
 * or a queue later. A job aborted through `signal` must settle (usually by rejecting) promptly.
 */
export interface Runner {
  /** How many jobs may train at once. */
  readonly capacity: number;
  run(job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult>;
}
