/**
 * The Handsontable adapter. Handsontable owns the DOM of the grid; this component owns the
 * mapping between grid rows and engine rows and keeps the two in step:
 *
 * - Physical grid row i shows engine row `ids[i]` (engine order: a sweep's children follow it).
 *   The visual order is ours: the sort plugin keeps the sort state and draws the header arrow,
 *   but its sort is replaced by a grouped one (grid-sort.ts) that keeps each sweep's children
 *   right under it. Every hook converts visual -> physical before looking up the row id.
 * - Engine -> grid: changed row ids are gathered and applied once per animation frame
 *   (grid-pass.ts), writing only the values that changed into the rows Handsontable holds (no
 *   afterChange, so our own writes never loop back as edits) and redrawing only the cells that
 *   may look different (grid-tracking.ts knows what each row's cells were drawn from); rows or
 *   columns added, removed or moved rebuild the grid (rebuildIfMoved).
 * - Grid -> engine: afterChange from a person (edit, paste, autofill, undo) becomes engine.edit;
 *   values pasted or filled below the last row become new engine rows (grid-growth.ts).
 * - Selection: the row of the active cell, as an engine row id, goes to `onSelectRow`, every
 *   selected row to `onSelectRows` (to compare them); the rows on screen go to engine.setVisible
 *   so they train first.
 * - Columns: groups that do not apply to the sheet, or that the person turned off in the columns
 *   menu, are hidden (hiddenColumns plugin); the name column stays frozen at the left.
 * - Rows can be filtered from outside (the parallel coordinates' brushes): a hiding map on the
 *   row index mapper, so the grouped sort order is untouched and hidden rows are not rendered.
 * - Colour scales of the metric columns are kept row by row (grid-tracking.ts), not per cell render.
 * - Editors are placed only when they open (grid-editors.ts); the rows on screen are read after
 *   the frame (grid-visible.ts).
 * - Handsontable renders the rows on screen and ROWS_AHEAD more in the direction of the scroll
 *   (grid-band.ts): most wheel steps then render nothing.
 */
import Handsontable from 'handsontable/base';
import type { HiddenColumns } from 'handsontable/plugins';
import { BASE_SETTINGS } from './grid-setup.ts';
import { type Accessor, createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import type { CellEdit, RowState, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { FILE_LIMITS } from '../engine/sheet-file.ts';
import {
  type GridColumn, type GridRow, columnLabel, columnSettings, decorateHeader, gridColumns, gridRow, isInputKey,
} from './grid-columns.ts';
import { ColumnsMenu } from './ColumnsMenu.tsx';
import { type GroupChoices, type SheetUse, hiddenColumns, loadChoices, saveChoices } from './column-visibility.ts';
import { pruneCellCharts } from './grid-charts.ts';
import { type Locale, gridLanguage, locale } from './i18n/index.ts';
import { autofillValues, takeNewRowValues } from './grid-growth.ts';
import type { PatchColumn } from './grid-patch.ts';
import { type SortConfig, applyGroupedSort, sortConfigOf, sortingOf } from './grid-sort.ts';
import { dropMenuHasRules } from './grid-css.ts';
import { FramePass, type PassGrid } from './grid-pass.ts';
import { clickScrollHooks } from './grid-click-scroll.ts';
import { rowBandSettings } from './grid-band.ts';
import { type CellPart, GridTracking, cellPart } from './grid-tracking.ts';
import { VisibleRows } from './grid-visible.ts';
import { rankTooltips } from './renderers.ts';

/** Sources of afterChange that are our own bulk writes, not a person's edit. */
const OWN_SOURCES = new Set(['loadData', 'updateData', 'sweepsheet']);

/** The grid on the page (one at a time: a sheet switch replaces it). */
let mounted: GridSync | null = null;

/** Whether the grid's cells show the engine's rows as they are now (for tests: main.tsx's window.__sweepsheet). */
export function gridDrawnUpToDate(): boolean {
  return mounted?.drawnUpToDate() ?? false;
}

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
  /** Text typed or pasted past the cap of a cell was cut (the engine keeps the first maxCellLength characters). */
  onTextCut?: (cut: readonly TextCut[]) => void;
}

/** A cell whose new text was longer than a cell holds: its grid row (1-based, as shown), column and typed length. */
export interface TextCut {
  readonly row: number;
  readonly column: string;
  readonly length: number;
}

export function Grid(props: GridProps) {
  let host!: HTMLDivElement;
  const [use, setUse] = createSignal<SheetUse | null>(null);
  const [choices, setChoices] = createSignal<GroupChoices>(loadChoices());
  let sync: GridSync | undefined;
  onMount(() => {
    dropMenuHasRules();
    const s = new GridSync(host, props.engine, {
      selectRow: (id) => props.onSelectRow?.(id),
      selectRows: (ids) => props.onSelectRows?.(ids),
      editFormulaColumn: (key) => props.onEditFormulaColumn?.(key),
      visibleRows: (ids) => props.onVisibleRows?.(ids),
      sheetUse: setUse,
      textCut: (cut) => props.onTextCut?.(cut),
    }, choices());
    sync = s;
    mounted = s;
    createEffect(on(() => props.columnsVersion?.(), () => s.refresh(), { defer: true }));
    createEffect(on(() => props.rowFilter?.() ?? null, (filter) => s.setFilter(filter)));
    // Headers and tooltips of our own columns follow the language.
    createEffect(on(locale, () => s.refresh(), { defer: true }));
    createEffect(on(locale, (l) => s.setLanguage(l), { defer: true }));
    onCleanup(() => {
      if (mounted === s) mounted = null;
      s.destroy();
    });
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
  textCut(cut: readonly TextCut[]): void;
}

class GridSync implements PassGrid {
  readonly hot: Handsontable.Core;
  readonly tracking: GridTracking;
  private readonly pass: FramePass;
  private ids: string[] = [];
  private physicalOf = new Map<string, number>();
  private columns: GridColumn[];
  private columnsSignature: string;
  private parts = new Map<string, CellPart>();
  /** The rows Handsontable shows, by physical index: the very array it was given. */
  private data: GridRow[] = [];
  private readonly unsubscribe: () => void;
  private readonly visible: VisibleRows;
  private readonly onWindowScroll = () => this.visible.schedule();
  /** The row a fill handle drag copies into new rows: the source row next to the filled range. */
  private fillTemplate: string | null = null;
  private readonly source = (id: string) => this.engine.row(id);
  private readonly lookup = (physical: number): RowState | undefined => {
    const id = this.ids[physical];
    return id === undefined ? undefined : this.engine.row(id);
  };
  private filter: ReadonlySet<string> | null = null;
  /** Rows hidden by the filter: a hiding map composes with the grouped sort's index sequence. */
  private readonly filterMap: { setValues(values: boolean[]): void };

  constructor(readonly host: HTMLElement, readonly engine: SheetEngine, private readonly on: GridCallbacks, private choices: GroupChoices) {
    // Before Handsontable: its first render reports the rows on screen.
    this.visible = new VisibleRows(host, (ids) => {
      this.engine.setVisible(ids);
      this.on.visibleRows(ids);
      // Rendered rows far from the window wait to be redrawn until it comes near (grid-pass.ts).
      this.pass.shown(ids);
    });
    const rows = engine.rows();
    this.setIds(rows.map((r) => r.id));
    this.tracking = new GridTracking(rows);
    this.pass = new FramePass(this);
    this.columns = gridColumns(engine.formulaColumns());
    this.columnsSignature = signature(this.columns);
    this.indexColumns();
    this.data = rows.map((r) => this.gridRow(r));
    const lookup = this.lookup;
    this.hot = new Handsontable(host, {
      data: this.data,
      columns: columnSettings(this.columns, lookup, this.source, this.tracking.view),
      colHeaders: (i) => { const c = this.columns[i]; return c ? columnLabel(c) : ''; },
      hiddenColumns: { columns: hiddenColumns(this.columns, this.tracking.use(), this.choices), indicators: false },
      ...BASE_SETTINGS,
      language: gridLanguage(locale()),
      // A sweep's children are expanded from the sweep's cells: edit the sweep, not them.
      cells: (physicalRow, _col, prop) => (isInputKey(prop) ? { readOnly: lookup(physicalRow)?.parent != null } : {}),
      // Rows come from the engine. The one exception: the fill handle reaching past the last row
      // adds grid rows for the drag; what lands in them becomes engine rows (beforeChange). Only
      // while the drag lasts: Autofill adds each row on a 200 ms timer, and one that fired after
      // the mouse was released (and the grid rebuilt from the engine) stayed as a grid row no
      // engine row stands behind, misplacing the names of every row below it on a sort.
      beforeCreateRow: (_index, _amount, source) => source === 'Autofill.fill' && this.hot.getPlugin('autofill').handleDraggedCells > 0,
      beforeCreateCol: () => false,
      afterGetColHeader: (col, th) => decorateHeader(this.columns, col, th, (key) => this.on.editFormulaColumn(key)),
      beforeColumnSort: (_current, destination) => this.sortGrouped(destination as SortConfig[]),
      beforeAutofill: (selection, sourceRange, targetRange, direction) => {
        const edge = direction === 'up' ? sourceRange.getTopStartCorner().row : sourceRange.getBottomEndCorner().row;
        this.fillTemplate = edge === null ? null : this.idAt(edge) ?? null;
        return autofillValues(selection, targetRange.getHeight(), direction);
      },
      beforeChange: (changes, source) => this.addRowsFromChanges(changes, source),
      beforeChangeRender: (changes, source) => {
        if (!OWN_SOURCES.has(source)) this.pass.renderHold.hold(changes, (visualRow, prop) => isInputKey(prop) && this.idAt(visualRow) !== undefined);
      },
      afterChange: (changes, source) => {
        try {
          this.onGridChange(changes, source);
        } finally {
          this.pass.renderHold.release();
        }
      },
      afterSelectionEnd: () => this.onSelection(),
      ...clickScrollHooks(() => this.hot),
      // Every rendered cell drawn: none is left for the pass to draw again.
      afterViewRender: () => this.pass.rendered(),
      afterRender: () => this.visible.schedule(),
      afterScrollVertically: () => this.visible.schedule(),
      ...rowBandSettings(),
    });
    this.filterMap = this.hot.rowIndexMapper.createAndRegisterIndexMap('ss-row-filter', 'hiding', false);
    // Registering the map (it hides nothing) marks the next draw as a full render; the grid has just
    // rendered these rows, and setFilter no longer renders them again for the same (no) filter.
    (this.hot as unknown as { forceFullRender: boolean }).forceFullRender = false;
    rankTooltips(host);
    this.on.sheetUse(this.tracking.useChange(true)!);
    this.unsubscribe = engine.subscribe((changed) => this.pass.add(changed));
    // The page scrolls the grid (it has no height of its own): a scroll changes what is on screen.
    window.addEventListener('scroll', this.onWindowScroll, { passive: true });
    window.addEventListener('resize', this.onWindowScroll, { passive: true });
  }

  destroy(): void {
    this.unsubscribe();
    window.removeEventListener('scroll', this.onWindowScroll);
    window.removeEventListener('resize', this.onWindowScroll);
    this.pass.destroy();
    this.visible.destroy();
    this.hot.destroy();
  }

  /** Handsontable's own texts (menus, dialogs, aria labels) follow the page's language. */
  setLanguage(l: Locale): void {
    this.hot.updateSettings({ language: gridLanguage(l) });
  }

  drawnUpToDate(): boolean {
    return !this.hot.isDestroyed && this.pass.drawnUpToDate();
  }

  /** Redraw at the next frame even if no row changed (formula columns were edited). */
  refresh(): void {
    this.pass.schedule();
  }

  private setIds(ids: string[]): void {
    this.ids = ids;
    this.physicalOf = new Map(ids.map((id, i) => [id, i]));
  }

  private indexColumns(): void {
    this.parts = new Map(this.columns.map((c) => [c.key, cellPart(c)]));
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
    this.pass.schedule();
  }

  private onGridChange(changes: Handsontable.CellChange[] | null, source: string): void {
    if (!changes || OWN_SOURCES.has(source)) return;
    const edits: CellEdit[] = [];
    const cut: TextCut[] = [];
    for (const [visualRow, prop, before, after] of changes) {
      if (!isInputKey(prop)) continue;
      const id = this.idAt(visualRow);
      if (id === undefined) continue;
      // Its cells are redrawn at the next frame (the render of this change may have been held).
      this.pass.edited(id);
      const text = after === null || after === undefined ? '' : String(after);
      const old = before === null || before === undefined ? '' : String(before);
      if (text !== old) edits.push({ row: id, column: prop, text });
      // The engine keeps what a sheet file can hold; cut silently, the rest of a pasted note was lost.
      if (text !== old && text.length > FILE_LIMITS.maxCellLength) cut.push({ row: visualRow + 1, column: prop, length: text.length });
    }
    if (edits.length > 0) this.engine.edit(edits);
    if (cut.length > 0) this.on.textCut(cut);
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
    // The same filter (no filter, as the grid mounts) would only render the band a second time.
    if (filter === this.filter) return;
    this.filter = filter;
    this.applyFilter();
    this.hot.render();
    this.visible.schedule();
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

  /** Hide the columns that do not apply or were turned off; touches the plugin only when that changed. True when it did. */
  syncHiddenColumns(force = false): boolean {
    const use = this.tracking.useChange(force);
    if (use === null) return false;
    const plugin = this.hot.getPlugin('hiddenColumns') as unknown as HiddenColumns;
    const want = hiddenColumns(this.columns, use, this.choices);
    const now = plugin.getHiddenColumns();
    const show = now.filter((i) => !want.includes(i));
    const hide = want.filter((i) => !now.includes(i));
    if (show.length > 0) plugin.showColumns(show);
    if (hide.length > 0) plugin.hideColumns(hide);
    this.on.sheetUse(use);
    return true;
  }

  /** Rebuild the grid's rows (and columns) when rows or formula columns were added, removed or moved. */
  rebuildIfMoved(): boolean {
    const columns = this.syncColumns();
    // The order is compared id by id (cheap); the rows themselves are built only when it moved.
    if (!columns && sameIds(this.engine.rowIds(), this.ids) && this.hot.countSourceRows() === this.ids.length) return false;
    const rows = this.engine.rows();
    this.setIds(rows.map((r) => r.id));
    pruneCellCharts(new Set(this.ids));
    this.tracking.reset(rows);
    const data = rows.map((r) => this.gridRow(r));
    this.data = data;
    // New columns and their data in one call: Handsontable sizes its viewport from both.
    if (columns) this.hot.updateSettings({ columns, data });
    else this.hot.updateData(data, 'updateData');
    this.syncHiddenColumns(columns !== null);
    this.applyFilter();
    this.resort();
    return true;
  }

  shownRow(id: string): GridRow | undefined {
    const physical = this.physicalOf.get(id);
    return physical === undefined ? undefined : this.data[physical];
  }

  gridRow(row: RowState): GridRow {
    return gridRow(row, this.columns, this.source);
  }

  sortedKeys(): ReadonlySet<string> {
    return new Set(sortConfigOf(this.hot).flatMap((c) => this.columns[c.column]?.key ?? []));
  }

  partOf(key: string): CellPart | undefined {
    return this.parts.get(key);
  }

  /** A row's visual index, or null when it is hidden or gone. */
  visualRowOf(id: string): number | null {
    const physical = this.physicalOf.get(id);
    return physical === undefined ? null : this.hot.toVisualRow(physical) ?? null;
  }

  /** Every column's key and visual index. */
  patchColumns(): PatchColumn[] {
    return this.columns.map((c, i) => ({ key: c.key, visualColumn: this.hot.toVisualColumn(i) ?? i }));
  }

  /** Follow the engine's formula columns: new column settings when one was added, removed or changed, else null. */
  private syncColumns(): Handsontable.ColumnSettings[] | null {
    const next = gridColumns(this.engine.formulaColumns());
    const sig = signature(next);
    if (sig === this.columnsSignature) return null;
    const sortedKey = this.columns[sortConfigOf(this.hot)[0]?.column ?? -1]?.key;
    this.columns = next;
    this.indexColumns();
    this.columnsSignature = sig;
    if (sortedKey !== undefined && !next.some((c) => c.key === sortedKey)) sortingOf(this.hot).setSortConfig([]);
    return columnSettings(next, this.lookup, this.source, this.tracking.view);
  }

  /** Keep a chosen sort while results arrive, but never move rows under an open editor (then false). */
  resort(): boolean {
    if (this.hot.getActiveEditor()?.isOpened()) return false;
    this.sortGrouped(sortConfigOf(this.hot));
    return true;
  }

  /** The sort plugin's sort, replaced by ours (grid-sort.ts); false so the plugin does not sort. */
  private sortGrouped(config: readonly SortConfig[]): false {
    applyGroupedSort(this.hot, config, this.columns, this.ids, this.physicalOf, this.source);
    return false;
  }
}

function signature(columns: readonly GridColumn[]): string {
  return JSON.stringify(columns.map((c) => (c.role === 'formula' ? [c.key, c.label, c.formula] : c.key)));
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
