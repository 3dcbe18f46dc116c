/**
 * The Handsontable adapter. Handsontable owns the DOM of the grid; this component owns the
 * mapping between grid rows and engine rows and keeps the two in step:
 *
 * - Physical grid row i shows engine row `ids[i]` (engine order). Sorting only changes the
 *   visual order, so every hook converts visual -> physical before looking up the row id.
 * - Engine -> grid: changed row ids are gathered and applied once per animation frame, writing
 *   only the cells whose value changed (setSourceDataAtCell does not fire afterChange, so our own
 *   writes never loop back as edits), then one render for the formatting that lives outside data.
 * - Grid -> engine: afterChange from a person (edit, paste, autofill, undo) becomes engine.edit.
 * - Selection: the row of the active cell, as an engine row id, goes to `onSelectRow`.
 */
import Handsontable from 'handsontable/base';
import { AutocompleteCellType, DropdownCellType, TextCellType, registerCellType } from 'handsontable/cellTypes';
import { Autofill, ColumnSorting, CopyPaste, UndoRedo, registerPlugin } from 'handsontable/plugins';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-main.min.css';
import { onCleanup, onMount } from 'solid-js';
import type { CellEdit, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { GRID_COLUMNS, type GridRow, type GridValue, columnSettings, decorateHeader, gridRow, headerLabel, isInputKey } from './grid-columns.ts';
import { sanitizeGridHtml } from './sanitize.ts';

registerCellType(TextCellType);
registerCellType(AutocompleteCellType);
registerCellType(DropdownCellType);
registerPlugin(ColumnSorting);
registerPlugin(CopyPaste);
registerPlugin(Autofill);
registerPlugin(UndoRedo);

type SortConfig = Exclude<ReturnType<ColumnSorting['getSortConfig']>, readonly unknown[] | undefined>;

/** Sources of afterChange that are our own bulk writes, not a person's edit. */
const OWN_SOURCES = new Set(['loadData', 'updateData', 'sweepsheet']);

export function Grid(props: { engine: SheetEngine; onSelectRow?: (id: string) => void }) {
  let host!: HTMLDivElement;
  onMount(() => {
    const sync = new GridSync(host, props.engine, (id) => props.onSelectRow?.(id));
    onCleanup(() => sync.destroy());
  });
  return <div ref={host} class="ss-grid" />;
}

class GridSync {
  private readonly hot: Handsontable.Core;
  private ids: string[] = [];
  private physicalOf = new Map<string, number>();
  private readonly pending = new Set<string>();
  private frame = 0;
  private readonly unsubscribe: () => void;

  constructor(host: HTMLElement, private readonly engine: SheetEngine, private readonly onSelectRow: (id: string) => void) {
    const rows = engine.rows();
    this.setIds(rows.map((r) => r.id));
    const lookup = (physical: number) => {
      const id = this.ids[physical];
      return id === undefined ? undefined : this.engine.row(id);
    };
    this.hot = new Handsontable(host, {
      data: rows.map(gridRow),
      columns: columnSettings(lookup),
      colHeaders: headerLabel,
      rowHeaders: true,
      // The name stays in view while the many setting and result columns scroll past.
      fixedColumnsStart: 1,
      themeName: 'ht-theme-main',
      licenseKey: 'non-commercial-and-evaluation',
      sanitizer: sanitizeGridHtml,
      columnSorting: { sortEmptyCells: false, indicator: true, headerAction: true },
      autoWrapRow: true,
      autoWrapCol: true,
      stretchH: 'none',
      // One line per row: long names and notes are cut with an ellipsis and shown whole in the editor.
      wordWrap: false,
      textEllipsis: true,
      // Rows come from the engine only (the "Add row" button); paste and fill never grow the grid.
      beforeCreateRow: () => false,
      beforeCreateCol: () => false,
      afterGetColHeader: (col, th) => decorateHeader(col, th),
      afterChange: (changes, source) => this.onGridChange(changes, source),
      afterSelectionEnd: () => this.onSelection(),
    });
    this.unsubscribe = engine.subscribe((changed) => {
      for (const id of changed) this.pending.add(id);
      if (this.frame === 0) this.frame = requestAnimationFrame(() => this.applyPending());
    });
  }

  destroy(): void {
    this.unsubscribe();
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.hot.destroy();
  }

  private setIds(ids: string[]): void {
    this.ids = ids;
    this.physicalOf = new Map(ids.map((id, i) => [id, i]));
  }

  private onGridChange(changes: Handsontable.CellChange[] | null, source: string): void {
    if (!changes || OWN_SOURCES.has(source)) return;
    const edits: CellEdit[] = [];
    for (const [visualRow, prop, before, after] of changes) {
      if (!isInputKey(prop)) continue;
      const id = this.ids[this.hot.toPhysicalRow(visualRow)];
      if (id === undefined) continue;
      const text = after === null || after === undefined ? '' : String(after);
      const old = before === null || before === undefined ? '' : String(before);
      if (text !== old) edits.push({ row: id, column: prop, text });
    }
    if (edits.length > 0) this.engine.edit(edits);
  }

  /** The active cell's row (a range selects the row its highlight sits in); headers select nothing. */
  private onSelection(): void {
    const visualRow = this.hot.getSelectedRangeLast()?.highlight.row ?? -1;
    if (visualRow < 0) return;
    const id = this.ids[this.hot.toPhysicalRow(visualRow)];
    if (id !== undefined) this.onSelectRow(id);
  }

  /** One pass per frame: rebuild on added or removed rows, otherwise patch only changed cells. */
  private applyPending(): void {
    this.frame = 0;
    const changed = [...this.pending];
    this.pending.clear();
    const rows = this.engine.rows();
    const sortConfig = this.sortConfig();
    const sortedKeys = new Set(sortConfig.map((c) => GRID_COLUMNS[c.column]?.key));
    if (!sameIds(rows.map((r) => r.id), this.ids)) {
      this.setIds(rows.map((r) => r.id));
      this.hot.updateData(rows.map(gridRow), 'updateData');
      this.resort(sortConfig);
      return;
    }
    const writes: [number, string, GridValue][] = [];
    for (const id of changed) {
      const physical = this.physicalOf.get(id);
      const row = this.engine.row(id);
      if (physical === undefined || !row) continue;
      const shown = this.hot.getSourceDataAtRow(physical) as GridRow;
      for (const [key, value] of Object.entries(gridRow(row))) {
        if (shown[key] !== value) writes.push([physical, key, value]);
      }
    }
    if (writes.length > 0) this.hot.setSourceDataAtCell(writes, 'sweepsheet');
    if (writes.some(([, key]) => sortedKeys.has(key))) this.resort(sortConfig);
    // Status, staleness and errors are drawn from the engine row, so redraw even without writes.
    else if (writes.length === 0) this.hot.render();
  }

  /** Keep a chosen sort while results arrive, but never move rows under an open editor. */
  private resort(config: SortConfig[]): void {
    if (config.length === 0 || this.hot.getActiveEditor()?.isOpened()) return;
    this.sorting().sort(config);
  }

  private sorting(): ColumnSorting {
    return this.hot.getPlugin('columnSorting') as unknown as ColumnSorting;
  }

  private sortConfig(): SortConfig[] {
    const config = this.sorting().getSortConfig();
    return Array.isArray(config) ? config : config ? [config] : [];
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
