/**
 * The Handsontable adapter. Handsontable owns the DOM of the grid; this component owns the
 * mapping between grid rows and engine rows and keeps the two in step:
 *
 * - Physical grid row i shows engine row `ids[i]` (engine order: a sweep's children follow it).
 *   The visual order is ours: the sort plugin keeps the sort state and draws the header arrow,
 *   but its sort is replaced by a grouped one (grid-order.ts) that keeps each sweep's children
 *   right under it. Every hook converts visual -> physical before looking up the row id.
 * - Engine -> grid: changed row ids are gathered and applied once per animation frame, writing
 *   only the cells whose value changed (setSourceDataAtCell does not fire afterChange, so our own
 *   writes never loop back as edits), then one render for the formatting that lives outside data.
 * - Grid -> engine: afterChange from a person (edit, paste, autofill, undo) becomes engine.edit;
 *   values pasted or filled below the last row become new engine rows (grid-growth.ts).
 * - Selection: the row of the active cell, as an engine row id, goes to `onSelectRow`, every
 *   selected row to `onSelectRows` (to compare them); the rows on screen go to engine.setVisible
 *   so they train first.
 * - Columns: groups that do not apply to the sheet, or that the person turned off in the columns
 *   menu, are hidden (hiddenColumns plugin); the name column stays frozen at the left.
 * - Rows can be filtered from outside (the parallel coordinates' brushes): a hiding map on the
 *   row index mapper, so the grouped sort order is untouched and hidden rows are not rendered.
 * - Colour scales of the metric columns are computed once per pass, not per cell render.
 */
import Handsontable from 'handsontable/base';
import { AutocompleteCellType, DropdownCellType, TextCellType, registerCellType } from 'handsontable/cellTypes';
import { Autofill, ColumnSorting, CopyPaste, HiddenColumns, UndoRedo, registerPlugin } from 'handsontable/plugins';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-main.min.css';
import { type Accessor, createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import type { CellEdit, RowState, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import {
  type GridColumn, type GridRow, columnLabel, columnSettings, decorateHeader, gridColumns, gridRow, isInputKey, rowSortKey,
} from './grid-columns.ts';
import { ColumnsMenu } from './ColumnsMenu.tsx';
import { type GroupChoices, type SheetUse, UseTally, hiddenColumns, loadChoices, saveChoices } from './column-visibility.ts';
import { timed } from './compare/timings.ts';
import { pruneCellCharts } from './grid-charts.ts';
import { type Locale, gridLanguage, locale } from './i18n/index.ts';
import { registerLanguageDictionary } from 'handsontable/i18n/registry';
import koKR from 'handsontable/i18n/languages/ko-KR';
import { type GridView, repaintScale, sortValue } from './renderers.ts';
import { type MetricScale, SCALED_COLUMNS, metricScales } from './row-values.ts';
import { autofillValues, takeNewRowValues } from './grid-growth.ts';
import { groupedOrder } from './row-values.ts';
import { sanitizeGridHtml } from './sanitize.ts';
import { type CellPlace, eachCellOf, patchCells } from './grid-patch.ts';
import { registerGridEditors } from './grid-editors.ts';

registerCellType(TextCellType);
registerCellType(AutocompleteCellType);
registerCellType(DropdownCellType);
registerPlugin(ColumnSorting);
registerPlugin(CopyPaste);
registerPlugin(Autofill);
registerPlugin(UndoRedo);
registerLanguageDictionary(koKR);
registerPlugin(HiddenColumns);
registerGridEditors();

type SortConfig = Exclude<ReturnType<ColumnSorting['getSortConfig']>, readonly unknown[] | undefined>;

/** Sources of afterChange that are our own bulk writes, not a person's edit. */
const OWN_SOURCES = new Set(['loadData', 'updateData', 'sweepsheet']);

export interface GridProps {
  engine: SheetEngine;
  onSelectRow?: (id: string) => void;
  /** The ✎ button of a formula column's header. */
  onEditFormulaColumn?: (key: string) => void;
  /** The engine rows on screen, after each render and scroll (also given to engine.setVisible). */
  onVisibleRows?: (ids: readonly string[]) => void;
  /** Changes when formula columns were added, edited or removed. */
  columnsVersion?: Accessor<number>;
  /** Every row of the selection, in grid order, after each selection (one row or several). */
  onSelectRows?: (ids: readonly string[]) => void;
  /** When set, only these rows are shown (the comparison's brushes); null shows every row. */
  rowFilter?: Accessor<ReadonlySet<string> | null>;
}

export function Grid(props: GridProps) {
  let host!: HTMLDivElement;
  const [use, setUse] = createSignal<SheetUse | null>(null);
  const [choices, setChoices] = createSignal<GroupChoices>(loadChoices());
  let sync: GridSync | undefined;
  onMount(() => {
    const s = new GridSync(host, props.engine, {
      selectRow: (id) => props.onSelectRow?.(id),
      selectRows: (ids) => props.onSelectRows?.(ids),
      editFormulaColumn: (key) => props.onEditFormulaColumn?.(key),
      visibleRows: (ids) => props.onVisibleRows?.(ids),
      sheetUse: setUse,
    }, choices());
    sync = s;
    createEffect(on(() => props.columnsVersion?.(), () => s.refresh(), { defer: true }));
    createEffect(on(() => props.rowFilter?.() ?? null, (filter) => s.setFilter(filter)));
    // Headers and tooltips of our own columns follow the language.
    createEffect(on(locale, () => s.refresh(), { defer: true }));
    createEffect(on(locale, (l) => s.setLanguage(l), { defer: true }));
    onCleanup(() => s.destroy());
  });
  const choose = (next: GroupChoices) => {
    setChoices(next);
    saveChoices(next);
    sync?.setChoices(next);
  };
  return (
    <div class="ss-grid-wrap">
      <ColumnsMenu use={use()} choices={choices()} onChange={choose} />
      <div ref={host} class="ss-grid" />
    </div>
  );
}

interface GridCallbacks {
  selectRow(id: string): void;
  selectRows(ids: readonly string[]): void;
  editFormulaColumn(key: string): void;
  visibleRows(ids: readonly string[]): void;
  sheetUse(use: SheetUse): void;
}

class GridSync {
  private readonly hot: Handsontable.Core;
  private ids: string[] = [];
  private physicalOf = new Map<string, number>();
  private columns: GridColumn[];
  private columnsSignature: string;
  private readonly pending = new Set<string>();
  private frame = 0;
  private readonly unsubscribe: () => void;
  private visibleSignature = '';
  private visibleFrame = 0;
  private readonly onWindowScroll = () => this.reportVisible();
  /** The row a fill handle drag copies into new rows: the source row next to the filled range. */
  private fillTemplate: string | null = null;
  private readonly source = (id: string) => this.engine.row(id);
  private scales = new Map<string, MetricScale>();
  private readonly view: GridView = { scale: (key) => this.scales.get(key) };
  private use: SheetUse;
  private useSignature = '';
  private filter: ReadonlySet<string> | null = null;
  /** Rows hidden by the filter: a hiding map composes with the grouped sort's index sequence. */
  private readonly filterMap: { setValues(values: boolean[]): void };

  constructor(private readonly host: HTMLElement, private readonly engine: SheetEngine, private readonly on: GridCallbacks, private choices: GroupChoices) {
    const rows = engine.rows();
    this.setIds(rows.map((r) => r.id));
    this.scales = metricScales(rows, sortValue);
    this.tally = tallyOf(rows);
    this.use = this.tally.use();
    this.columns = gridColumns(engine.formulaColumns());
    this.columnsSignature = signature(this.columns);
    const lookup = (physical: number) => {
      const id = this.ids[physical];
      return id === undefined ? undefined : this.engine.row(id);
    };
    this.lookup = lookup;
    this.data = rows.map((r) => gridRow(r, this.columns, this.source));
    this.columnIndex = new Map(this.columns.map((c, i) => [c.key, i]));
    this.scalesSignature = scalesSignature(this.scales);
    this.hot = new Handsontable(host, {
      data: this.data,
      columns: columnSettings(this.columns, lookup, this.source, this.view),
      colHeaders: (i) => { const c = this.columns[i]; return c ? columnLabel(c) : ''; },
      hiddenColumns: { columns: hiddenColumns(this.columns, this.use, this.choices), indicators: false },
      rowHeaders: true,
      // The name stays in view while the many setting and result columns scroll past.
      fixedColumnsStart: 1,
      themeName: 'ht-theme-main',
      licenseKey: 'non-commercial-and-evaluation',
      language: gridLanguage(locale()),
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
      // A sweep's children are expanded from the sweep's cells: edit the sweep, not them.
      cells: (physicalRow, _col, prop) => (isInputKey(prop) ? { readOnly: lookup(physicalRow)?.parent != null } : {}),
      // Rows come from the engine. The one exception: the fill handle reaching past the last row
      // adds grid rows for the drag; what lands in them becomes engine rows (beforeChange).
      beforeCreateRow: (_index, _amount, source) => source === 'Autofill.fill',
      beforeCreateCol: () => false,
      afterGetColHeader: (col, th) => decorateHeader(this.columns, col, th, (key) => this.on.editFormulaColumn(key)),
      beforeColumnSort: (_current, destination) => this.sortGrouped(destination as SortConfig[]),
      beforeAutofill: (selection, sourceRange, targetRange, direction) => {
        const edge = direction === 'up' ? sourceRange.getTopStartCorner().row : sourceRange.getBottomEndCorner().row;
        this.fillTemplate = edge === null ? null : this.idAt(edge) ?? null;
        return autofillValues(selection, targetRange.getHeight(), direction);
      },
      beforeChange: (changes, source) => this.addRowsFromChanges(changes, source),
      beforeChangeRender: (changes, source) => this.holdRender(changes, source),
      afterChange: (changes, source) => {
        try {
          this.onGridChange(changes, source);
        } finally {
          this.releaseRender();
        }
      },
      afterSelectionEnd: () => this.onSelection(),
      afterRender: () => this.reportVisible(),
      afterScrollVertically: () => this.reportVisible(),
    });
    this.filterMap = this.hot.rowIndexMapper.createAndRegisterIndexMap('ss-row-filter', 'hiding', false);
    this.publishUse();
    this.unsubscribe = engine.subscribe((changed) => {
      for (const id of changed) this.pending.add(id);
      this.schedule();
    });
    // The page scrolls the grid (it has no height of its own): a scroll changes what is on screen.
    window.addEventListener('scroll', this.onWindowScroll, { passive: true });
    window.addEventListener('resize', this.onWindowScroll, { passive: true });
  }

  private readonly lookup: (physical: number) => RowState | undefined;
  private renderHeld = false;
  private releaseQueued = false;
  /** The rows Handsontable shows, by physical index: the very array it was given. */
  private data: GridRow[] = [];
  private columnIndex = new Map<string, number>();
  private scalesSignature = '';
  /** Per row, what the colour scales and the shown columns were last computed from. */
  private readonly seenResults = new Map<string, { result: RowState['result']; state: string }>();
  /** What the sheet uses (which column groups apply), counted row by row. */
  private tally: UseTally;

  destroy(): void {
    this.unsubscribe();
    window.removeEventListener('scroll', this.onWindowScroll);
    window.removeEventListener('resize', this.onWindowScroll);
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    if (this.visibleFrame !== 0) cancelAnimationFrame(this.visibleFrame);
    this.hot.destroy();
  }

  /** Handsontable's own texts (menus, dialogs, aria labels) follow the page's language. */
  setLanguage(l: Locale): void {
    this.hot.updateSettings({ language: gridLanguage(l) });
  }

  /** Redraw at the next frame even if no row changed (formula columns were edited). */
  refresh(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => timed('grid-pass', () => this.applyPending()));
  }

  private setIds(ids: string[]): void {
    this.ids = ids;
    this.physicalOf = new Map(ids.map((id, i) => [id, i]));
  }

  private idAt(visualRow: number): string | undefined {
    if (visualRow < 0 || visualRow >= this.hot.countRows()) return undefined;
    return this.ids[this.hot.toPhysicalRow(visualRow)];
  }

  /**
   * Values pasted or filled where the engine has no row become new engine rows, in order: each a
   * copy of the fill's source row, or for a paste of the last row above, with the new values.
   */
  private addRowsFromChanges(changes: (Handsontable.CellChange | null)[], source: string): void {
    if (OWN_SOURCES.has(source)) return;
    const fresh = takeNewRowValues(changes, (visualRow) => this.idAt(visualRow) !== undefined);
    if (fresh.length === 0) return;
    let templateId = source === 'Autofill.fill' ? this.fillTemplate : null;
    if (templateId === null || !this.engine.row(templateId)) {
      for (let v = Math.min(fresh[0]!.visualRow, this.hot.countRows()) - 1; v >= 0 && templateId === null; v--) templateId = this.idAt(v) ?? null;
    }
    const template = templateId === null ? undefined : this.engine.row(templateId);
    for (const { values } of fresh) this.engine.addRow({ cells: { ...template?.cells, ...values } });
    // Grid rows the fill handle added are dropped when the engine's rows are next drawn.
    this.schedule();
  }

  /**
   * A person's edit of cells in existing rows: Handsontable would now re-render every cell on
   * screen (a thousand cells restyled for one typed value, hundreds of ms on a big sheet). Hold
   * that render; the edited rows are redrawn in place at the next frame, when the engine reports
   * them (applyPending). Edits that add grid rows render as usual.
   */
  private holdRender(changes: Handsontable.CellChange[], source: string): void {
    if (OWN_SOURCES.has(source) || this.renderHeld) return;
    if (!changes.every(([visualRow, prop]) => isInputKey(prop) && this.idAt(visualRow) !== undefined)) return;
    this.hot.suspendRender();
    this.renderHeld = true;
  }

  /** Let Handsontable draw again, as a fast draw (selection and borders only): no cell changed that the next frame does not redraw. */
  private releaseRender(): void {
    if (!this.renderHeld || this.releaseQueued) return;
    // Held until the key handler has finished: Enter closes the editor (this afterChange) and then
    // moves the selection, and each would draw the grid; a microtask lets them draw once.
    this.releaseQueued = true;
    queueMicrotask(() => {
      this.releaseQueued = false;
      this.releaseNow();
    });
  }

  private releaseNow(): void {
    if (!this.renderHeld || this.hot.isDestroyed) return;
    this.renderHeld = false;
    (this.hot as unknown as { forceFullRender: boolean }).forceFullRender = false;
    this.hot.resumeRender();
    // The engine reports the edited rows asynchronously; an edit it ignored (same text) still gets its cells redrawn.
    this.schedule();
  }

  private onGridChange(changes: Handsontable.CellChange[] | null, source: string): void {
    if (!changes || OWN_SOURCES.has(source)) return;
    const edits: CellEdit[] = [];
    for (const [visualRow, prop, before, after] of changes) {
      if (!isInputKey(prop)) continue;
      const id = this.idAt(visualRow);
      if (id === undefined) continue;
      // Its cells are redrawn at the next frame (the render of this change may have been held).
      this.pending.add(id);
      const text = after === null || after === undefined ? '' : String(after);
      const old = before === null || before === undefined ? '' : String(before);
      if (text !== old) edits.push({ row: id, column: prop, text });
    }
    if (edits.length > 0) this.engine.edit(edits);
  }

  /** The active cell's row (a range selects the row its highlight sits in); headers select nothing. Then every selected row. */
  private onSelection(): void {
    const visualRow = this.hot.getSelectedRangeLast()?.highlight.row ?? -1;
    const id = visualRow < 0 ? undefined : this.idAt(visualRow);
    if (id !== undefined) this.on.selectRow(id);
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const range of this.hot.getSelectedRange() ?? []) {
      const a = range.from.row ?? -1;
      const b = range.to.row ?? -1;
      const from = Math.max(0, Math.min(a, b));
      const to = Math.max(a, b);
      for (let v = from; v <= to; v++) {
        const physical = this.hot.toPhysicalRow(v);
        if (physical === null || physical < 0 || this.hot.rowIndexMapper.isHidden(physical)) continue;
        const rowId = this.ids[physical];
        if (rowId !== undefined && !seen.has(rowId)) { seen.add(rowId); ids.push(rowId); }
      }
    }
    if (ids.length > 0) this.on.selectRows(ids);
  }

  /** Show only `filter`'s rows (null: every row). Grid rows without an engine row stay shown. */
  setFilter(filter: ReadonlySet<string> | null): void {
    this.filter = filter;
    this.applyFilter();
    this.hot.render();
    this.reportVisible();
  }

  private applyFilter(): void {
    const f = this.filter;
    const values: boolean[] = [];
    for (let p = 0; p < this.hot.countSourceRows(); p++) {
      const id = this.ids[p];
      values.push(f !== null && id !== undefined && !f.has(id));
    }
    this.filterMap.setValues(values);
  }

  setChoices(choices: GroupChoices): void {
    this.choices = choices;
    this.syncHiddenColumns(true);
    this.hot.render();
  }

  /** Hide the columns that do not apply or were turned off; touches the plugin only when that changed. */
  private syncHiddenColumns(force = false): void {
    const use = this.tally.use();
    const sig = JSON.stringify([[...use.groups], [...use.unused]]);
    if (!force && sig === this.useSignature) return;
    this.use = use;
    const plugin = this.hot.getPlugin('hiddenColumns') as unknown as HiddenColumns;
    const want = hiddenColumns(this.columns, use, this.choices);
    const now = plugin.getHiddenColumns();
    const show = now.filter((i) => !want.includes(i));
    const hide = want.filter((i) => !now.includes(i));
    if (show.length > 0) plugin.showColumns(show);
    if (hide.length > 0) plugin.hideColumns(hide);
    this.publishUse();
  }

  private publishUse(): void {
    this.useSignature = JSON.stringify([[...this.use.groups], [...this.use.unused]]);
    this.on.sheetUse(this.use);
  }

  /**
   * Tell the engine which rows are on screen, when that changed. Read from the rows Handsontable
   * rendered, clipped to the window and the grid's holder, a frame after the render or scroll:
   * in window-scroll mode Handsontable's own first/last visible row lag behind the page's scroll.
   */
  private reportVisible(): void {
    if (this.visibleFrame !== 0) return;
    this.visibleFrame = requestAnimationFrame(() => {
      this.visibleFrame = 0;
      const holder = this.host.querySelector('.ht_master .wtHolder')?.getBoundingClientRect();
      const header = this.host.querySelector('.ht_clone_top')?.getBoundingClientRect();
      if (!holder) return;
      const top = Math.max(0, holder.top, header && header.bottom > 0 ? header.bottom : 0);
      const bottom = Math.min(window.innerHeight, holder.bottom);
      const ids: string[] = [];
      for (const tr of this.host.querySelectorAll<HTMLTableRowElement>('.ht_master tbody tr')) {
        const r = tr.getBoundingClientRect();
        const id = tr.querySelector<HTMLElement>('td[data-row-id]')?.dataset.rowId;
        if (id && r.bottom > top && r.top < bottom) ids.push(id);
      }
      const sig = ids.join('\n');
      if (sig === this.visibleSignature) return;
      this.visibleSignature = sig;
      this.engine.setVisible(ids);
      this.on.visibleRows(ids);
    });
  }

  /** One pass per frame: rebuild on added or removed rows or columns, otherwise patch only changed cells. */
  private applyPending(): void {
    this.frame = 0;
    const changed = [...this.pending];
    this.pending.clear();
    const columns = this.syncColumns();
    // The order is compared id by id (cheap); the rows themselves are built only when it moved.
    if (columns || !sameIds(this.engine.rowIds(), this.ids) || this.hot.countSourceRows() !== this.ids.length) {
      const rows = this.engine.rows();
      this.setIds(rows.map((r) => r.id));
      pruneCellCharts(new Set(this.ids));
      this.resultsMoved(changed);
      this.rescale(rows);
      this.tally = tallyOf(rows);
      const data = rows.map((r) => gridRow(r, this.columns, this.source));
      this.data = data;
      // New columns and their data in one call: Handsontable sizes its viewport from both.
      if (columns) this.hot.updateSettings({ columns, data });
      else this.hot.updateData(data, 'updateData');
      this.syncHiddenColumns(columns !== null);
      this.applyFilter();
      this.resort();
      return;
    }
    const hiddenBefore = this.useSignature;
    for (const id of changed) this.tally.set(id, this.engine.row(id));
    timed('grid-hidden-columns', () => this.syncHiddenColumns());
    const sortedKeys = new Set(this.sortConfig().map((c) => this.columns[c.column]?.key));
    // Written straight into the rows Handsontable holds (it keeps our array by reference):
    // setSourceDataAtCell would render the whole grid for each pass.
    let sortedChanged = false;
    const redraw = new Set<string>();
    for (const id of changed) {
      const physical = this.physicalOf.get(id);
      const row = this.engine.row(id);
      const shown = physical === undefined ? undefined : this.data[physical];
      if (!row || !shown) continue;
      redraw.add(id);
      // A sweep shows its children's mean ± sd and progress.
      if (row.parent) redraw.add(row.parent);
      for (const [key, value] of Object.entries(gridRow(row, this.columns, this.source))) {
        if (shown[key] === value) continue;
        shown[key] = value;
        if (sortedKeys.has(key)) sortedChanged = true;
      }
    }
    // Only a result arriving or leaving can move the colour scales of the metric columns.
    const colours = this.resultsMoved(changed) && this.rescale(this.engine.rows());
    if (sortedChanged) this.resort();
    // Columns shown or hidden move every cell.
    else if (this.useSignature !== hiddenBefore) timed('grid-render', () => this.hot.render());
    else {
      timed('grid-patch', () => patchCells(this.hot, this.host, redraw, (id, key) => this.placeOf(id, key)));
      // New colour scales repaint the metric cells of rows that did not change, too.
      if (colours) timed('grid-repaint-scales', () => eachCellOf(this.host, Object.keys(SCALED_COLUMNS), (td, id, key) => {
        if (!redraw.has(id)) repaintScale(td, key, this.engine.row(id), this.view);
      }));
    }
  }

  /** Recompute the metric columns' colour scales; true when any cell's colour changes. */
  private rescale(rows: readonly RowState[]): boolean {
    this.scales = timed('grid-scales', () => metricScales(rows, sortValue));
    const sig = scalesSignature(this.scales);
    const changed = sig !== this.scalesSignature;
    this.scalesSignature = sig;
    return changed;
  }

  /** The visual coordinates of a row's cell, or null when it is hidden or gone. */
  private placeOf(id: string, key: string): CellPlace | null {
    const physical = this.physicalOf.get(id);
    const column = this.columnIndex.get(key);
    if (physical === undefined || column === undefined) return null;
    const visualRow = this.hot.toVisualRow(physical);
    const visualColumn = this.hot.toVisualColumn(column);
    return visualRow === null || visualColumn === null ? null : { visualRow, visualColumn };
  }

  /** Whether a changed row gained, lost or replaced a result, or finished: the colour scales read those. */
  private resultsMoved(changed: readonly string[]): boolean {
    let moved = false;
    for (const id of changed) {
      const row = this.engine.row(id);
      const seen = this.seenResults.get(id);
      const now = row ? `${row.status.state}|${row.resultKey ?? ''}|${row.parsed.ok ? row.parsed.key : ''}` : '';
      if (seen?.result !== (row?.result ?? null) || seen.state !== now) moved = true;
      if (row) this.seenResults.set(id, { result: row.result, state: now });
      else this.seenResults.delete(id);
    }
    return moved;
  }

  /** Follow the engine's formula columns: new column settings when one was added, removed or changed, else null. */
  private syncColumns(): Handsontable.ColumnSettings[] | null {
    const next = gridColumns(this.engine.formulaColumns());
    const sig = signature(next);
    if (sig === this.columnsSignature) return null;
    const sortedKey = this.columns[this.sortConfig()[0]?.column ?? -1]?.key;
    this.columns = next;
    this.columnIndex = new Map(next.map((c, i) => [c.key, i]));
    this.columnsSignature = sig;
    if (sortedKey !== undefined && !next.some((c) => c.key === sortedKey)) this.sorting().setSortConfig([]);
    return columnSettings(next, this.lookup, this.source, this.view);
  }

  /** Keep a chosen sort while results arrive, but never move rows under an open editor. */
  private resort(): void {
    if (this.hot.getActiveEditor()?.isOpened()) return;
    this.sortGrouped(this.sortConfig());
  }

  /**
   * The sort plugin's sort, replaced: record the wanted sort (the plugin draws the arrow), then
   * order rows in groups — a sweep and its children move together by the sweep's value, the
   * children sorted among themselves by theirs. Returns false so the plugin does not sort.
   */
  private sortGrouped(config: readonly SortConfig[]): false {
    this.sorting().setSortConfig([...config]);
    const first = config[0];
    const key = first === undefined ? undefined : this.columns[first.column]?.key;
    const rows = this.ids.map((id) => this.engine.row(id)).filter((r): r is RowState => r !== undefined);
    const order = key === undefined || first === undefined
      ? this.ids.map((_, i) => i)
      : groupedOrder(rows, first.sortOrder === 'desc' ? 'desc' : 'asc', (r) => rowSortKey(key, r, this.source)).map((id) => this.physicalOf.get(id)!);
    // Grid rows without an engine row (a fill in progress) stay at the end.
    for (let p = this.ids.length; p < this.hot.countSourceRows(); p++) order.push(p);
    this.hot.rowIndexMapper.setIndexesSequence(order);
    this.hot.render();
    return false;
  }

  private sorting(): ColumnSorting {
    return this.hot.getPlugin('columnSorting') as unknown as ColumnSorting;
  }

  private sortConfig(): SortConfig[] {
    const config = this.sorting().getSortConfig();
    return Array.isArray(config) ? config : config ? [config] : [];
  }
}

function signature(columns: readonly GridColumn[]): string {
  return JSON.stringify(columns.map((c) => (c.role === 'formula' ? [c.key, c.label, c.formula] : c.key)));
}

function tallyOf(rows: readonly RowState[]): UseTally {
  const tally = new UseTally();
  for (const r of rows) tally.set(r.id, r);
  return tally;
}

/** Changes exactly when some metric cell's colour would. */
function scalesSignature(scales: ReadonlyMap<string, MetricScale>): string {
  let s = '';
  for (const [key, scale] of scales) s += `${key}:${scale.log ? 'log' : 'lin'}:${scale.sorted.join(',')};`;
  return s;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
