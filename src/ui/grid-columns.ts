/**
 * The grid's columns, read from the one column table plus the formula columns the person added:
 * editors, widths, headers, header tooltips and what each grid row holds. Input cells hold the
 * typed text (a formula's text, so the editor opens on it); result and formula cells hold the
 * value the grid sorts by (the renderers format from the engine row, not from this value).
 */
import type Handsontable from 'handsontable/base';
import { type Column, INPUT_COLUMNS, RESULT_COLUMNS } from '../engine/columns.ts';
import { type FormulaColumn, type RowState, statusText } from '../engine/scheduler/sheet-engine.ts';
import { HELP_BUTTON_WIDTH, decorateHelpButton } from './HeaderHelp.tsx';
import { LOCALES, type MessageKey, locale, t, tIn } from './i18n/index.ts';
import { boundaryRenderer, curveRenderer } from './grid-charts.ts';
import { grid } from './i18n/messages/grid.ts';
import { type GridView, type RowLookup, STATUS_CHROME, formulaColumnRenderer, inputRenderer, resultRenderer, sortValue, textWidth } from './renderers.ts';
import { statusTextIn } from './engine-text.ts';
import { gridColumnHelp } from './view-help.ts';
import { type RowSource, SWEPT_COLUMNS, type SortKey, sortKey } from './row-values.ts';

/** A column the person added: every cell computes the same formula. */
export interface FormulaGridColumn {
  readonly role: 'formula';
  readonly key: string;
  readonly label: string;
  readonly formula: string;
  readonly help: string;
  readonly width: number;
}

/**
 * A column drawn from the row's result, for the eye only: it holds no value, so formulas cannot
 * name it, and it does not count in A1 letters (those follow the engine's columns).
 */
export interface ViewGridColumn {
  readonly role: 'view';
  readonly key: 'curve' | 'boundary';
  readonly label: string;
  readonly help: string;
  readonly width: number;
}

export type GridColumn = Column | FormulaGridColumn | ViewGridColumn;

/** Size of a sparkline, in CSS pixels; the cell adds its padding. (The thumbnail's, 22 px, is in styles.css: td.ss-thumb.) */
export const CURVE_SIZE = { width: 84, height: 20 } as const;

const VIEW_COLUMNS: readonly ViewGridColumn[] = [
  { role: 'view', key: 'curve', label: 'curve', help: '', width: CURVE_SIZE.width + 10 },
  { role: 'view', key: 'boundary', label: 'boundary', help: '', width: 64 },
];

/** The header text of a column, in the current language for the grid's own columns. */
export function columnLabel(col: GridColumn): string {
  if (col.role === 'input' || col.role === 'result') return tIn(locale(), `col.${col.key}`) ?? col.label;
  return col.role === 'view' ? t(`grid.${col.key}.label`) : col.label;
}

function columnHelp(col: GridColumn): string {
  if (col.role === 'formula') return col.help;
  return gridColumnHelp(col.key, locale())?.does ?? col.help;
}

/** The widest of a column's labels in every language, so switching language never cuts a header. */
function widestLabel(col: Column): number {
  return Math.max(...LOCALES.map((l) => textWidth(tIn(l, `col.${col.key}`) ?? col.label)));
}

/**
 * Groups the columns menu shows and hides together. Every column is in one group; the name is
 * in none (it is always shown and frozen at the left).
 */
export const COLUMN_GROUPS = {
  data: ['dataset', 'noise'],
  model: ['layers'],
  training: ['optimizer', 'lr', 'batch_size', 'epochs', 'seed'],
  callbacks: ['val_split', 'early_stop', 'reduce_lr', 'keep_best'],
  notes: ['notes'],
  charts: ['curve', 'boundary'],
  train: ['train_loss', 'train_acc'],
  val: ['val_loss', 'val_acc'],
  test: ['test_loss', 'test_acc', 'test_mae'],
  cost: ['params', 'time', 'backend'],
  run: ['epochs_run', 'best_epoch', 'final_lr', 'samples_per_s'],
} as const satisfies Record<string, readonly string[]>;

export type ColumnGroup = keyof typeof COLUMN_GROUPS | 'formulas';
export const GROUP_ORDER: readonly ColumnGroup[] = [...(Object.keys(COLUMN_GROUPS) as (keyof typeof COLUMN_GROUPS)[]), 'formulas'];

export function groupLabel(g: ColumnGroup): string {
  return t(`grid.group.${g}` as MessageKey);
}

const GROUP_OF = new Map<string, ColumnGroup>(
  Object.entries(COLUMN_GROUPS).flatMap(([g, keys]) => keys.map((k): [string, ColumnGroup] => [k, g as ColumnGroup])),
);

export function columnGroup(col: GridColumn): ColumnGroup | null {
  if (col.role === 'formula') return 'formulas';
  return GROUP_OF.get(col.key) ?? null;
}

export type GridValue = string | number | null;
export type GridRow = Record<string, GridValue>;

/**
 * Grid column order: inputs, then results, then formula columns (the order A1 references use),
 * with the curve and the boundary thumbnail right after the status, where the eye reads a run.
 */
export function gridColumns(formulaColumns: readonly FormulaColumn[]): GridColumn[] {
  return [
    ...INPUT_COLUMNS,
    ...RESULT_COLUMNS.slice(0, 1),
    ...VIEW_COLUMNS,
    ...RESULT_COLUMNS.slice(1),
    ...formulaColumns.map((c): FormulaGridColumn => ({
      role: 'formula', key: c.key, label: c.label || c.key, formula: c.formula,
      help: `${c.formula} — click ✎ to edit or remove this column`,
      width: Math.max(80, textWidth(c.label || c.key) + HEADER_CHROME + EDIT_BUTTON),
    })),
  ];
}

/** Header padding on both sides, the 16 px sort arrow Handsontable draws beside the label, and slack. */
const HEADER_CHROME = 26;
/** The ✎ button of a formula column's header. */
const EDIT_BUTTON = 18;
/** Number cell padding on both sides plus a little slack. */
const SPREAD_CHROME = 26;
/**
 * The longest status the grid must show whole, in every language (a running row's status must
 * never need ss-clip: renderers.ts); diverged and failed reasons are cut, and shown whole in the
 * row details and the tooltip.
 */
const LONGEST_STATUS = Math.max(...LOCALES.map((l) => textWidth(statusTextIn({ state: 'running', fraction: 1, epoch: 500, epochs: 500 }, l))));

/**
 * The column table's suggested width, widened so the header label is never cut, and the status
 * column so a running row's progress (`running 40% (epoch 12/500)`) reads whole.
 */
export function columnWidth(col: GridColumn): number {
  if (col.role === 'formula') return col.width;
  // Our own columns: wide enough for the label in every language, so a switch never cuts it.
  if (col.role === 'view') return Math.max(col.width, ...LOCALES.map((l) => textWidth(grid[l][`grid.${col.key}.label`]) + HEADER_CHROME + HELP_BUTTON_WIDTH));
  let width = Math.max(col.width, widestLabel(col) + HEADER_CHROME + HELP_BUTTON_WIDTH);
  if (col.role === 'result' && col.format === 'status') width = Math.max(width, LONGEST_STATUS + STATUS_CHROME);
  // A sweep row shows mean ± sd in its metrics: room for `0.9475 ± 0.0601` whole.
  const swept = col.role === 'result' ? SWEPT_COLUMNS[col.key] : undefined;
  if (swept) width = Math.max(width, textWidth(`0.${'0'.repeat(swept.digits)} ± 0.${'0'.repeat(swept.digits)}`) + SPREAD_CHROME);
  return width;
}

export function columnSettings(columns: readonly GridColumn[], lookup: RowLookup, source: RowSource, view: GridView): Handsontable.ColumnSettings[] {
  return columns.map((col): Handsontable.ColumnSettings => {
    if (col.role === 'view') {
      // Nothing to sort by: a click on the header does not sort.
      const renderer = col.key === 'curve' ? curveRenderer(lookup, col.key, CURVE_SIZE) : boundaryRenderer(lookup, col.key);
      return { data: col.key, readOnly: true, width: columnWidth(col), renderer, columnSorting: { headerAction: false, indicator: false } };
    }
    if (col.role === 'formula') {
      return { data: col.key, readOnly: true, width: columnWidth(col), renderer: formulaColumnRenderer(lookup, col.key, () => col.formula) };
    }
    if (col.role === 'result') {
      return { data: col.key, readOnly: true, width: columnWidth(col), renderer: resultRenderer(lookup, col, source, view) };
    }
    const base = { data: col.key, width: columnWidth(col), renderer: inputRenderer(lookup, col, source) };
    // Only the editor comes from Handsontable: validation is the engine's, so no validator is set.
    if (col.type === 'enum') return { ...base, editor: 'dropdown', source: [...col.options] };
    // Datasets take suggestions but also free text such as mnist:2k.
    if (col.type === 'dataset') return { ...base, editor: 'autocomplete', source: [...col.options], strict: false, filter: true };
    return { ...base, editor: 'text' };
  });
}

/** Header tooltips and test hooks; a formula column's header gets a ✎ button that opens its form. */
export function decorateHeader(columns: readonly GridColumn[], visualColumn: number, th: HTMLTableCellElement, onEdit: (key: string) => void): void {
  const col = columns[visualColumn];
  // Handsontable reuses header cells for other columns as it scrolls: undo what another column set.
  th.querySelector('.ss-edit-formula')?.remove();
  th.classList.remove('ss-formula-header');
  // The corner's label is an English literal in Handsontable (not in its language packs); it is
  // set again on every render, before this hook, so a language switch reaches it too.
  if (visualColumn < 0 && th.hasAttribute('aria-label')) th.setAttribute('aria-label', t('grid.corner'));
  if (!col) return;
  th.title = `${columnLabel(col)}: ${columnHelp(col)}`;
  th.dataset.col = col.key;
  decorateHelpButton(th, col.key);
  if (col.role !== 'formula') return;
  th.classList.add('ss-formula-header');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'ss-edit-formula';
  button.textContent = '✎';
  button.title = t('grid.formula.edit', { label: col.label });
  button.setAttribute('aria-label', button.title);
  // The header's own mousedown selects the column; the button is not a column click.
  button.addEventListener('mousedown', (e) => e.stopPropagation());
  button.addEventListener('click', (e) => { e.stopPropagation(); onEdit(col.key); });
  (th.firstElementChild ?? th).append(button);
}

export function isInputKey(key: unknown): key is string {
  return typeof key === 'string' && INPUT_COLUMNS.some((c) => c.key === key);
}

/** What a row sorts by in a grid column (see sortKey). */
export function rowSortKey(key: string, row: RowState, source: RowSource): SortKey {
  return sortKey(key, row, source, sortValue);
}

/** The grid's copy of one engine row. */
export function gridRow(row: RowState, columns: readonly GridColumn[], source: RowSource): GridRow {
  const out: GridRow = {};
  for (const col of columns) {
    if (col.role === 'input') out[col.key] = row.cells[col.key] ?? '';
    else if (col.role === 'view') out[col.key] = null;
    else if (col.role === 'result' && col.format === 'status') out[col.key] = statusText(row.status);
    else out[col.key] = rowSortKey(col.key, row, source);
  }
  return out;
}
