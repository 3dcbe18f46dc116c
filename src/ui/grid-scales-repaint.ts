/**
 * New colour scales repaint the metric cells on screen row by row, from the frame after the pass
 * that moved them, within the frame's budget (SCALES_SCRIPT_MS, SCALES_RESTYLES_PER_FRAME) and at
 * least one row a frame: the pass's own frame already holds the finished row's redraw, and a cell
 * given a new colour is restyled (~180 metric cells on screen); all in one frame went past 16 ms
 * (bench:charts --view grid --trace). Cells are found through Handsontable, not a selector over the
 * whole grid (1-2 ms a listing). Cells drawn meanwhile are already right and come out unchanged;
 * scales that move again meanwhile start the walk over. grid-pass.ts calls step() once a frame.
 */
import type Handsontable from 'handsontable/base';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { timed } from './compare/timings.ts';
import { type PatchColumn, cellsAt, renderedRows } from './grid-patch.ts';
import type { GridTracking } from './grid-tracking.ts';
import { repaintScale } from './renderers.ts';
import { SCALED_COLUMNS } from './row-values.ts';

/**
 * What a frame may spend on the repaint: script time, counted from the start of the frame's
 * callback (the pass before it included), and cells given a new colour, each a style recalculation
 * (60-70 us under Handsontable's style sheet) and a repaint of its row: 40 a frame cost 4.6 ms of
 * style and 7.9 of paint.
 */
const SCALES_SCRIPT_MS = 4;
const SCALES_RESTYLES_PER_FRAME = 16;
/** Frames the repaint may wait for room while cell redraws fill the frames (runs finishing one after another). */
const SCALES_MAX_WAIT = 2;

/** What the repaint reads from the grid adapter (Grid.tsx). */
export interface ScalesGrid {
  readonly hot: Handsontable.Core;
  readonly engine: SheetEngine;
  readonly tracking: GridTracking;
  patchColumns(): PatchColumn[];
}

export class ScalesRepaint {
  /** The next visual row whose metric cells get the new colour scales; null: none to repaint. */
  private row: number | null = null;
  /** The scales moved in this frame's pass: the repaint starts at the next frame. */
  private wait = false;
  /** Frames in a row whose cell redraws left the repaint no room (at most SCALES_MAX_WAIT). */
  private waited = 0;

  constructor(private readonly grid: ScalesGrid) {}

  /** Whether rows are left to repaint (a frame is due for them). */
  get due(): boolean {
    return this.row !== null;
  }

  /** The scales moved in this frame's pass: repaint every rendered row, from the next frame on. */
  moved(): void {
    this.row = -1;
    this.wait = true;
  }

  /**
   * Repaint some rows in this frame (`start`: when its callback started; `redrawn`: cells the
   * frame's redraws drew). Each redrawn cell counts as one of the frame's restyles: the frames
   * still over 16 ms were those where carried-over cells, a pass and a scales' repaint landed
   * together. With no room left the repaint waits, at most SCALES_MAX_WAIT frames.
   */
  step(start: number, redrawn: number): void {
    if (this.row === null) return;
    if (this.wait) this.wait = false;
    else timed('grid-repaint-scales', () => this.repaint(start, SCALES_RESTYLES_PER_FRAME - redrawn));
  }

  private repaint(start: number, room: number): void {
    if (this.row === null) return;
    if (room <= 0 && this.waited < SCALES_MAX_WAIT) {
      this.waited++;
      return;
    }
    // After waiting, half the restyles whatever the redraws took: one row per wait would crawl.
    if (this.waited > 0) room = Math.max(room, SCALES_RESTYLES_PER_FRAME / 2);
    this.waited = 0;
    const { grid } = this;
    const rows = grid.hot.isDestroyed ? null : renderedRows(grid.hot);
    if (rows === null) {
      this.row = null;
      return;
    }
    const columns = grid.patchColumns().filter((c) => c.key in SCALED_COLUMNS);
    let row = Math.max(this.row, rows.first);
    let restyled = 0;
    do {
      for (const { key, visualColumn } of columns) {
        for (const td of cellsAt(grid.hot, row, visualColumn, 0)) {
          const id = td.dataset.rowId;
          if (id && repaintScale(td, key, grid.engine.row(id), grid.tracking.view)) restyled++;
        }
      }
      row++;
    } while (row <= rows.last && restyled < room && performance.now() - start < SCALES_SCRIPT_MS);
    this.row = row > rows.last ? null : row;
  }
}
