/**
 * A click on a cell half hidden under the frozen name column does not scroll the grid.
 *
 * Handsontable scrolls a clicked cell fully into view, and already leaves the last, partly shown
 * column at the end edge alone when it is clicked (handsontable#10709, singleScroll.mjs: "the
 * viewport won't be scrolled after clicking the partially visible cell"), so that a double-click
 * stays on it. At the start edge, under a frozen column, it still scrolled between the two clicks
 * of a double-click, and the second click could land where the neighbour had moved to. The same
 * rule at the start edge: the mousedown's selection does not scroll horizontally; opening the
 * editor (a double-click, Enter, typing) still scrolls the cell fully into view.
 */
import type Handsontable from 'handsontable/base';

export function clickScrollHooks(hot: () => Handsontable | undefined): Partial<Handsontable.GridSettings> {
  let clicking = false;
  return {
    // The selection and its scroll happen in between, synchronously; the microtask ends the flag
    // even if another hook stopped the mousedown before afterOnCellMouseDown.
    beforeOnCellMouseDown: () => { clicking = true; queueMicrotask(() => { clicking = false; }); },
    afterOnCellMouseDown: () => { clicking = false; },
    beforeViewportScrollHorizontally: (visualColumn: number) => {
      const view = hot()?.view;
      if (!clicking || !view) return visualColumn;
      // Only the column partly behind the frozen one; a column wholly out of view still scrolls in.
      const first = view.getFirstFullyVisibleColumn() as number | null;
      if (first !== null && visualColumn === view.getFirstPartiallyVisibleColumn() && visualColumn < first) return null;
      return visualColumn;
    },
  };
}
