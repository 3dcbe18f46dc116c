/**
 * The bridge from the engine's change events to Solid: signals ("ticks") that views read inside
 * a computation, so they recompute per animation frame, never per progress message.
 *
 * There is one tick per group of views, and at most one group is bumped per frame, in turn: with
 * rows training, the page's text and tables (the toolbar, the row detail's status, history table
 * and boundary) cost a few milliseconds of script and as much again of style, layout, paint and
 * commit, the curves (the detail's and the comparison's: canvases) a few of script and raster,
 * and one frame holding both went past 16 ms (bench:charts --live-detail). In turn, each group
 * still updates every other frame at worst.
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { timed } from './compare/timings.ts';

/** `count` ticks, bumped after engine changes one per animation frame, round robin. */
export function createEngineTicks(engine: Pick<SheetEngine, 'subscribe'>, count: number): Accessor<number>[] {
  const signals = Array.from({ length: count }, () => createSignal(0));
  const dirty = new Array<boolean>(count).fill(false);
  let next = 0;
  let frame = 0;
  const run = () => {
    frame = 0;
    for (let k = 0; k < count; k++) {
      const i = (next + k) % count;
      if (!dirty[i]) continue;
      dirty[i] = false;
      next = (i + 1) % count;
      timed('ui-tick', () => signals[i]![1]((n) => n + 1));
      break;
    }
    if (dirty.includes(true)) frame = requestAnimationFrame(run);
  };
  const unsubscribe = engine.subscribe(() => {
    dirty.fill(true);
    if (frame === 0) frame = requestAnimationFrame(run);
  });
  onCleanup(() => { unsubscribe(); if (frame !== 0) cancelAnimationFrame(frame); });
  return signals.map(([tick]) => tick);
}
