/**
 * Engine -> grid, once per animation frame. Rows the engine reports changed are gathered; at the
 * next frame, either the grid is rebuilt (rows or columns added, removed or moved: Grid.tsx) or
 * only the changed rows' values are written into the rows Handsontable holds and only their
 * cells that may look different are redrawn in place (grid-patch.ts): a progress update redraws
 * a row's status and curve, a finished run its results, and new colour scales repaint the metric
 * cells on screen (grid-scales-repaint.ts). Nothing here walks every row of the sheet.
 * A person's edit of existing cells is drawn the same way: its render is held (grid-render-hold.ts).
 */
import type Handsontable from 'handsontable/base';
import type { RowState, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { timed } from './compare/timings.ts';
import type { GridRow } from './grid-columns.ts';
import { type CellsLeft, type PatchBudget, type PatchColumn, leaveCell, patchCells } from './grid-patch.ts';
import { FarRows } from './grid-far-rows.ts';
import { RenderHold } from './grid-render-hold.ts';
import { ScalesRepaint } from './grid-scales-repaint.ts';
import type { CellPart, GridTracking } from './grid-tracking.ts';

/** What the pass needs from the grid adapter (Grid.tsx). */
export interface PassGrid {
  readonly hot: Handsontable.Core;
  readonly host: HTMLElement;
  readonly engine: SheetEngine;
  readonly tracking: GridTracking;
  /** Rebuild the grid when rows or columns were added, removed or moved; true when it did. */
  rebuildIfMoved(changed: readonly string[]): boolean;
  /** The object Handsontable holds for this engine row (written in place), if the row is in the grid. */
  shownRow(id: string): GridRow | undefined;
  /** What a grid row holds for an engine row. */
  gridRow(row: RowState): GridRow;
  /** Keys of the columns the grid is sorted by. */
  sortedKeys(): ReadonlySet<string>;
  /** Show and hide column groups as the sheet's use changed; true when any column did. */
  syncHiddenColumns(): boolean;
  /** Sort again (the grid is sorted by a column whose value changed); false when it did not (an editor is open). */
  resort(): boolean;
  /** A row's visual index, or null when it is hidden or gone. */
  visualRowOf(id: string): number | null;
  /** Every column's key and visual index. */
  patchColumns(): PatchColumn[];
  /** The kind of cell a column key shows. */
  partOf(key: string): CellPart | undefined;
}

/**
 * What a frame's cell redraws may spend (script from the start of the frame's callback): the
 * cells that do not fit are redrawn at the next frame, first. A run finishing redrew its status
 * and ~15 result cells in one frame: 4-6 ms of script under load, and as much again of style,
 * layout and paint for the cells it changed, in the frames that went over 16 ms (bench:charts
 * --view grid --trace); and when many rows change at once (runs finishing together, a re-run of
 * every row), the frame grew with them. 2 ms and 24 cells, against 3 and 40: tasks over 16 ms CPU
 * while 100 rows trained 7, 18 -> 3, 5 (bench:charts --view grid --trace --epochs 500, alternated,
 * load 0.1-3): the frames still over were those where carried-over cells met a scales' repaint.
 */
export const PATCH_SCRIPT_MS = 2;
/** And at most this many cells a frame: each changed cell is restyled (60-70 us under Handsontable's style sheet) and repainted. */
export const PATCH_CELLS_PER_FRAME = 24;
/** A finished row's charts wait for a frame whose pass took less script than this, at most CHARTS_MAX_WAIT frames. */
const CHARTS_SCRIPT_MS = 2;
const CHARTS_MAX_WAIT = 2;

/**
 * While runs stream in (no edit for EDIT_WINDOW_MS), the grid's frames (pass, left cells, charts,
 * scales) are at least STREAM_GAP_MS apart, each with a larger budget (STREAM_SCRIPT_MS,
 * STREAM_CELLS_PER_FRAME): a row that starts and finishes in between is drawn once, finished,
 * and each frame's fixed cost (style, paint, commit) is paid 20 times a second, not 60. With 2
 * workers training toy rows, the page's main thread had cost as much CPU per row as the training
 * (bench:app-scaling), so the second worker mostly waited for it. 64 spiral rows of 80 epochs,
 * 2 workers, page CPU per row (alternated, load 5-8): 5.8 and 4.6 ms with these values (50 ms,
 * 36 cells, 4 ms), 8.0 and 9.8 with a frame at every change (24 cells, 2 ms), 6.4-7.0 with
 * 100 ms, 48 cells, 5 ms. bench:charts --view grid --trace --epochs 500: tasks over 16 ms 0 and 0
 * with these values, 0 and 2 without; longest 14.9 and 9.7 ms vs 11.2 and 38.1 (a GC).
 */
export const STREAM_GAP_MS = 50;
const STREAM_SCRIPT_MS = 4;
const STREAM_CELLS_PER_FRAME = 36;
/**
 * More cells left than this are drawn at the next frame, spaced or not: a change to every row on
 * screen (a formula column edited, a re-run of every row) would otherwise take seconds to show.
 */
const STREAM_BACKLOG_CELLS = 2 * STREAM_CELLS_PER_FRAME;
/** After a person's edit, frames follow at once for this long: the edited rows going stale or queued show in the next frame. */
export const EDIT_WINDOW_MS = 300;

/** The cells a pass wants redrawn: of rows `ids`, those `wanted` says yes to. */
interface FreshCells {
  readonly ids: ReadonlySet<string>;
  wanted(id: string, key: string): boolean;
}

/** Where patch() puts the cells it does not draw now. */
interface PatchWhere {
  /** The budget whose `left` takes the cells it does not reach (the frame's own when absent). */
  readonly budget?: PatchBudget;
  /** Whether cells of rows far from the window wait (grid-far-rows.ts); true when absent. */
  readonly farRowsWait?: boolean;
}

function cellCount(left: CellsLeft): number {
  let n = 0;
  for (const keys of left.values()) n += keys.size;
  return n;
}

export class FramePass {
  private readonly pending = new Set<string>();
  private frame = 0;
  /** A pass is due (at the next frame, or once STREAM_GAP_MS have passed since the last). */
  private passDue = false;
  /** When the last frame's work ran (performance.now()). */
  private lastFrame = -Infinity;
  /** Until when frames follow at once (a person edited). */
  private urgentUntil = 0;
  /** The timer that requests a frame held by STREAM_GAP_MS. */
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  /** The colour scales' repaint of the metric cells on screen, a few rows a frame. */
  private readonly scales: ScalesRepaint;
  /** Rows whose charts are drawn at a later frame (their run finished in an earlier pass). */
  private chartsLater = new Set<string>();
  /** Frames the charts have waited for a frame with room. */
  private chartsWaited = 0;
  /** Handsontable's render of a person's edit, held (Grid.tsx calls its hold and release). */
  readonly renderHold: RenderHold;
  /** Handsontable's renders of every rendered cell so far (rendered()). */
  private renders = 0;
  /** The grid's sort waits for an open editor to close (run()). */
  private resortDue = false;
  /**
   * Cells the next frame redraws first: those a frame's budget did not reach (PATCH_SCRIPT_MS,
   * PATCH_CELLS_PER_FRAME), and the far rows' waiting cells once the window came near them (shown()).
   */
  private left: CellsLeft = new Map();
  /** Cells of rendered rows far from the window, waiting (grid-far-rows.ts). */
  private readonly far = new FarRows(() => this.requestFrame());
  /** This frame's budget for redrawing cells, shared by what an earlier frame left, the pass and the charts. */
  private budget: PatchBudget = { until: 0, cells: PATCH_CELLS_PER_FRAME, drawn: 0, left: this.left };

  constructor(private readonly grid: PassGrid) {
    this.scales = new ScalesRepaint(grid);
    this.renderHold = new RenderHold(grid, () => this.schedule());
  }

  /** Rows changed: redraw them at the next frame, or STREAM_GAP_MS after the last while runs stream in. */
  add(ids: Iterable<string>): void {
    for (const id of ids) this.pending.add(id);
    this.far.changed();
    this.passDue = true;
    this.requestSpaced();
  }

  /**
   * The rows on screen changed (grid-visible.ts reports them after a scroll or render): the waiting
   * cells are redrawn at the next frame, those of rows still far from the window wait again.
   */
  shown(ids: readonly string[]): void {
    const rows = ids.flatMap((id) => this.grid.visualRowOf(id) ?? []);
    const waiting = this.far.shown(rows);
    if (waiting === null) return;
    for (const [id, keys] of waiting) for (const key of keys) leaveCell(this.left, id, key);
    this.requestFrame();
  }

  /**
   * afterViewRender: Handsontable drew every rendered cell (its own full render: a sort, a filter,
   * a column group, the language, a wheel step past the band; or one the pass asked for). It
   * draws them from the rows it holds, where run() writes the new values before any cell is left
   * for a later frame or put to wait: none of those needs drawing again (review-24 F2). The hook
   * runs only after a draw that rendered the cells: not while the render is held (RenderHold:
   * suspendRender), not for a draw that only moves the overlays and the selection (a wheel step
   * inside the band), not while the grid is hidden. Rows run() has not taken yet stay pending.
   */
  rendered(): void {
    this.renders++;
    this.left.clear();
    this.far.clear();
  }

  /** A person's edit: run a pass at the next frame even if no row changed (formula columns were edited). */
  schedule(): void {
    this.urgentUntil = performance.now() + EDIT_WINDOW_MS;
    this.passDue = true;
    this.requestFrame();
  }

  /**
   * Whether every cell shows the engine's rows as they are now: nothing pending, left, waiting or
   * held, and no frame or timer due. Tests wait for this: the engine's state changes at once, the
   * grid's cells at a later frame (a frame's budget draws every status cell before the rest).
   */
  drawnUpToDate(): boolean {
    return !this.passDue && this.pending.size === 0 && this.frame === 0 && this.gapTimer === undefined && this.left.size === 0
      && this.chartsLater.size === 0 && this.far.size === 0 && !this.scales.due && !this.resortDue && !this.renderHold.held;
  }

  destroy(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.far.destroy();
  }

  private streaming(now: number): boolean {
    return now >= this.urgentUntil;
  }

  /** A frame now within an edit's window or once STREAM_GAP_MS have passed since the last, else a timer for it. */
  private requestSpaced(): void {
    if (this.frame !== 0 || this.gapTimer !== undefined) return;
    const now = performance.now();
    const wait = this.streaming(now) ? this.lastFrame + STREAM_GAP_MS - now : 0;
    if (wait <= 0) this.requestFrame();
    else this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      this.requestFrame();
    }, wait);
  }

  private requestFrame(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.tick());
  }

  /**
   * One callback a frame: the pass, then as much of a colour scales' repaint as the frame affords.
   * The pass writes the changed rows' values first; the cells an earlier frame left are then
   * redrawn together with the pass's own, each cell once and with its newest value (drawn
   * before the pass's writes, a left cell the pass also redraws was drawn twice, the first time
   * with the previous frame's value).
   */
  private tick(): void {
    this.frame = 0;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    const start = performance.now();
    this.lastFrame = start;
    const charts = this.chartsLater;
    this.chartsLater = new Set();
    const earlier = this.left;
    this.left = new Map();
    const streaming = this.streaming(start);
    this.budget = {
      until: start + (streaming ? STREAM_SCRIPT_MS : PATCH_SCRIPT_MS), cells: streaming ? STREAM_CELLS_PER_FRAME : PATCH_CELLS_PER_FRAME, drawn: 0, left: this.left,
    };
    const renders = this.renders;
    let fresh: FreshCells | 'rendered' | null = null;
    if (this.passDue) {
      this.passDue = false;
      fresh = timed('grid-pass', () => this.run());
    }
    // A render in the pass drew the cells left earlier too (rendered()); if Handsontable did not
    // render after all, they are drawn here.
    if (this.renders !== renders) earlier.clear();
    const own = fresh === 'rendered' ? null : fresh;
    if (earlier.size > 0 || own !== null) timed('grid-patch', () => this.patchMerged(earlier, own));
    // Charts left by an earlier pass: after this frame's pass, when it left room (another run
    // finishing makes a busy frame), and at the latest CHARTS_MAX_WAIT frames on.
    if (charts.size > 0) {
      if (performance.now() - start < CHARTS_SCRIPT_MS || this.chartsWaited >= CHARTS_MAX_WAIT) {
        this.chartsWaited = 0;
        timed('grid-charts-later', () => this.drawCharts(charts));
      } else {
        this.chartsWaited++;
        for (const id of charts) this.chartsLater.add(id);
      }
    }
    if (this.far.size > 0) this.drawFarRows(start, earlier.size > 0 || fresh !== null || charts.size > 0);
    if (cellCount(this.left) > STREAM_BACKLOG_CELLS) this.requestFrame();
    else if (this.chartsLater.size > 0 || this.left.size > 0) this.requestSpaced();
    if (this.resortDue) {
      this.passDue = true;
      this.requestSpaced();
    }
    if (!this.scales.due) return;
    this.scales.step(start, this.budget.drawn);
    if (this.scales.due) this.requestSpaced();
  }

  /**
   * Redraw the cells an earlier frame left and this frame's pass wants, in one patch: the left
   * rows first (they have waited), then the pass's other rows; a cell both want is drawn once.
   */
  private patchMerged(earlier: CellsLeft, fresh: FreshCells | null): void {
    const ids = new Set(earlier.keys());
    if (fresh) for (const id of fresh.ids) ids.add(id);
    this.patch(ids, (id, key) => earlier.get(id)?.has(key) === true || (fresh !== null && fresh.ids.has(id) && fresh.wanted(id, key)));
  }

  /**
   * Redraw the waiting cells of rows far from the window, within the frame's budget, once no row
   * has changed for QUIET_MS and this frame had no other cells to draw (`busy`); a frame follows
   * until none wait.
   */
  private drawFarRows(start: number, busy: boolean): void {
    if (!this.far.quiet(start)) {
      this.far.wakeWhenQuiet(start);
      return;
    }
    if (!busy && !this.grid.hot.isDestroyed) {
      this.far.drain((waiting, putBack) => {
        // Cells the budget does not reach wait on.
        const budget: PatchBudget = { until: this.budget.until, cells: this.budget.cells, drawn: 0, left: putBack };
        timed('grid-patch-far', () => this.patch(waiting.keys(), (id, key) => waiting.get(id)?.has(key) === true, { budget, farRowsWait: false }));
      });
    }
    if (this.far.size > 0) this.requestFrame();
  }

  /** The chart cells of these rows (a pass in between may have drawn them already: they come out unchanged). */
  private drawCharts(ids: ReadonlySet<string>): void {
    const { grid } = this;
    if (grid.hot.isDestroyed) return;
    this.patch(ids, (_id, key) => grid.partOf(key) === 'view');
  }

  /** A person edited this row: its cells are all redrawn at the next frame (their render was held). */
  edited(id: string): void {
    this.grid.tracking.forgetDrawn(id);
    this.pending.add(id);
    this.schedule();
  }

  /**
   * Redraw the cells `wanted` of rows `ids` within the frame's budget, every row's status cell
   * before any row's other cells: a re-queue of 40 rows shows them all queued at once, where rows
   * first would have shown the last rows' state half a second later. What does not fit is left
   * for the next frame (in `budget.left`); cells of rows far from the window wait, unless
   * `farRowsWait` is false.
   */
  private patch(ids: Iterable<string>, wanted: (id: string, key: string) => boolean, { budget = this.budget, farRowsWait = true }: PatchWhere = {}): void {
    const { grid } = this;
    if (grid.hot.isDestroyed) return;
    const rows = [...ids];
    const rowOf = (id: string) => grid.visualRowOf(id);
    const columns = grid.patchColumns();
    const isStatus = (c: PatchColumn) => grid.partOf(c.key) === 'status';
    const options = { wanted, budget, offscreen: farRowsWait ? this.far.offscreen() : undefined };
    patchCells(grid.hot, rows, rowOf, columns.filter(isStatus), options);
    patchCells(grid.hot, rows, rowOf, columns.filter((c) => !isStatus(c)), options);
  }

  /** Write the changed rows' values into the grid; what to redraw ('rendered': it had Handsontable draw every cell). */
  private run(): FreshCells | 'rendered' | null {
    const changed = [...this.pending];
    this.pending.clear();
    const { grid } = this;
    // Handsontable drew every cell again.
    if (grid.rebuildIfMoved(changed)) return 'rendered';
    const sortedKeys = grid.sortedKeys();
    let sortedChanged = false;
    let scalesMoved = false;
    // Per row on screen, the kinds of cells to redraw (null: all).
    const redraw = new Map<string, ReadonlySet<CellPart> | null>();
    const wholeRow = (id: string) => redraw.set(id, null);
    for (const id of changed) {
      const row = grid.engine.row(id);
      const update = grid.tracking.update(id, row);
      scalesMoved ||= update.scalesMoved;
      const shown = grid.shownRow(id);
      if (!row || !shown) continue;
      // A sweep shows its children's mean ± sd and progress.
      if (row.parent) wholeRow(row.parent);
      if (!redraw.has(id) || redraw.get(id) !== null) redraw.set(id, update.parts);
      // Written straight into the rows Handsontable holds (it keeps our array by reference):
      // setSourceDataAtCell would render the whole grid for each pass.
      for (const [key, value] of Object.entries(grid.gridRow(row))) {
        if (shown[key] === value) continue;
        shown[key] = value;
        if (sortedKeys.has(key)) sortedChanged = true;
      }
    }
    const hiddenChanged = timed('grid-hidden-columns', () => grid.syncHiddenColumns());
    // Both render every cell, those left by the budget included. A sort waits while an editor is
    // open (rows must not move under it): then the cells are patched where they are, and the
    // sort is tried again at each spaced frame until it happens (review-24 F1: counted as
    // rendered, those cells, the ones left and the far rows' were dropped and stayed stale).
    if (sortedChanged || this.resortDue) {
      this.resortDue = !grid.resort();
      if (!this.resortDue) return 'rendered';
    }
    // Columns shown or hidden move every cell.
    if (hiddenChanged) {
      timed('grid-render', () => grid.hot.render());
      return 'rendered';
    }
    // A finished run (a new result) draws its status and numbers now and its charts in a later
    // frame with room (tick): the boundary thumbnail and sparkline of a finished row cost 0.3-6
    // ms more in the busiest frame of all (bench:charts --view grid --trace).
    const later = new Set<string>();
    for (const [id, parts] of redraw) if (parts !== null && parts.has('result') && parts.has('view')) later.add(id);
    for (const id of later) this.chartsLater.add(id);
    if (scalesMoved) this.scales.moved();
    if (redraw.size === 0) return null;
    return {
      ids: new Set(redraw.keys()),
      wanted: (id, key) => {
        const parts = redraw.get(id);
        const part = grid.partOf(key);
        if (later.has(id) && part === 'view') return false;
        return parts === null || parts === undefined || part === undefined || parts.has(part);
      },
    };
  }
}
