/**
 * A Runner on the queue: the sheet engine hands it jobs exactly as it hands them to the local
 * worker pool, and it puts each on BullMQ under an id derived from the spec, so a config that is
 * already done or waiting on the queue is never trained twice. Results and progress come back
 * through QueueEvents (with a slow poll as a safety net for events missed while reconnecting),
 * are decoded as data and checked before the engine sees them.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { TrainJob, TrainProgress, TrainResult } from '../engine/job.ts';
import type { Runner } from '../engine/scheduler/runner.ts';
import { RunAborted } from '../workers/pool.ts';
import { checkProgress, checkResult, decode } from './codec.ts';
import { type RedisTarget, connectionOptions, jobIdFor, throttledErrors } from './connection.ts';
import { JOB_DATA_VERSION, QUEUE_NAME, type QueueJobData, checkSpec } from './job-data.ts';

export interface QueueRunnerOptions {
  readonly target: RedisTarget;
  /** Jobs put on the queue at once (the workers, not this number, decide how many train). */
  readonly capacity?: number;
  /** Tries per job before it is marked failed: a crash or an error each use one. */
  readonly attempts?: number;
  /** Train again configs the queue already finished (`--rerun`). */
  readonly fresh?: boolean;
  /** How often to check on submitted jobs in case an event was missed. */
  readonly pollMs?: number;
  /** Called with the engine's job id when a worker takes the job. */
  readonly onActive?: (jobId: string) => void;
  /** How long to wait for Redis at the start before giving up. */
  readonly connectTimeoutMs?: number;
  /** Connection trouble (already throttled); by default it is kept quiet while ioredis reconnects. */
  readonly onError?: (message: string) => void;
}

interface Waiter {
  readonly localId: string;
  readonly data: QueueJobData;
  readonly onProgress: (p: TrainProgress) => void;
  readonly resolve: (r: TrainResult) => void;
  readonly reject: (e: Error) => void;
}

/** Finished jobs stay a week, so a config run yesterday comes back at once; failed ones a day. */
const KEEP_DONE = { age: 7 * 24 * 3600, count: 50_000 };
const KEEP_FAILED = { age: 24 * 3600 };

export class QueueRunner implements Runner {
  readonly capacity: number;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly renewed = new Set<string>();
  /** Jobs whose submission is under way: the poll leaves them alone (a --rerun may be replacing an old result). */
  private readonly submitting = new Set<string>();
  private readonly poll: ReturnType<typeof setInterval>;
  private closed = false;

  private constructor(private readonly queue: Queue, private readonly events: QueueEvents, private readonly opts: QueueRunnerOptions) {
    this.capacity = opts.capacity ?? 1_000;
    events.on('progress', ({ jobId, data }) => this.progress(jobId, data));
    events.on('completed', ({ jobId, returnvalue }) => this.complete(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.fail(jobId, failedReason));
    events.on('active', ({ jobId }) => {
      for (const w of this.waiters.get(jobId) ?? []) opts.onActive?.(w.localId);
    });
    this.poll = setInterval(() => void this.check(), opts.pollMs ?? 5_000);
    this.poll.unref?.();
  }

  /** Connect to the queue; resolves once events are being read, so no result is missed. */
  static async open(opts: QueueRunnerOptions): Promise<QueueRunner> {
    const connection = connectionOptions(opts.target);
    const queue = new Queue(QUEUE_NAME, { connection });
    const events = new QueueEvents(QUEUE_NAME, { connection });
    // Without listeners BullMQ prints every failed reconnect with its stack.
    const onError = throttledErrors(opts.onError ?? (() => undefined));
    queue.on('error', onError);
    events.on('error', onError);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${opts.target.display} (is redis-server running?)`)), opts.connectTimeoutMs ?? 15_000);
    });
    try {
      await Promise.race([Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), late]);
    } catch (e) {
      // Not awaited: closing a connection that never opened can wait on ioredis' retries.
      void Promise.allSettled([queue.close(), events.close()]);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return new QueueRunner(queue, events, opts);
  }

  run(job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> {
    const checked = checkSpec(job.spec);
    if (!checked.ok) return Promise.reject(new Error(`refused before queueing: ${checked.error}`));
    if (opts.signal.aborted) return Promise.reject(new RunAborted(job.id));
    const qid = jobIdFor(checked.value.key);
    const data: QueueJobData = { v: JOB_DATA_VERSION, spec: checked.value.spec };
    return new Promise<TrainResult>((resolve, reject) => {
      const done = () => {
        opts.signal.removeEventListener('abort', onAbort);
        const set = this.waiters.get(qid);
        set?.delete(w);
        if (set?.size === 0) this.waiters.delete(qid);
      };
      const w: Waiter = {
        localId: job.id,
        data,
        onProgress: opts.onProgress,
        resolve: (r) => { done(); resolve(r); },
        reject: (e) => { done(); reject(e); },
      };
      const onAbort = () => {
        w.reject(new RunAborted(job.id));
        // Nobody here wants it any more: take it off the queue if no worker has started it.
        if (!this.waiters.has(qid)) void this.withdraw(qid);
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const set = this.waiters.get(qid) ?? new Set<Waiter>();
      set.add(w);
      this.waiters.set(qid, set);
      this.submit(qid, data).catch((e: unknown) => w.reject(new Error(`could not queue the job: ${e instanceof Error ? e.message : String(e)}`)));
    });
  }

  /** How many jobs this runner is waiting on. */
  get waiting(): number {
    return this.waiters.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    for (const [qid] of this.waiters) this.fail(qid, 'the queue connection was closed');
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }

  /** Put the job on the queue unless it is there already; a finished one answers at once. */
  private async submit(qid: string, data: QueueJobData): Promise<void> {
    this.submitting.add(qid);
    try {
      await this.submitNow(qid, data);
    } finally {
      this.submitting.delete(qid);
    }
  }

  private async submitNow(qid: string, data: QueueJobData): Promise<void> {
    const existing = await this.queue.getJob(qid);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed') {
        if (!this.opts.fresh || this.renewed.has(qid)) return this.complete(qid, existing.returnvalue);
        this.renewed.add(qid);
        await existing.remove();
      } else if (state === 'failed') {
        // A new run asks for it again: the bounded attempts start over, once per request.
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return;
      } else if (state !== 'unknown') {
        return;
      }
    }
    await this.queue.add('train', data, {
      jobId: qid,
      attempts: this.opts.attempts ?? 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: KEEP_DONE,
      removeOnFail: KEEP_FAILED,
    });
  }

  /** The safety net: settle jobs whose events were missed, and requeue jobs someone removed. */
  private async check(): Promise<void> {
    for (const qid of [...this.waiters.keys()]) {
      if (this.submitting.has(qid)) continue;
      try {
        const job = await this.queue.getJob(qid);
        if (!job) {
          const first = [...(this.waiters.get(qid) ?? [])][0];
          if (first) await this.submit(qid, first.data);
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') this.complete(qid, job.returnvalue);
        else if (state === 'failed') this.fail(qid, job.failedReason);
      } catch {
        // Redis unreachable for now: the next poll tries again.
      }
    }
  }

  private async withdraw(qid: string): Promise<void> {
    try {
      const state = await this.queue.getJobState(qid);
      if (state === 'waiting' || state === 'prioritized' || state === 'delayed') await this.queue.remove(qid);
    } catch {
      // Taken by a worker meanwhile: its result will wait on the queue for whoever asks next.
    }
  }

  private progress(qid: string, data: unknown): void {
    const set = this.waiters.get(qid);
    if (!set) return;
    const enc = data !== null && typeof data === 'object' ? (data as { enc?: unknown }).enc : undefined;
    const d = decode(enc);
    const p = d.ok ? checkProgress(d.value) : d;
    if (!p.ok) return;
    for (const w of set) w.onProgress({ ...p.value, jobId: w.localId });
  }

  private complete(qid: string, returnvalue: unknown): void {
    const set = this.waiters.get(qid);
    if (!set) return;
    const d = decode(returnvalue);
    const r = d.ok ? checkResult(d.value) : d;
    for (const w of [...set]) {
      if (r.ok) w.resolve({ ...r.value, jobId: w.localId });
      else w.reject(new Error(`the queue returned an unreadable result: ${r.error}`));
    }
  }

  private fail(qid: string, reason: string): void {
    const set = this.waiters.get(qid);
    if (!set) return;
    for (const w of [...set]) w.reject(new Error(`failed on the queue: ${reason}`));
  }
}
