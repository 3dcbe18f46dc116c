/**
 * What the grid keeps about the engine's rows between frames, so that each frame's pass costs
 * the rows that changed, never a walk over a 10,000-row sheet:
 *
 * - the colour scales of the metric columns, kept sorted as runs finish (a finished run inserts
 *   its values; before, every finished run re-sorted the metrics of every row);
 * - which column groups the sheet uses (UseTally, row by row);
 * - per row, the state its cells were last drawn from, so that a progress update redraws the
 *   status and the curve, not the row's thirty cells.
 *
 * No DOM and no Handsontable here: Grid.tsx asks, draws, and tells what it drew.
 */
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { type SheetUse, UseTally } from './column-visibility.ts';
import type { GridColumn } from './grid-columns.ts';
import { type GridView, sortValue } from './renderers.ts';
import { type MetricScale, SCALED_COLUMNS } from './row-values.ts';

/** The kinds of cells, by what their renderers read from the row. */
export type CellPart = 'input' | 'result' | 'status' | 'formula' | 'view';

/** The row fields each kind of cell is drawn from (renderers.ts, grid-charts.ts). */
const READS: Readonly<Record<CellPart, readonly (keyof RowState)[]>> = {
  input: ['cells', 'parsed', 'formulas'],
  result: ['result', 'resultKey', 'status', 'parsed'],
  status: ['status'],
  formula: ['formulas'],
  view: ['live', 'liveBoundary', 'result', 'status'],
};
const PARTS = Object.keys(READS) as CellPart[];

export function cellPart(col: GridColumn): CellPart {
  if (col.role === 'input') return 'input';
  if (col.role === 'result') return col.format === 'status' ? 'status' : 'result';
  return col.role === 'formula' ? 'formula' : 'view';
}

/**
 * The kinds of a row's cells that may look different from when they were last drawn from
 * `before`; null means all of them. The engine replaces a row's fields instead of changing them
 * in place, so an unchanged field is the same object; except `live`, which grows in place: the
 * view cells see a new epoch because they also read `status`, which changes with every epoch.
 * Sweeps and their children read other rows
 * (mean ± sd, the parent's name): always all.
 */
export function changedParts(before: RowState | undefined, after: RowState): ReadonlySet<CellPart> | null {
  if (!before || before.sweep !== after.sweep || before.parent !== after.parent || after.sweep || after.parent) return null;
  const parts = new Set<CellPart>();
  for (const part of PARTS) if (READS[part].some((field) => before[field] !== after[field])) parts.add(part);
  return parts;
}

/** Whether a row counts on the metric colour scales: a current, finished result (sweeps show a mean). */
function scaled(r: RowState): boolean {
  return r.sweep === null && r.result !== null && (r.status.state === 'done' || r.status.state === 'diverged')
    && r.parsed.ok && r.resultKey === r.parsed.key;
}

function insertSorted(list: number[], v: number, better: 'higher' | 'lower'): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (better === 'higher' ? list[mid]! >= v : list[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, v);
}

function removeSorted(list: number[], v: number): void {
  const i = list.indexOf(v);
  if (i >= 0) list.splice(i, 1);
}

/**
 * The metric columns' colour scales (row-values.ts `metricScales`, the same values), kept up to
 * date row by row: each row's contribution is remembered, so a changed row moves only its own
 * values in the sorted lists.
 */
class ScaleKeeper {
  private readonly sorted = new Map<string, number[]>(Object.keys(SCALED_COLUMNS).map((k) => [k, []]));
  private readonly contributed = new Map<string, readonly (number | null)[]>();
  private scales = new Map<string, MetricScale>();
  private readonly keys = Object.keys(SCALED_COLUMNS);

  scale(key: string): MetricScale | undefined {
    return this.scales.get(key);
  }

  /** Start over from every row (a sheet opened or rebuilt): one sort per column. */
  reset(rows: readonly RowState[]): void {
    this.contributed.clear();
    for (const list of this.sorted.values()) list.length = 0;
    for (const r of rows) {
      const values = this.valuesOf(r);
      if (!values) continue;
      this.contributed.set(r.id, values);
      values.forEach((v, i) => { if (v !== null) this.sorted.get(this.keys[i]!)!.push(v); });
    }
    for (const [key, list] of this.sorted) list.sort((a, b) => (SCALED_COLUMNS[key] === 'higher' ? b - a : a - b));
    this.publish();
  }

  /** Count `row` as it is now (undefined: gone); true when any scale moved. */
  update(id: string, row: RowState | undefined): boolean {
    const before = this.contributed.get(id);
    const after = row ? this.valuesOf(row) : null;
    if (!before && !after) return false;
    if (before && after && before.every((v, i) => v === after[i])) return false;
    this.keys.forEach((key, i) => {
      const list = this.sorted.get(key)!;
      const b = before?.[i] ?? null;
      const a = after?.[i] ?? null;
      if (b === a) return;
      if (b !== null) removeSorted(list, b);
      if (a !== null) insertSorted(list, a, SCALED_COLUMNS[key]!);
    });
    if (after) this.contributed.set(id, after);
    else this.contributed.delete(id);
    this.publish();
    return true;
  }

  private valuesOf(r: RowState): (number | null)[] | null {
    if (!scaled(r)) return null;
    const values = this.keys.map((key) => {
      const v = sortValue(key, r);
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    return values.some((v) => v !== null) ? values : null;
  }

  private publish(): void {
    this.scales = new Map();
    for (const [key, list] of this.sorted) {
      if (list.length < 2) continue;
      const better = SCALED_COLUMNS[key]!;
      const lo = Math.min(list[0]!, list.at(-1)!);
      const hi = Math.max(list[0]!, list.at(-1)!);
      this.scales.set(key, { better, sorted: list, log: better === 'lower' && lo > 0 && hi / lo > 20 });
    }
  }
}

export class GridTracking {
  private readonly scales = new ScaleKeeper();
  /** What cell renderers read beyond the row. */
  readonly view: GridView = { scale: (key) => this.scales.scale(key) };
  private tally = new UseTally();
  private useSignature = '';
  /** Per row, the state its cells on screen were last drawn from (absent: draw every cell). */
  private readonly drawn = new Map<string, RowState>();

  constructor(rows: readonly RowState[]) {
    this.reset(rows);
  }

  /** Start over from every row: a sheet opened, rows added, removed or moved, columns changed. */
  reset(rows: readonly RowState[]): void {
    this.scales.reset(rows);
    this.tally = new UseTally();
    for (const r of rows) this.tally.set(r.id, r);
    // Handsontable redraws every cell after a rebuild; what was drawn before no longer tells.
    this.drawn.clear();
  }

  /**
   * Take in a changed row (undefined: gone). Returns whether the colour scales moved (every
   * metric cell on screen may need a new colour) and, for the row's cells, what to redraw.
   */
  update(id: string, row: RowState | undefined): { readonly scalesMoved: boolean; readonly parts: ReadonlySet<CellPart> | null } {
    this.tally.set(id, row);
    const scalesMoved = this.scales.update(id, row);
    const parts = row ? changedParts(this.drawn.get(id), row) : null;
    if (row) this.drawn.set(id, row);
    else this.drawn.delete(id);
    return { scalesMoved, parts };
  }

  /** Draw every cell of this row next time (a person's edit, whose render was held). */
  forgetDrawn(id: string): void {
    this.drawn.delete(id);
  }

  use(): SheetUse {
    return this.tally.use();
  }

  /** The sheet's use, when it changed since the last call (or always with `force`); else null. */
  useChange(force = false): SheetUse | null {
    const use = this.tally.use();
    const sig = JSON.stringify([[...use.groups], [...use.unused]]);
    if (!force && sig === this.useSignature) return null;
    this.useSignature = sig;
    return use;
  }
}
