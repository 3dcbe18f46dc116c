/**
 * Running pausable work (steps.ts) on the page's main thread in slices of a few milliseconds,
 * giving the page a turn between them, so a big sheet's save never holds the main thread for
 * long. Vite serves this to the page; in Node (tests) it runs the same on timers.
 */
import type { Steps } from '../engine/file/steps.ts';

interface PostTask {
  postTask(cb: () => void, opts?: { priority?: 'user-blocking' | 'user-visible' | 'background' }): Promise<unknown>;
}

/** The next turn of the event loop: the page's input, rendering and messages go first. */
function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: PostTask }).scheduler;
  // postTask is not clamped as nested setTimeout(0) is (4 ms after five levels).
  if (scheduler?.postTask) return scheduler.postTask(() => {}, { priority: 'user-visible' }).then(() => {});
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface Sliced<T> {
  /** The result, or null when `dropped` said to stop. */
  readonly value: T | null;
  /** Milliseconds spent running the steps (the waits between slices left out). */
  readonly busyMs: number;
}

/** Run `steps` to the end, at most about `sliceMs` at a time; stop early once `dropped()` says so. */
export async function runSliced<T>(steps: Steps<T>, sliceMs: number, dropped: () => boolean): Promise<Sliced<T>> {
  let busyMs = 0;
  for (;;) {
    if (dropped()) return { value: null, busyMs };
    const start = performance.now();
    let step = steps.next();
    while (!step.done && performance.now() - start < sliceMs) step = steps.next();
    busyMs += performance.now() - start;
    if (step.done) return { value: step.value, busyMs };
    await nextTask();
  }
}
