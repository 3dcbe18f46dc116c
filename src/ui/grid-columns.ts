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

export function columnSettings(lookup: RowLookup): Handsontable.ColumnSettings[] {
  return GRID_COLUMNS.map((col): Handsontable.ColumnSettings => {
    if (col.role === 'result') {
      return { data: col.key, readOnly: true, width: col.width, renderer: resultRenderer(lookup, col) };
    }
    const base = { data: col.key, width: col.width, renderer: inputRenderer(lookup, col) };
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
