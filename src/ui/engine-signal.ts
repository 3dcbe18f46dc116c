/**
 * The bridge from the engine's change events to Solid: one signal bumped at most once per
 * animation frame, however many rows changed. Views read the engine inside a computation that
 * reads the tick, so they recompute per frame, never per progress message.
 */
import { type Accessor, createSignal, onCleanup } from 'solid-js';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { timed } from './compare/timings.ts';

export function createEngineTick(engine: SheetEngine): Accessor<number> {
  const [tick, setTick] = createSignal(0);
  let frame = 0;
  const unsubscribe = engine.subscribe(() => {
    if (frame === 0) frame = requestAnimationFrame(() => { frame = 0; timed('ui-tick', () => setTick((n) => n + 1)); });
  });
  onCleanup(() => { unsubscribe(); if (frame !== 0) cancelAnimationFrame(frame); });
  return tick;
}
