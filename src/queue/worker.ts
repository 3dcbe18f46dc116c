/**
 * `sweepsheet worker`: takes training jobs from the queue and trains them on the same worker
 * threads as a local run (src/workers/node-pool.ts). Training never runs on this process' main
 * thread, so BullMQ's lock renewal keeps its beat however long an epoch takes; a worker that dies
 * stops renewing, and after the lock runs out the stalled-job check gives its job to another.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { TrainProgress } from '../engine/job.ts';
import { createNodePool } from '../workers/node-pool.ts';
import { encode } from './codec.ts';
import { type RedisTarget, connectionOptions, throttledErrors } from './connection.ts';
import { QUEUE_NAME, checkJobData } from './job-data.ts';

export interface QueueWorkerOptions {
  readonly target: RedisTarget;
  /** Jobs trained at once, each on its own worker thread. */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal; a dead worker's job waits this long before it is taken over. */
  readonly lockMs?: number;
  /** How often this worker looks for jobs whose lock ran out. */
  readonly stalledMs?: number;
  readonly log?: (line: string) => void;
}

/** A progress report per epoch end; reports inside an epoch at most this often. */
const PROGRESS_EVERY_MS = 500;

export interface RunningQueueWorker {
  /** Resolves once connected to Redis and the training threads have started. */
  readonly ready: Promise<void>;
  /** Stop taking jobs; with `force`, abandon the ones in flight (the queue gives them to another worker). */
  close(force?: boolean): Promise<void>;
}

export function startQueueWorker(opts: QueueWorkerOptions): RunningQueueWorker {
  const log = opts.log ?? (() => undefined);
  const pool = createNodePool({ size: opts.concurrency });

  const processor = async (job: Job, _token?: string, signal?: AbortSignal): Promise<string> => {
    // The data is JSON from Redis: checked like a file's row, never evaluated.
    const data = checkJobData(job.data);
    if (!data.ok) {
      log(`refused ${job.id}: ${data.error}`);
      throw new UnrecoverableError(`refused by the worker: ${data.error}`);
    }
    const { spec } = data.value;
    log(`started ${job.id} (${spec.dataset.name}, seed ${spec.seed}, ${spec.epochs} epochs, attempt ${job.attemptsMade + 1})`);
    let last = 0;
    const onProgress = (p: TrainProgress) => {
      const now = Date.now();
      if (p.loss === undefined && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      // Progress is best-effort: a lost report is replaced by the next one.
      void job.updateProgress({ enc: encode(p) }).catch(() => undefined);
    };
    const result = await pool.run({ id: job.id ?? 'job', spec }, { signal: signal ?? new AbortController().signal, onProgress });
    log(`done ${job.id} in ${result.seconds.toFixed(1)} s`);
    return encode(result);
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: connectionOptions(opts.target),
    concurrency: opts.concurrency,
    lockDuration: opts.lockMs ?? 30_000,
    stalledInterval: opts.stalledMs ?? 30_000,
    // One death is expected (a machine switched off); a job that kills every worker it lands on fails.
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('failed', (job, e) => log(`failed ${job?.id ?? '?'} (attempt ${job?.attemptsMade ?? '?'}): ${e.message}`));
  worker.on('error', throttledErrors(log));

  const ready = Promise.all([worker.waitUntilReady(), pool.info()]).then(() => undefined);
  return {
    ready,
    async close(force = false) {
      await worker.close(force);
      pool.dispose();
    },
  };
}

