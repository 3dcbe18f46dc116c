/**
 * Cell renderers: they draw one cell from the engine's row state. Everything is written with
 * textContent (cell text comes from files and strangers), and every cell carries `data-col` and
 * `data-row-id` so tests and tools can find it whatever the sort order.
 */
import type Handsontable from 'handsontable/base';
import { baseRenderer } from 'handsontable/renderers';
import { type InputColumn, type ResultColumn, type ResultFormat, resultValue } from '../engine/columns.ts';
import { type RowState, type RunStatus, isStale } from '../engine/scheduler/sheet-engine.ts';
import { formatSpread } from '../engine/scheduler/sweep-stats.ts';
import { formatSeconds, secondsDigits } from '../engine/format-number.ts';
import { isFormulaText } from '../engine/formula/index.ts';
import { locale, t } from './i18n/index.ts';
import { cellErrorText, divergedCauseText, formulaMessageText, statusTextIn } from './engine-text.ts';
import { type MetricScale, type RowSource, SWEPT_COLUMNS, childLabel, formulaText, scaleColor, scalePlace, sweepSpread } from './row-values.ts';

type HotInstance = Handsontable.Core;
type CellProperties = Handsontable.CellProperties;
export type CellRenderer = (
  instance: HotInstance, td: HTMLTableCellElement, row: number, col: number,
  prop: string | number, value: unknown, cellProperties: CellProperties,
) => void;

/** Finds the engine row shown at a physical grid row. */
export type RowLookup = (physicalRow: number) => RowState | undefined;

/** What cell renders read from the grid beyond the row: state computed once per engine tick. */
export interface GridView {
  /** The colour scale of a metric column over the finished runs, if it has one. */
  scale(key: string): MetricScale | undefined;
}

/**
 * Every class this module and grid-charts.ts set starts with `ss-` (ss-status, ss-state-running,
 * ss-scaled, ...) and no other code puts one on a grid cell: reset removes them all before each
 * render, because Handsontable reuses cells.
 */
export function reset(td: HTMLTableCellElement, key: string, row: RowState | undefined, keepContent = false): void {
  // Only the classes the cell has: removing all sixteen by name cost more than the rest of a patch.
  for (const c of Array.from(td.classList)) if (c.startsWith('ss-')) td.classList.remove(c);
  td.removeAttribute('title');
  td.removeAttribute('data-state');
  td.removeAttribute('data-parent');
  td.removeAttribute('data-quality');
  td.removeAttribute('data-rank');
  td.removeAttribute('data-of');
  td.style.removeProperty('background-color');
  td.style.removeProperty('--ht-cell-read-only-background-color');
  td.style.removeProperty('--ss-progress');
  if (!keepContent) td.replaceChildren();
  td.dataset.col = key;
  td.dataset.rowId = row?.id ?? '';
  // A sweep and its children read as one block: the sweep row bold, its children indented and lighter.
  if (row?.sweep) td.classList.add('ss-sweep');
  if (row?.parent) {
    td.classList.add('ss-child');
    td.dataset.parent = row.parent;
  }
}

/** A formula's value in the cell, its text in the tooltip; an error shows its code, its message in the tooltip. */
function showFormula(td: HTMLTableCellElement, formula: string, value: RowState['formulas'][string] | undefined): void {
  const shown = formulaText(value);
  td.textContent = shown.text;
  td.classList.add('ss-formula');
  if (shown.error) {
    td.classList.add('ss-formula-error');
    td.title = `${shown.error.code} ${formulaMessageText(shown.error.message, locale())}`;
  } else {
    td.title = formula;
  }
}

/** An input cell: the typed text, or the column default as a dim placeholder; red with a tooltip when the engine rejects it. */
export function inputRenderer(lookup: RowLookup, col: InputColumn, source: RowSource): CellRenderer {
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    baseRenderer(instance, td, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(td, col.key, state);
    const text = value === null || value === undefined ? '' : String(value);
    const placeholder = emptyMeaning(col);
    if (state?.parent && col.key === 'name') {
      td.textContent = childLabel(state, source(state.parent));
      td.title = text === '' ? td.textContent : `${text} — ${td.textContent}`;
    } else if (state && isFormulaText(text)) {
      showFormula(td, text, state.formulas[col.key]);
    } else if (text === '' && placeholder !== null) {
      td.classList.add('ss-empty');
      td.textContent = placeholder;
      td.title = t('grid.empty.title', { value: placeholder });
    } else {
      td.textContent = text;
    }
    if (col.type === 'enum' || col.type === 'dataset') td.classList.add('ss-enum');
    const error = state && !state.parsed.ok ? state.parsed.errors.find((e) => e.column === col.key) : undefined;
    if (error) {
      td.classList.add('ss-invalid');
      // A formula error's own message (the code, the path of a cycle) says more than the row's.
      if (!td.classList.contains('ss-formula-error')) td.title = cellErrorText(error, locale());
    }
  };
}

/** What an empty cell stands for, shown dimmed in its place; null for free text. */
function emptyMeaning(col: InputColumn): string | null {
  if (!col.spec) return null;
  // The engine reads a blank layers cell as "no hidden layer", any other blank as the default.
  if (col.type === 'layers') return t('grid.empty.layers');
  return col.default === '' ? null : col.default;
}

/** A read-only result cell, formatted from the row's latest result; dimmed while that result is stale. */
export function resultRenderer(lookup: RowLookup, col: ResultColumn, source: RowSource, view: GridView): CellRenderer {
  if (col.format === 'status') return statusRenderer(lookup, col);
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    baseRenderer(instance, td, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(td, col.key, state);
    td.classList.add('ss-result');
    if (col.format !== 'text') td.classList.add('ss-number');
    if (!state) return;
    if (state.sweep) {
      // A sweep trains nothing itself: it shows mean ± sd over its finished children.
      const spread = sweepSpread(state, col.key, source);
      const text = spread ? formatSpread(spread, col.format === 'seconds' ? secondsDigits(spread.mean) : SWEPT_COLUMNS[col.key]!.digits) : '';
      boxedText(td, text, 'ss-text');
      if (spread) td.title = t(spread.n === 1 ? 'grid.spread.title.one' : 'grid.spread.title.other', { n: spread.n });
      clipIfLong(td, text, cellProperties, NUMBER_PX_PER_CHAR);
      return;
    }
    const text = formatResult(col.format, resultField(col.key, state));
    boxedText(td, text, 'ss-text');
    clipIfLong(td, text, cellProperties, NUMBER_PX_PER_CHAR);
    if (col.format === 'seconds' && text !== '') td.title = t('grid.seconds.title', { value: text });
    if (state.result && isStale(state)) {
      td.classList.add('ss-stale');
      td.title = t('grid.stale.title');
    } else {
      const at = scaleSpot(view, col.key, state);
      if (at) paintScale(td, at.scale, at.place);
    }
  };
}

function statusRenderer(lookup: RowLookup, col: ResultColumn): CellRenderer {
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    baseRenderer(instance, td, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(td, col.key, state);
    if (!state) return;
    const s = state.status;
    const text = statusTextIn(s, locale());
    td.classList.add('ss-status', `ss-state-${s.state}`);
    td.dataset.state = s.state;
    // The cell cuts a long reason; the tooltip gives the epoch and the likely cause whole.
    td.title = s.state === 'diverged' ? t('grid.diverged.title', { epoch: s.epoch, message: divergedCauseText(s.message, locale()) }) : text;
    // The bar is the cell's own background (styles.css), not elements: a progress update then
    // changes one custom property, never the cell's boxes or paint layers.
    const fraction = progressOf(s);
    if (fraction !== null) {
      td.classList.add('ss-has-progress');
      td.style.setProperty('--ss-progress', Math.min(1, Math.max(0, fraction)).toFixed(3));
    }
    boxedText(td, text, 'ss-status-text');
    // The same estimate the status column's width is made from (grid-columns.ts columnWidth): a
    // running row's status then never crosses into ss-clip as its epoch count grows. It did at
    // `epoch 100/…` (7 px a character here against the column's 6.5), and back at 'done': each
    // toggle re-layerized the page (bench:charts --view grid --trace --invalidations).
    const width = typeof cellProperties.width === 'number' ? cellProperties.width : 0;
    if (textWidth(text) + STATUS_CHROME > width) td.classList.add('ss-clip');
  };
}

/**
 * A status or result cell's text, in a box of its own that styles.css makes a layout root (size
 * and layout containment): the box's size never depends on its text, so a text changing inside
 * it lays out that box alone. A text node straight in the cell made the whole table lay out
 * again (table parts are never layout roots): ~1 ms a frame with the grid on screen, against
 * ~35 us. The box always holds a text node, even empty, so a result appearing rewrites that
 * node's text (grid-patch.ts) rather than adding a box.
 */
function boxedText(td: HTMLTableCellElement, text: string, className: string): void {
  const box = document.createElement('span');
  box.className = className;
  box.append(document.createTextNode(text));
  td.append(box);
}

/**
 * Width of a text in the grid's 12 px header and status font. A fixed per-character estimate
 * rather than a measurement, so widths are the same before the fonts load, in every browser and
 * in tests; the browser test checks that every header label fits in chromium.
 */
export function textWidth(text: string): number {
  // Hangul and other wide characters take about twice a Latin letter's width.
  let wide = 0;
  for (const ch of text) if (ch.codePointAt(0)! >= 0x1100) wide++;
  return Math.ceil((text.length + wide) * PX_PER_CHAR);
}

const PX_PER_CHAR = 6.5;
/** Status cell padding on both sides plus a little slack. */
export const STATUS_CHROME = 14;
/** Text width in the number cells' 14 px font, per character, rounded up. */
const NUMBER_PX_PER_CHAR = 8.5;
/** Padding on both sides of a cell and a little slack. */
const CELL_CHROME = 10;

/**
 * Cells from the status column on are not clipped (styles.css): a clipped cell's text is painted
 * apart from the rest of its row, and chromium re-layerizes the whole page (3-6 ms) when such a
 * piece of paint appears, disappears or changes its size, which a result appearing or a status
 * text growing does. A text that might not fit its column is clipped as before, with an ellipsis.
 */
function clipIfLong(td: HTMLTableCellElement, text: string, meta: CellProperties, pxPerChar: number): void {
  const width = typeof meta.width === 'number' ? meta.width : 0;
  if (text.length * pxPerChar + CELL_CHROME > width) td.classList.add('ss-clip');
}

/**
 * Repaint a rendered metric cell for new colour scales, touching the DOM only where its colour
 * changed: a finished run moves every scale, and a full redraw of the metric cells on screen
 * restyles hundreds of cells whose colour stayed the same. The rank in the tooltip always moves.
 * True when the cell got a new colour (and so a style recalculation).
 */
export function repaintScale(td: HTMLTableCellElement, key: string, state: RowState | undefined, view: GridView): boolean {
  // Sweeps show a spread and stale results are dimmed: the result renderer paints neither.
  if (!state || state.sweep || (state.result && isStale(state))) return false;
  const at = scaleSpot(view, key, state);
  if (!at) {
    if (!td.classList.contains('ss-scaled')) return false;
    td.classList.remove('ss-scaled');
    td.style.removeProperty('--ht-cell-read-only-background-color');
    td.removeAttribute('data-quality');
    td.removeAttribute('data-rank');
    td.removeAttribute('data-of');
    td.removeAttribute('title');
    return true;
  }
  return paintScale(td, at.scale, at.place);
}

type ScalePlace = NonNullable<ReturnType<typeof scalePlace>>;

/** A metric cell's scale and its place on it; null when the column has no scale or the row no finite value. */
function scaleSpot(view: GridView, key: string, state: RowState): { readonly scale: MetricScale; readonly place: ScalePlace } | null {
  const scale = view.scale(key);
  const v = resultField(key, state);
  const place = scale && typeof v === 'number' ? scalePlace(scale, v) : null;
  return place ? { scale: scale!, place } : null;
}

/**
 * A metric cell's background from its place among the finished runs of its column. The colour
 * moves in steps (scaleColor): when a new best or worst run shifts every cell's place a little,
 * most cells keep their colour and only the rank and place are rewritten, as data attributes; a
 * new colour restyles its cell and repaints its row (about 0.2 ms a cell with the grid on screen).
 * The rank's tooltip is written when the pointer comes over the cell (rankTooltips): a new title
 * restyles its cell too (chromium), and every finished run moves the rank of most cells.
 */
function paintScale(td: HTMLTableCellElement, scale: MetricScale, place: ScalePlace): boolean {
  const color = scaleColor(place.quality);
  const restyle = !td.classList.contains('ss-scaled') || td.style.getPropertyValue(READ_ONLY_BACKGROUND) !== color;
  if (restyle) {
    td.classList.add('ss-scaled');
    // Metric cells are read-only: the theme paints them through this variable (an !important rule).
    td.style.setProperty(READ_ONLY_BACKGROUND, color);
  }
  td.dataset.quality = place.quality.toFixed(3);
  td.dataset.rank = String(place.rank);
  td.dataset.of = String(scale.sorted.length);
  if (td.title !== '') td.removeAttribute('title');
  return restyle;
}

const READ_ONLY_BACKGROUND = '--ht-cell-read-only-background-color';

/** A metric cell's rank tooltip, written when the pointer comes over it (see paintScale). */
export function rankTooltips(host: HTMLElement): void {
  host.addEventListener('pointerover', (e) => {
    const td = e.target instanceof Element ? e.target.closest<HTMLElement>('td.ss-scaled[data-rank]') : null;
    if (!td) return;
    const title = t('grid.scale.better', { rank: Number(td.dataset.rank), n: Number(td.dataset.of) });
    if (td.title !== title) td.title = title;
  }, { passive: true });
}

/** A formula column's cell: the value of the column's formula in this row. */
export function formulaColumnRenderer(lookup: RowLookup, key: string, formula: () => string): CellRenderer {
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    baseRenderer(instance, td, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(td, key, state);
    td.classList.add('ss-result', 'ss-formula-col');
    if (!state) return;
    const v = state.formulas[key];
    showFormula(td, formula(), v);
    if (typeof v === 'number' && Number.isFinite(v)) {
      // Metrics are float32: four significant digits in the cell, every digit in the tooltip.
      td.classList.add('ss-number');
      td.textContent = String(Number(v.toPrecision(4)));
      td.title = `${formula()} = ${formulaText(v).text}`;
    }
    clipIfLong(td, td.textContent ?? '', cellProperties, NUMBER_PX_PER_CHAR);
  };
}

/** How full the bar is; null where a bar would say nothing. */
function progressOf(s: RunStatus): number | null {
  switch (s.state) {
    case 'running': return s.fraction;
    case 'queued': return 0;
    case 'sweep': return s.total > 0 ? s.done / s.total : null;
    default: return null;
  }
}

/**
 * The raw value of a result column, or null when there is none. The parameter count is known
 * before training, so a row without a result still shows it.
 */
export function resultField(key: string, row: RowState): number | string | null {
  if (key === 'params' && !row.result) return row.parsed.ok ? row.parsed.summary.totalParams : null;
  return row.result ? resultValue(key, row.result) ?? null : null;
}

/**
 * What the grid holds for sorting: finite numbers and text; anything missing or non-finite is
 * null, which the sort plugin keeps at the end in both directions.
 */
export function sortValue(key: string, row: RowState): number | string | null {
  const v = resultField(key, row);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return v;
}

/** One formatter for every count: toLocaleString builds a new one per call (the grid pass's costliest formatting). */
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Losses to 4 significant digits, accuracies as 0.xxxx, time in seconds (the unit is in the
 * header help) to the millisecond under a second (secondsDigits), counts as whole numbers. NaN means "does not apply" (no validation
 * split, accuracy of a regression) and shows as an empty cell.
 */
export function formatResult(format: ResultFormat, v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  switch (format) {
    case 'loss': return v.toPrecision(4);
    case 'accuracy': return v.toFixed(4);
    case 'seconds': return formatSeconds(v);
    case 'count': return COUNT.format(Math.round(v));
    case 'number': return String(Number(v.toPrecision(4)));
    default: return String(v);
  }
}
