/**
 * The worker side of progress: messages go out in batches, at most one every `minMs`, so that a
 * small job (ten epochs in a quarter of a second) costs the page a handful of messages instead of
 * one per epoch; the pool unpacks each batch into the per-epoch calls the engine expects. Nothing
 * sent is dropped but a fraction-only update that a later one in the same batch supersedes: the
 * records and boundaries arrive in order. What is still queued when a job ends on the job port
 * stays behind (the result has every epoch: protocol.ts); TrainerApi.train flushes it instead.
 */
import type { TrainProgress } from '../engine/job.ts';

/** How often a worker may post progress: ten updates a second still draw a smooth live curve. */
export const PROGRESS_BATCH_MS = 100;

/**
 * How long a job's first update may wait to find out whether the job ends first: if it does, the
 * end (whose result has every epoch) replaces it, and the page reads one message for the job
 * instead of two. With two workers on two cores every ms of the page's is taken from a worker; a
 * small job's separate first message (with its live boundary) was about a third of what the page
 * spent per job (issue 7). A person sees no difference: such a run ends before a frame or two
 * would have shown it running; a longer one shows its second update that it runs on, and its
 * first goes out then.
 */
export const FIRST_HOLD_MS = 20;

export interface ProgressBatcher {
  /** Queue one update; sends at once if the last batch went out `minMs` ago or more, except a job's first, held up to `holdMs` (see progressBatcher). */
  push(p: TrainProgress): void;
  /** Send whatever is queued (fitJob's flushProgress, and the end of a TrainerApi.train job). */
  flush(): void;
  /** Take whatever is queued without sending it (at a job's end, whose result has every epoch: protocol.ts). */
  drain(): TrainProgress[];
}

/** Only the fraction and epoch counter: a later update says the same, only newer. */
const passing = (p: TrainProgress) => p.record === undefined && p.loss === undefined && p.boundary === undefined;

/**
 * Batches for `send`, for one job. The first update waits up to `holdMs` (FIRST_HOLD_MS): the
 * job's end drains it, or a later update whose pace (fraction per ms since the first) says the job
 * runs past the hold sends it at once, or the timer does when the hold is over. Later updates go
 * out at most one batch per `minMs`; one that must wait is sent by a timer, which fires at the
 * trainer's next yield to the event loop. `holdMs` 0: the first update goes out at once.
 */
export function progressBatcher(send: (batch: TrainProgress[]) => void, minMs = PROGRESS_BATCH_MS, now: () => number = () => performance.now(), holdMs = FIRST_HOLD_MS): ProgressBatcher {
  let queued: TrainProgress[] = [];
  let last = -Infinity;
  /** The first update, while it is held; and until when the first batch waits. */
  let first: { t: number; fraction: number } | null = null;
  let holdUntil = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drain = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = queued;
    queued = [];
    return batch;
  };
  const flush = () => {
    const batch = drain();
    if (batch.length === 0) return;
    last = now();
    send(batch);
  };
  return {
    push(p) {
      if (queued.length > 0 && passing(queued[queued.length - 1]!)) queued[queued.length - 1] = p;
      else queued.push(p);
      const t = now();
      if (last === -Infinity) {
        if (first === null) {
          first = { t, fraction: p.fraction };
          holdUntil = t + holdMs;
        } else {
          // At the pace since the first update (not since the start, which set-up costs dominate).
          const pace = (p.fraction - first.fraction) / (t - first.t);
          if (!(pace > 0 && t + (1 - p.fraction) / pace <= holdUntil)) holdUntil = -Infinity;
        }
      }
      const wait = Math.max(last + minMs, holdUntil) - t;
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    flush,
    drain,
  };
}
