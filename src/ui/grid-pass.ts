/**
 * Engine -> grid, once per animation frame. Rows the engine reports changed are gathered; at the
 * next frame, either the grid is rebuilt (rows or columns added, removed or moved: Grid.tsx) or
 * only the changed rows' values are written into the rows Handsontable holds and only their
 * cells that may look different are redrawn in place (grid-patch.ts): a progress update redraws
 * a row's status and curve, a finished run its results, and new colour scales repaint the metric
 * cells on screen. Nothing here walks every row of the sheet.
 *
 * The render hold: a person's edit of existing cells would make Handsontable re-render every cell
 * on screen (a thousand cells restyled for one typed value, hundreds of ms on a big sheet). That
 * render is held; the edited rows are redrawn in place at the next frame, when the engine reports
 * them. Edits that add grid rows render as usual.
 */
import type Handsontable from 'handsontable/base';
import type { RowState, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { timed } from './compare/timings.ts';
import type { GridRow } from './grid-columns.ts';
import { type CellPlace, eachCellOf, patchCells } from './grid-patch.ts';
import type { CellPart, GridTracking } from './grid-tracking.ts';
import { repaintScale } from './renderers.ts';
import { SCALED_COLUMNS } from './row-values.ts';

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
  /** Sort again (the grid is sorted by a column whose value changed). */
  resort(): void;
  /** Where a row's cell is now, or null. */
  placeOf(id: string, key: string): CellPlace | null;
  /** The kind of cell a column key shows. */
  partOf(key: string): CellPart | undefined;
}

/** Metric cells given their new colour per frame after a scale moved (see repaintScalesLater). */
const SCALE_CELLS_PER_FRAME = 60;

/** The rendered cells of these columns, with their row ids. */
function cellsOf(host: HTMLElement, columns: readonly string[]): { td: HTMLTableCellElement; id: string; key: string }[] {
  const out: { td: HTMLTableCellElement; id: string; key: string }[] = [];
  eachCellOf(host, columns, (td, id, key) => out.push({ td, id, key }));
  return out;
}

export class FramePass {
  private readonly pending = new Set<string>();
  private frame = 0;
  /** The frame that repaints (the next cells of) the colour scales, after the pass that moved them. */
  private scalesFrame = 0;
  /** The metric cells being repainted, and the next one; null: list them at the next repaint frame. */
  private scalesCells: { td: HTMLTableCellElement; id: string; key: string }[] | null = null;
  private scalesNext = 0;
  private held = false;
  private releaseQueued = false;

  constructor(private readonly grid: PassGrid) {}

  /** Rows changed: redraw them at the next frame. */
  add(ids: Iterable<string>): void {
    for (const id of ids) this.pending.add(id);
    this.schedule();
  }

  /** Run a pass at the next frame even if no row changed (formula columns were edited). */
  schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => timed('grid-pass', () => this.run()));
  }

  destroy(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    if (this.scalesFrame !== 0) cancelAnimationFrame(this.scalesFrame);
    this.frame = 0;
    this.scalesFrame = 0;
  }

  /**
   * New colour scales repaint the metric cells on screen from the frame after the pass that moved
   * them, at most SCALE_CELLS_PER_FRAME cells a frame: the pass's own frame already holds the
   * finished row's redraw and restyle, and a cell given a new colour is restyled (60-70 us each
   * under Handsontable's style sheet, ~180 metric cells on screen); all in one frame went past
   * 16 ms (bench:charts --view grid --trace). Cells the pass redrew are already right and come
   * out unchanged; scales that move again meanwhile start the walk over.
   */
  private repaintScalesLater(): void {
    this.scalesCells = null;
    this.scalesNext = 0;
    if (this.scalesFrame !== 0) return;
    const step = () => timed('grid-repaint-scales', () => {
      this.scalesFrame = 0;
      const { grid } = this;
      if (grid.hot.isDestroyed) return;
      this.scalesCells ??= cellsOf(grid.host, Object.keys(SCALED_COLUMNS));
      const cells = this.scalesCells;
      const end = Math.min(cells.length, this.scalesNext + SCALE_CELLS_PER_FRAME);
      for (let i = this.scalesNext; i < end; i++) {
        const { td, id, key } = cells[i]!;
        // A cell Handsontable re-rendered for another row meanwhile is left to that render.
        if (td.isConnected && td.dataset.rowId === id) repaintScale(td, key, grid.engine.row(id), grid.tracking.view);
      }
      this.scalesNext = end;
      if (end < cells.length) this.scalesFrame = requestAnimationFrame(step);
      else this.scalesCells = null;
    });
    this.scalesFrame = requestAnimationFrame(step);
  }

  /** beforeChangeRender of a person's edit: hold Handsontable's render when every change is to an existing row's input cell. */
  hold(changes: readonly Handsontable.CellChange[], isRowInput: (visualRow: number, prop: Handsontable.CellValue) => boolean): void {
    if (this.held || !changes.every(([visualRow, prop]) => isRowInput(visualRow, prop))) return;
    this.grid.hot.suspendRender();
    this.held = true;
  }

  /** A person edited this row: its cells are all redrawn at the next frame (their render was held). */
  edited(id: string): void {
    this.grid.tracking.forgetDrawn(id);
    this.add([id]);
  }

  /**
   * afterChange: let Handsontable draw again, as a fast draw (selection and borders only): no cell
   * changed that the next frame does not redraw. Released in a microtask, once the key handler
   * has finished: Enter closes the editor (this afterChange) and then moves the selection, and
   * each would draw the grid; this way they draw once.
   */
  release(): void {
    if (!this.held || this.releaseQueued) return;
    this.releaseQueued = true;
    queueMicrotask(() => {
      this.releaseQueued = false;
      const { hot } = this.grid;
      if (!this.held || hot.isDestroyed) return;
      this.held = false;
      (hot as unknown as { forceFullRender: boolean }).forceFullRender = false;
      hot.resumeRender();
      // The engine reports the edited rows asynchronously; an edit it ignored (same text) still gets its cells redrawn.
      this.schedule();
    });
  }

  private run(): void {
    this.frame = 0;
    const changed = [...this.pending];
    this.pending.clear();
    const { grid } = this;
    if (grid.rebuildIfMoved(changed)) return;
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
    if (sortedChanged) grid.resort();
    // Columns shown or hidden move every cell.
    else if (hiddenChanged) timed('grid-render', () => grid.hot.render());
    else {
      const wanted = (id: string, key: string) => {
        const parts = redraw.get(id);
        if (parts === null) return true;
        const part = grid.partOf(key);
        return parts === undefined || part === undefined || parts.has(part);
      };
      timed('grid-patch', () => patchCells(grid.hot, grid.host, redraw.keys(), (id, key) => grid.placeOf(id, key), wanted));
      if (scalesMoved) this.repaintScalesLater();
    }
  }
}
