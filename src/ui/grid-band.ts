/**
 * Which rows Handsontable renders: the rows on screen, a few behind the scroll and many ahead.
 *
 * In window-scroll mode Handsontable renders the rows in the window and `viewportRowRenderingOffset`
 * rows on each side ('auto': one). A wheel step (100 px: three to four rows) that brings in a row
 * not yet rendered renders the whole band again, every cell of every row through its renderer,
 * then lays it out and paints it: 50-60 ms of CPU for the 35 rows of a 1000 px window, on every
 * step (bench/grid-scroll.ts). Handsontable's own answer, a band that grows in the direction of the
 * scroll, is only on when the grid scrolls inside an element of its own (and then by at most four
 * rows); our grid scrolls with the page.
 *
 * So the band is extended here (the documented `afterViewportRowCalculatorOverride` hook): ROWS_AHEAD
 * rows in the direction the page last scrolled, ROWS_BEHIND on the other side. A step inside the
 * band costs no render at all (Handsontable moves its overlays: ~10 ms of CPU); one render every
 * ROWS_AHEAD rows costs in proportion to the band. A symmetric offset renders both sides for the
 * price of one: 30 rows each way made each render 95 rows (~140 ms) for the same number of steps
 * between renders.
 *
 * Every rendered row's cells are kept up to date while rows train (grid-pass.ts); those of rows
 * far from the window wait until it comes near or the updates stop (grid-far-rows.ts). A full
 * render (a sort, a filter, a column group shown) renders the whole band: about twice the rows of
 * Handsontable's own. The measurements: bench/results/grid-scroll.md.
 */
import type Handsontable from 'handsontable/base';

/** Rows rendered past the window's edge in the direction of the last scroll. */
export const ROWS_AHEAD = 30;
/** Rows rendered past the window's other edge (Handsontable's `viewportRowRenderingOffset`). */
export const ROWS_BEHIND = 4;

/** The part of Handsontable's rendered-rows calculation the hook reads and moves. */
interface RowBand {
  startRow: number | null;
  endRow: number | null;
  /** The vertical scroll offset (px, from the table's top, >= 0) the band is computed for. */
  readonly scrollOffset?: number;
}

/**
 * Another band, for bench/grid-scroll.ts (`--band AHEAD,BEHIND`, or `--band handsontable` for
 * Handsontable's own 'auto'), set before the page loads.
 */
export interface BandChoice {
  readonly ahead: number;
  readonly behind: number;
}

declare global {
  interface Window {
    __sweepsheetRowBand?: BandChoice | 'handsontable';
  }
}

/** Settings and the hook that render ROWS_AHEAD rows ahead of the scroll and ROWS_BEHIND behind it. */
export function rowBandSettings(): Partial<Handsontable.GridSettings> {
  const choice = typeof window === 'undefined' ? undefined : window.__sweepsheetRowBand;
  if (choice === 'handsontable') return {};
  const { ahead, behind } = choice ?? { ahead: ROWS_AHEAD, behind: ROWS_BEHIND };
  let lastOffset: number | null = null;
  /** 1: the page last scrolled down (towards later rows); -1: up. */
  let direction = 1;
  return {
    viewportRowRenderingOffset: behind,
    // Handsontable calls its hooks with the grid as `this`: the grid's first render, inside
    // `new Handsontable(...)`, gets the band too (review-24 F5).
    afterViewportRowCalculatorOverride(this: Handsontable.Core, calc: RowBand) {
      // scrollOffset is Walkontable's own field (18.1 sets it before this hook), not the hook's
      // documented {startRow, endRow}: should an update drop it, the page's scroll tells the
      // direction as well (the grid scrolls with the page), rather than "down" for good (review-24 F7).
      const offset = typeof calc.scrollOffset === 'number' ? calc.scrollOffset : window.scrollY;
      if (lastOffset !== null && offset !== lastOffset) direction = offset > lastOffset ? 1 : -1;
      lastOffset = offset;
      const mapper = (this as Handsontable.Core | undefined)?.rowIndexMapper;
      if (!mapper || calc.startRow === null || calc.endRow === null || ahead <= behind) return;
      // What does not fit past the sheet's first or last row goes to the other side: the band keeps
      // its size (at the top, after scrolling up, the next step can only go down).
      const last = mapper.getRenderableIndexesLength() - 1;
      const extra = ahead - behind;
      let start = calc.startRow;
      let end = calc.endRow;
      if (direction > 0) {
        end += extra;
        if (end > last) [start, end] = [start - (end - last), last];
      } else {
        start -= extra;
        if (start < 0) [start, end] = [0, end - start];
      }
      calc.startRow = Math.max(0, start);
      calc.endRow = Math.max(calc.startRow, Math.min(last, end));
    },
  } as Partial<Handsontable.GridSettings>;
}
