/**
 * Rendered rows far from the window: their changed cells wait instead of being redrawn at once.
 *
 * The grid renders ROWS_AHEAD rows past the window (grid-band.ts), and redrawing the changed cells
 * of every one of them while 100 rows trained made the grid's frames 2-3x the redraw work
 * (bench:charts --view grid). So the cells of rendered rows more than NEAR_ROWS rows from the
 * rows on screen wait, and are redrawn (grid-pass.ts):
 * - once the window comes near them (the rows on screen are reported after each scroll and
 *   render: shown()), from the next frame on, within each frame's budget for redraws (24-36
 *   cells; with more than 72 left, frames follow at once instead of 50 ms apart: grid-pass.ts).
 *   A jump that brings many waiting rows near can take a few frames to catch up; those rows show
 *   the values of their last redraw meanwhile;
 * - once no row has changed for QUIET_MS, in frames with nothing else to draw: a training row's
 *   many updates then cost one redraw, and the wait is empty before a person scrolls there (drawn
 *   only as the window came near, they cost the first wheel steps after training 16-30 ms of CPU
 *   each, where a step costs ~10).
 * Handsontable's own renders of every rendered cell (a sort, a filter, a step past the band) draw
 * them from the newest values, and empty the wait (clear()).
 *
 * NEAR_ROWS is about four wheel steps (a step is 100 px, three to four rows): the rows the next
 * few steps bring in are drawn already, and each step's report moves the near rows along well
 * before the window reaches the rows still waiting.
 */
import type { CellsLeft, Offscreen } from './grid-patch.ts';

export const NEAR_ROWS = 15;
export const QUIET_MS = 250;

export class FarRows {
  private waiting: CellsLeft = new Map();
  /** The visual rows on screen and NEAR_ROWS either side; null (not known yet): every row is near. */
  private near: { readonly first: number; readonly last: number } | null = null;
  /** When the engine last reported a change (performance.now()). */
  private lastChange = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `wake` requests a frame of the grid's pass (the rows went quiet). */
  constructor(private readonly wake: () => void) {}

  /** Rows with cells waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /** The engine reported a change. */
  changed(): void {
    this.lastChange = performance.now();
  }

  /** What patchCells puts aside: the cells of rows not near the window (none while that is not known). */
  offscreen(): Offscreen | undefined {
    const near = this.near;
    return near === null ? undefined : { near: (v) => v >= near.first && v <= near.last, later: this.waiting };
  }

  /**
   * The visual rows now on screen. Returns the waiting cells (null: none) for the next frame to
   * redraw; those of rows still far from the window come back through offscreen().
   */
  shown(visualRows: readonly number[]): CellsLeft | null {
    this.near = visualRows.length === 0 ? null : { first: Math.min(...visualRows) - NEAR_ROWS, last: Math.max(...visualRows) + NEAR_ROWS };
    return this.take();
  }

  /** Whether no row changed for QUIET_MS (at `now`, performance.now()). */
  quiet(now: number): boolean {
    return now - this.lastChange >= QUIET_MS;
  }

  /** Wake the grid's pass (a frame) once no row has changed for QUIET_MS; a later call moves the wake-up. */
  wakeWhenQuiet(now: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, Math.max(0, QUIET_MS - (now - this.lastChange)));
  }

  /**
   * Hand every waiting cell to `draw` (not called when none wait); the cells it puts in `putBack`
   * (those a frame's budget did not reach) wait again.
   */
  drain(draw: (cells: CellsLeft, putBack: CellsLeft) => void): void {
    const cells = this.take();
    if (cells !== null) draw(cells, this.waiting);
  }

  /** Handsontable drew every rendered cell again. */
  clear(): void {
    this.waiting.clear();
  }

  /** Every waiting cell, taken out of the wait (null: none). */
  private take(): CellsLeft | null {
    if (this.waiting.size === 0) return null;
    const all = this.waiting;
    this.waiting = new Map();
    return all;
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
