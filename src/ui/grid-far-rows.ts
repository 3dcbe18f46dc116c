/**
 * Rendered rows far from the window: their changed cells wait instead of being redrawn at once.
 *
 * The grid renders ROWS_AHEAD rows past the window (grid-band.ts), and redrawing the changed cells
 * of every one of them while 100 rows trained made the grid's frames 2-3x the redraw work
 * (bench:charts --view grid). So the cells of rendered rows more than NEAR_ROWS rows from the
 * rows on screen wait, and are redrawn (grid-pass.ts):
 * - at the frame after the window comes near them (the rows on screen are reported after each
 *   scroll and render: shown()); a row a wheel step brings in shows values a frame or two old
 *   meanwhile, never older;
 * - once no row has changed for QUIET_MS, in frames with nothing else to draw: a training row's
 *   many updates then cost one redraw, and the wait is empty before a person scrolls there (drawn
 *   only as the window came near, they cost the first wheel steps after training 16-30 ms of CPU
 *   each, where a step costs ~10).
 * 15 rows keep live what Handsontable rendered past a 900 px window before the band (~13 rows) and
 * four wheel steps either way.
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

  /** Whether no row changed for QUIET_MS; if not, a frame is requested for when they will have. */
  quiet(now: number): boolean {
    const quietFor = now - this.lastChange;
    if (quietFor >= QUIET_MS) return true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, QUIET_MS - quietFor);
    return false;
  }

  /** Hand over every waiting cell (null: none); cells put back go in `waitAgain()`. */
  take(): CellsLeft | null {
    if (this.waiting.size === 0) return null;
    const all = this.waiting;
    this.waiting = new Map();
    return all;
  }

  /** Where cells taken but not drawn (a frame's budget ran out) wait again. */
  waitAgain(): CellsLeft {
    return this.waiting;
  }

  /** Handsontable drew every rendered cell again. */
  clear(): void {
    this.waiting.clear();
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
