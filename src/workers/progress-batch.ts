/**
 * The worker side of progress: messages go out in batches, at most one every `minMs`, so that a
 * small job (ten epochs in a quarter of a second) costs the page a handful of messages instead of
 * one per epoch; the pool unpacks each batch into the per-epoch calls the engine expects. Nothing
 * is dropped but a fraction-only update that a later one in the same batch supersedes: every
 * epoch's record and every boundary arrives, in order.
 */
import type { TrainProgress } from '../engine/job.ts';

/** How often a worker may post progress: ten updates a second still draw a smooth live curve. */
export const PROGRESS_BATCH_MS = 100;

export interface ProgressBatcher {
  /** Queue one update; sends at once if the last batch went out `minMs` ago or more. */
  push(p: TrainProgress): void;
  /** Send whatever is queued (at the end of a job). */
  flush(): void;
  /** Take whatever is queued without sending it, to ride along with the job's end message. */
  drain(): TrainProgress[];
}

/** Only the fraction and epoch counter: a later update says the same, only newer. */
const passing = (p: TrainProgress) => p.record === undefined && p.loss === undefined && p.boundary === undefined;

/**
 * Batches for `send`. The first update goes out at once (the page shows a run has started); one
 * that must wait is sent by a timer, which fires at the trainer's next yield to the event loop.
 */
export function progressBatcher(send: (batch: TrainProgress[]) => void, minMs = PROGRESS_BATCH_MS, now: () => number = () => performance.now()): ProgressBatcher {
  let queued: TrainProgress[] = [];
  let last = -Infinity;
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
      const wait = last + minMs - now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    flush,
    drain,
  };
}
