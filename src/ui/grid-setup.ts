/**
 * Handsontable as the grid uses it: its stylesheets, the cell types, plugins, editors and
 * language pack it registers (once, on import), and the settings that do not depend on the sheet.
 */
import type Handsontable from 'handsontable/base';
import { AutocompleteCellType, DropdownCellType, TextCellType, registerCellType } from 'handsontable/cellTypes';
import { registerLanguageDictionary } from 'handsontable/i18n/registry';
import koKR from 'handsontable/i18n/languages/ko-KR';
import { Autofill, ColumnSorting, CopyPaste, HiddenColumns, UndoRedo, registerPlugin } from 'handsontable/plugins';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-main.min.css';
import { registerGridEditors } from './grid-editors.ts';
import { sanitizeGridHtml } from './sanitize.ts';
import { clearUndoIfRowsMoved, followSortedRows } from './grid-undo.ts';

registerCellType(TextCellType);
registerCellType(AutocompleteCellType);
registerCellType(DropdownCellType);
registerPlugin(ColumnSorting);
registerPlugin(CopyPaste);
registerPlugin(Autofill);
registerPlugin(UndoRedo);
registerLanguageDictionary(koKR);
registerPlugin(HiddenColumns);
// After the cell types: they register Handsontable's own editors under the same names.
registerGridEditors();

export const BASE_SETTINGS = {
  rowHeaders: true,
  // The name stays in view while the many setting and result columns scroll past.
  fixedColumnsStart: 1,
  themeName: 'ht-theme-main',
  // The stylesheet is imported above: injected again, every rule would be matched twice in each style recalculation.
  injectCoreCss: false,
  licenseKey: 'non-commercial-and-evaluation',
  sanitizer: sanitizeGridHtml,
  columnSorting: { sortEmptyCells: false, indicator: true, headerAction: true },
  autoWrapRow: true,
  autoWrapCol: true,
  stretchH: 'none',
  // Every column is rendered (a sheet has about thirty): in window-scroll mode Handsontable 18's
  // column calculator dropped the last columns once a wide formula column was added.
  viewportColumnRenderingOffset: 100,
  // One line per row: long names and notes are cut with an ellipsis and shown whole in the editor.
  wordWrap: false,
  textEllipsis: true,
  // Dragging the fill handle past the last row adds rows for the drag (see beforeCreateRow).
  fillHandle: { autoInsertRow: true },
  // Removing a row above a recorded change would point Ctrl+Z at another row (grid-undo.ts).
  beforeUpdateData: clearUndoIfRowsMoved,
  // A sort that moved an edited row would point Ctrl+Z at the row now in its place (grid-undo.ts).
  ...followSortedRows,
} satisfies Handsontable.GridSettings;
