/**
 * The grid's columns, read from the one column table: editors, widths, headers, header tooltips
 * and what each grid row holds. Input cells hold the typed text; result cells hold the value the
 * sort plugin compares (the renderers format from the engine row, not from this value).
 */
import type Handsontable from 'handsontable/base';
import { type Column, INPUT_COLUMNS, RESULT_COLUMNS } from '../engine/columns.ts';
import { type RowState, statusText } from '../engine/scheduler/sheet-engine.ts';
import { type RowLookup, inputRenderer, resultRenderer, sortValue } from './renderers.ts';

/** Grid column order: inputs, then results. */
export const GRID_COLUMNS: readonly Column[] = [...INPUT_COLUMNS, ...RESULT_COLUMNS];

export type GridValue = string | number | null;
export type GridRow = Record<string, GridValue>;

/**
 * Width of a text in the grid's 12 px header and status font. A fixed per-character estimate
 * rather than a measurement, so widths are the same before the fonts load, in every browser and
 * in tests; the browser test checks that every header label fits in chromium.
 */
export function textWidth(text: string): number {
  return Math.ceil(text.length * PX_PER_CHAR);
}

const PX_PER_CHAR = 6.5;
/** Header padding on both sides, the 16 px sort arrow Handsontable draws beside the label, and slack. */
const HEADER_CHROME = 26;
/** Status cell padding on both sides plus a little slack. */
const STATUS_CHROME = 14;
/** The longest status the grid must show whole; diverged and failed reasons are cut, and shown whole in the row details and the tooltip. */
const LONGEST_STATUS = statusText({ state: 'running', fraction: 1, epoch: 500, epochs: 500 });

/**
 * The column table's suggested width, widened so the header label is never cut, and the status
 * column so a running row's progress (`running 40% (epoch 12/500)`) reads whole.
 */
export function columnWidth(col: Column): number {
  let width = Math.max(col.width, textWidth(col.label) + HEADER_CHROME);
  if (col.role === 'result' && col.format === 'status') width = Math.max(width, textWidth(LONGEST_STATUS) + STATUS_CHROME);
  return width;
}

export function columnSettings(lookup: RowLookup): Handsontable.ColumnSettings[] {
  return GRID_COLUMNS.map((col): Handsontable.ColumnSettings => {
    if (col.role === 'result') {
      return { data: col.key, readOnly: true, width: columnWidth(col), renderer: resultRenderer(lookup, col) };
    }
    const base = { data: col.key, width: columnWidth(col), renderer: inputRenderer(lookup, col) };
    // Only the editor comes from Handsontable: validation is the engine's, so no validator is set.
    if (col.type === 'enum') return { ...base, editor: 'dropdown', source: [...col.options] };
    // Datasets take suggestions but also free text such as mnist:2k.
    if (col.type === 'dataset') return { ...base, editor: 'autocomplete', source: [...col.options], strict: false, filter: true };
    return { ...base, editor: 'text' };
  });
}

export function headerLabel(visualColumn: number): string {
  return GRID_COLUMNS[visualColumn]?.label ?? '';
}

/** Header tooltips and test hooks; called by Handsontable after it renders each header cell. */
export function decorateHeader(visualColumn: number, th: HTMLTableCellElement): void {
  const col = GRID_COLUMNS[visualColumn];
  if (!col) return;
  th.title = `${col.label}: ${col.help}`;
  th.dataset.col = col.key;
}

export function isInputKey(key: unknown): key is string {
  return typeof key === 'string' && INPUT_COLUMNS.some((c) => c.key === key);
}

/** The grid's copy of one engine row. */
export function gridRow(row: RowState): GridRow {
  const out: GridRow = {};
  for (const col of INPUT_COLUMNS) out[col.key] = row.cells[col.key] ?? '';
  for (const col of RESULT_COLUMNS) {
    out[col.key] = col.format === 'status' ? statusText(row.status) : sortValue(col.key, row);
  }
  return out;
}
