/**
 * Work the comparison panel does outside the animation frame. A frame in which a run finishes
 * already holds the grid's pass (new values, colour scales) and the browser's style, layout and
 * paint; rebuilding the scatter and the parallel coordinates in that same task pushed it past
 * 16 ms. These helpers move such work into a task of its own, and skip charts nobody can see.
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** A job asked for any number of times runs once, in a task of its own after the current frame. */
export interface Later {
  /** Ask for a run (again asking before it ran changes nothing). */
  request(): void;
  /** Run now if asked for, in this task. */
  flush(): void;
  cancel(): void;
}

/**
 * Run `job` once when the page is idle after the frame that asked, or after `timeoutMs` at the
 * latest (a page busy every frame with training rows may never be idle). Runs that finish in
 * consecutive frames before then are drawn in one rebuild.
 */
export function later(job: () => void, timeoutMs = 250): Later {
  let handle: number | null = null;
  const idle = typeof requestIdleCallback === 'function';
  const cancel = () => {
    if (handle === null) return;
    if (idle) cancelIdleCallback(handle);
    else clearTimeout(handle);
    handle = null;
  };
  const run = () => {
    handle = null;
    job();
  };
  return {
    request() {
      if (handle !== null) return;
      handle = idle ? requestIdleCallback(run, { timeout: timeoutMs }) : (setTimeout(run, 0) as unknown as number);
    },
    flush() {
      if (handle === null) return;
      cancel();
      job();
    },
    cancel,
  };
}

/**
 * Whether `el` is on screen or within `margin` of it. Charts that are not skip their updates and
 * catch up when they come into view: an open panel scrolled out of sight costs nothing per frame.
 */
export function onScreen(el: HTMLElement, margin = '200px'): Accessor<boolean> {
  const [seen, setSeen] = createSignal(true);
  if (typeof IntersectionObserver !== 'function') return seen;
  const observer = new IntersectionObserver((entries) => {
    const last = entries.at(-1);
    if (last) setSeen(last.isIntersecting);
  }, { rootMargin: margin });
  observer.observe(el);
  onCleanup(() => observer.disconnect());
  return seen;
}
