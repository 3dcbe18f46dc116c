/**
 * Redraw some rows' cells in place, without a Handsontable render.
 *
 * `hot.render()` redraws every cell on screen, and Walkontable clears each cell's class and style
 * before its renderer runs, so the browser restyles the whole visible grid (about a thousand
 * cells) even when one status changed. While rows train, the engine reports a few rows per frame;
 * redrawing only their cells keeps the frame's work proportional to what changed.
 *
 * A cell is found by the `data-row-id` and `data-col` every renderer of ours writes, in the master
 * table and in the frozen-column overlay alike, and redrawn by its column's own renderer with its
 * current meta. Selection classes Handsontable put on the cell stay: the renderers only add and
 * remove their own classes.
 */
import type Handsontable from 'handsontable/base';

/** Where a row and a column are now, or null when the row is not in the grid. */
export interface CellPlace {
  readonly visualRow: number;
  readonly visualColumn: number;
}

type Renderer = (
  instance: Handsontable.Core, td: HTMLTableCellElement, row: number, col: number, prop: string | number, value: unknown, meta: Handsontable.CellProperties,
) => void;

/** Attributes Handsontable itself keeps on a cell (accessibility), which our renderers never set. */
const OWNED_BY_GRID = /^(aria-|role$|tabindex$)/;

/** Whether two cells would look and read the same: classes, what renderers set (style, title, data-*) and content. */
function sameCell(a: HTMLTableCellElement, b: HTMLTableCellElement): boolean {
  if (a.className !== b.className || a.innerHTML !== b.innerHTML) return false;
  let mine = 0;
  for (const x of a.attributes) {
    if (OWNED_BY_GRID.test(x.name)) continue;
    mine++;
    if (b.getAttribute(x.name) !== x.value) return false;
  }
  let theirs = 0;
  for (const x of b.attributes) if (!OWNED_BY_GRID.test(x.name)) theirs++;
  return mine === theirs;
}

/**
 * The ids among `ids` whose rows are rendered. While a big sheet trains, hundreds of rows change
 * per frame and a few dozen are on screen: a selector naming them all would be matched against
 * every cell.
 */
function onScreen(host: HTMLElement, ids: Iterable<string>): Iterable<string> {
  const wanted = ids instanceof Set ? ids as ReadonlySet<string> : new Set(ids);
  if (wanted.size <= 32) return wanted;
  const shown = new Set<string>();
  for (const tr of host.querySelectorAll('tbody tr')) {
    const id = tr.querySelector<HTMLElement>('td[data-row-id]')?.dataset.rowId;
    if (id && wanted.has(id)) shown.add(id);
  }
  return shown;
}

/**
 * Redraw the rendered cells of rows `ids` for which `wanted` says yes (all when it is absent);
 * returns how many cells changed.
 */
export function patchCells(
  hot: Handsontable.Core, host: HTMLElement, ids: Iterable<string>,
  place: (id: string, key: string) => CellPlace | null,
  wanted?: (id: string, key: string) => boolean,
): number {
  // One native selector match instead of reading two data attributes of every cell on screen.
  const selectors: string[] = [];
  for (const id of onScreen(host, ids)) selectors.push(`td[data-row-id="${CSS.escape(id)}"]`);
  if (selectors.length === 0) return 0;
  let count = 0;
  let scratch: HTMLTableCellElement | undefined;
  for (const td of host.querySelectorAll<HTMLTableCellElement>(selectors.join(','))) {
    const id = td.dataset.rowId;
    const key = td.dataset.col;
    if (!id || key === undefined || (wanted && !wanted(id, key))) continue;
    const at = place(id, key);
    if (at === null) continue;
    const meta = hot.getCellMeta(at.visualRow, at.visualColumn);
    const renderer = hot.getCellRenderer(meta) as unknown as Renderer;
    const value = hot.getDataAtCell(at.visualRow, at.visualColumn);
    // Most cells of a changed row look the same as before (a progress update changes the status
    // and the curve): draw into a detached cell first and leave the live one alone if it matches,
    // so the browser restyles and repaints only what changed. Chart cells move their cached canvas
    // into the cell they are drawn in, so they are always drawn in place.
    if (!td.classList.contains('ss-chart')) {
      scratch ??= td.ownerDocument.createElement('td');
      scratch.className = td.className;
      renderer(hot, scratch, at.visualRow, at.visualColumn, key, value, meta);
      if (sameCell(scratch, td)) continue;
    }
    renderer(hot, td, at.visualRow, at.visualColumn, key, value, meta);
    count++;
  }
  return count;
}

/** Call `paint` for every rendered cell of these columns, with its row id. */
export function eachCellOf(host: HTMLElement, columns: readonly string[], paint: (td: HTMLTableCellElement, id: string, key: string) => void): void {
  if (columns.length === 0) return;
  const selector = columns.map((key) => `td[data-col="${CSS.escape(key)}"][data-row-id]`).join(',');
  for (const td of host.querySelectorAll<HTMLTableCellElement>(selector)) {
    const id = td.dataset.rowId;
    const key = td.dataset.col;
    if (id && key !== undefined) paint(td, id, key);
  }
}
