/**
 * Redraw some rows' cells in place, without a Handsontable render.
 *
 * `hot.render()` redraws every cell on screen, and Walkontable clears each cell's class and style
 * before its renderer runs, so the browser restyles the whole visible grid (about a thousand
 * cells) even when one status changed. While rows train, the engine reports a few rows per frame;
 * redrawing only their cells keeps the frame's work proportional to what changed.
 *
 * A cell is found through Handsontable (getCell: the master table's cell, and the frozen-column
 * overlay's for the frozen columns), drawn by its column's own renderer into a detached cell, and
 * only what differs is copied into the live cell: its classes, its attributes (style, title,
 * data-*), its content. A renderer clears and re-adds every class of its own; done on the live
 * cell, that restyles it even when nothing changed (60-70 us a cell under Handsontable's style
 * sheet). Selection classes Handsontable put on the cell stay: the renderers only add and remove
 * their own classes. Chart cells move a cached element into the cell they are drawn in, so they
 * are drawn in place.
 */
import type Handsontable from 'handsontable/base';

/** A column of the grid as the patch sees it: its key and where it is now. */
export interface PatchColumn {
  readonly key: string;
  readonly visualColumn: number;
}

type Renderer = (
  instance: Handsontable.Core, td: HTMLTableCellElement, row: number, col: number, prop: string | number, value: unknown, meta: Handsontable.CellProperties,
) => void;

/** Attributes Handsontable itself keeps on a cell (accessibility), which our renderers never set. */
const OWNED_BY_GRID = /^(aria-|role$|tabindex$)/;

/** Copy into `live` what differs in `drawn`: class, our attributes, content. True when anything changed. */
function applyDrawn(drawn: HTMLTableCellElement, live: HTMLTableCellElement): boolean {
  const attributes = applyAttributes(drawn, live);
  return applyContent(drawn, live) || attributes;
}

/**
 * Copy into `live` the class and the attributes (style, title, data-*) that differ in `drawn`;
 * true when any did. Only real differences touch the live cell: a class removed and added back
 * restyles it all the same.
 */
export function applyAttributes(drawn: HTMLTableCellElement, live: HTMLTableCellElement): boolean {
  let changed = false;
  if (live.className !== drawn.className) {
    live.className = drawn.className;
    changed = true;
  }
  for (const name of drawn.getAttributeNames()) {
    if (name === 'class') continue;
    const value = drawn.getAttribute(name)!;
    if (live.getAttribute(name) === value || OWNED_BY_GRID.test(name)) continue;
    live.setAttribute(name, value);
    changed = true;
  }
  for (const name of live.getAttributeNames()) {
    if (name === 'class' || drawn.hasAttribute(name) || OWNED_BY_GRID.test(name)) continue;
    live.removeAttribute(name);
    changed = true;
  }
  return changed;
}

function applyContent(drawn: HTMLTableCellElement, live: HTMLTableCellElement): boolean {
  const a = drawn.childNodes;
  const b = live.childNodes;
  if (a.length === b.length) {
    let same = true;
    for (let i = 0; i < a.length && same; i++) same = a[i]!.isEqualNode(b[i]!);
    if (same) return false;
    // A text that changed keeps its node (alone, or in the status cell's one span): the browser
    // updates the text instead of building new boxes.
    const from = a.length === 1 ? onlyText(a[0]!) : null;
    const to = b.length === 1 ? onlyText(b[0]!) : null;
    const bothText = a.length === 1 && a[0]!.nodeType === Node.TEXT_NODE && b[0]!.nodeType === Node.TEXT_NODE;
    if (from && to && (bothText || shallowEqual(a[0] as Element, b[0] as Element))) {
      to.data = from.data;
      return true;
    }
  }
  live.replaceChildren(...a);
  return true;
}

/** A text node, or an element whose one child is a text node: that text node. */
function onlyText(n: Node): Text | null {
  if (n.nodeType === Node.TEXT_NODE) return n as Text;
  return n.nodeType === Node.ELEMENT_NODE && n.childNodes.length === 1 && n.firstChild!.nodeType === Node.TEXT_NODE ? n.firstChild as Text : null;
}

/** Two elements alike but for their content: tag and attributes. */
function shallowEqual(a: Element, b: Element): boolean {
  if (a.nodeType !== Node.ELEMENT_NODE || b.nodeType !== Node.ELEMENT_NODE || a.tagName !== b.tagName || a.attributes.length !== b.attributes.length) return false;
  for (const x of a.attributes) if (b.getAttribute(x.name) !== x.value) return false;
  return true;
}

/** The rendered cells of a row and column: the master table's, and the overlay's for a frozen column. */
export function cellsAt(hot: Handsontable.Core, visualRow: number, visualColumn: number, frozen: number): HTMLTableCellElement[] {
  const master = hot.getCell(visualRow, visualColumn) as HTMLTableCellElement | null;
  if (visualColumn >= frozen) return master ? [master] : [];
  const top = hot.getCell(visualRow, visualColumn, true) as HTMLTableCellElement | null;
  return [master, top].filter((td, i, all): td is HTMLTableCellElement => td !== null && all.indexOf(td) === i);
}

/** Visual rows Handsontable has rendered (null when it cannot tell: every row is then tried). */
export function renderedRows(hot: Handsontable.Core): { readonly first: number; readonly last: number } | null {
  const view = (hot as unknown as { view?: { getFirstRenderedVisibleRow?(): number | null; getLastRenderedVisibleRow?(): number | null } }).view;
  const first = view?.getFirstRenderedVisibleRow?.();
  const last = view?.getLastRenderedVisibleRow?.();
  return typeof first === 'number' && typeof last === 'number' ? { first, last } : null;
}

/** Cells still to redraw, by row id and column key: what did not fit in a frame's budget. */
export type CellsLeft = Map<string, Set<string>>;

/** A frame's budget for redrawing cells, shared by the patchCells calls of one frame. */
export interface PatchBudget {
  /** Stop once performance.now() is past this. */
  readonly until: number;
  /** Stop after this many cells in all. */
  readonly cells: number;
  /** Cells drawn so far in this frame (patchCells adds its own). */
  drawn: number;
  /** Where the cells not reached go. */
  readonly left: CellsLeft;
}

/** Put a row's cell among those left for later. */
export function leaveCell(left: CellsLeft, id: string, key: string): void {
  const keys = left.get(id);
  if (keys) keys.add(key);
  else left.set(id, new Set([key]));
}

/**
 * Rendered rows far from the window, whose cells wait in `later` (the grid renders rows well
 * ahead of the scroll, grid-band.ts; grid-pass.ts redraws them once the window comes near or the
 * updates stop).
 */
export interface Offscreen {
  /** Whether a visual row is on screen or near it. */
  near(visualRow: number): boolean;
  readonly later: CellsLeft;
}

/** Which cells patchCells redraws now, and where the others go. */
export interface PatchOptions {
  /** Only the cells this says yes to (every cell of the rows when absent). */
  readonly wanted?: (id: string, key: string) => boolean;
  /**
   * The redraw stops once performance.now() passes `budget.until` or `budget.cells` cells are drawn
   * (after one cell at least) and puts every cell it did not reach in `budget.left`: the caller
   * redraws them at the next frame, so a frame's DOM work (script, and the style, layout and paint
   * it causes) is bounded however many rows changed at once.
   */
  readonly budget?: PatchBudget;
  /** The cells of rows not near the window are put in `offscreen.later` instead. */
  readonly offscreen?: Offscreen;
}

/**
 * Redraw the rendered cells of rows `ids` (those `options.wanted` says yes to); returns how many
 * cells changed. `rowOf` gives a row's visual index (null: not in the grid).
 */
export function patchCells(
  hot: Handsontable.Core, ids: Iterable<string>, rowOf: (id: string) => number | null, columns: readonly PatchColumn[],
  { wanted, budget, offscreen }: PatchOptions = {},
): number {
  const frozen = Number(hot.getSettings().fixedColumnsStart ?? 0);
  // While a big sheet trains, hundreds of rows change per frame and a few dozen are on screen.
  const rendered = renderedRows(hot);
  let count = 0;
  let drawn = 0;
  for (const id of ids) {
    const visualRow = rowOf(id);
    if (visualRow === null || (rendered && (visualRow < rendered.first || visualRow > rendered.last))) continue;
    const later = offscreen && !offscreen.near(visualRow) ? offscreen.later : null;
    for (const { key, visualColumn } of columns) {
      if (wanted && !wanted(id, key)) continue;
      if (later) {
        leaveCell(later, id, key);
        continue;
      }
      if (budget && drawn > 0 && (budget.drawn + drawn >= budget.cells || performance.now() > budget.until)) {
        leaveCell(budget.left, id, key);
        continue;
      }
      const cells = cellsAt(hot, visualRow, visualColumn, frozen);
      if (cells.length === 0) continue;
      drawn++;
      const meta = hot.getCellMeta(visualRow, visualColumn);
      const renderer = hot.getCellRenderer(meta) as unknown as Renderer;
      const value = hot.getDataAtCell(visualRow, visualColumn);
      for (const td of cells) {
        // A cell still showing another row (the grid is about to render) is left to that render.
        if (td.dataset.rowId && td.dataset.rowId !== id) continue;
        if (td.classList.contains('ss-chart')) {
          renderer(hot, td, visualRow, visualColumn, key, value, meta);
          count++;
          continue;
        }
        const scratch = td.ownerDocument.createElement('td');
        scratch.className = td.className;
        renderer(hot, scratch, visualRow, visualColumn, key, value, meta);
        if (applyDrawn(scratch, td)) count++;
      }
    }
  }
  if (budget) budget.drawn += drawn;
  return count;
}
