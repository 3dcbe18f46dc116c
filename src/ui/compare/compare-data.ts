/**
 * What the comparison charts plot, read from engine rows: the finished runs, the numeric settings
 * and metrics of each (the dimensions), learning curves, and which runs the parallel coordinates'
 * brushes keep. Pure functions of engine rows; no DOM, no chart library.
 */
import { resultValue } from '../../engine/columns.ts';
import type { EpochRecord } from '../../engine/job.ts';
import type { RowState } from '../../engine/scheduler/sheet-engine.ts';
import type { MessageKey } from '../i18n/index.ts';
import { childLabel } from '../row-values.ts';

export type DimKind = 'setting' | 'metric';

/** A numeric axis: a setting read from the row's spec, or a metric read from its result. */
export interface Dimension {
  readonly key: string;
  readonly kind: DimKind;
  /** Whether a larger value is better (metrics only), for colouring. */
  readonly better?: 'higher' | 'lower';
  /** Settings whose useful values are spread over decades: a log axis by default. */
  readonly logByDefault?: boolean;
  readonly value: (row: RowState) => number;
}

const spec = (f: (s: Extract<RowState['parsed'], { ok: true }>) => number) => (row: RowState) => (row.parsed.ok ? f(row.parsed) : NaN);
const metric = (key: string) => (row: RowState) => {
  const v = row.result ? resultValue(key, row.result) : undefined;
  return typeof v === 'number' ? v : NaN;
};

export const SETTINGS: readonly Dimension[] = [
  { key: 'lr', kind: 'setting', logByDefault: true, value: spec((p) => p.spec.learningRate) },
  { key: 'batch_size', kind: 'setting', logByDefault: true, value: spec((p) => p.spec.batchSize) },
  { key: 'epochs', kind: 'setting', value: spec((p) => p.spec.epochs) },
  { key: 'noise', kind: 'setting', value: spec((p) => p.spec.dataset.noise) },
  { key: 'val_split', kind: 'setting', value: spec((p) => p.spec.valSplit) },
  { key: 'early_stop', kind: 'setting', value: spec((p) => p.spec.earlyStop) },
  { key: 'seed', kind: 'setting', value: spec((p) => p.spec.seed) },
  { key: 'params', kind: 'setting', logByDefault: true, value: spec((p) => p.summary.totalParams) },
];

export const METRICS: readonly Dimension[] = [
  { key: 'test_acc', kind: 'metric', better: 'higher', value: metric('test_acc') },
  { key: 'test_loss', kind: 'metric', better: 'lower', value: metric('test_loss') },
  { key: 'train_acc', kind: 'metric', better: 'higher', value: metric('train_acc') },
  { key: 'train_loss', kind: 'metric', better: 'lower', value: metric('train_loss') },
  { key: 'val_acc', kind: 'metric', better: 'higher', value: metric('val_acc') },
  { key: 'val_loss', kind: 'metric', better: 'lower', value: metric('val_loss') },
  { key: 'test_mae', kind: 'metric', better: 'lower', value: metric('test_mae') },
  { key: 'time', kind: 'metric', better: 'lower', value: metric('time') },
  { key: 'epochs_run', kind: 'metric', value: metric('epochs_run') },
];

export const DIMENSIONS: readonly Dimension[] = [...SETTINGS, ...METRICS];

export function dimLabelKey(key: string): MessageKey {
  return `compare.dim.${key}` as MessageKey;
}

/** Runs with a current result: finished (done or diverged), not a sweep (its children are the runs), not stale. */
export function finishedRuns(rows: readonly RowState[]): RowState[] {
  return rows.filter((r) => r.sweep === null && r.result !== null && r.parsed.ok && r.resultKey === r.parsed.key
    && (r.status.state === 'done' || r.status.state === 'diverged'));
}

/** Changes whenever the set of finished runs or any of their results changes. */
export function runsSignature(runs: readonly RowState[]): string {
  return runs.map((r) => `${r.id}:${r.result?.jobId ?? ''}`).join('|');
}

/** Dimensions with at least one finite value, and with more than one value (a constant axis says nothing). */
export function usefulDimensions(runs: readonly RowState[], dims: readonly Dimension[] = DIMENSIONS): Dimension[] {
  return dims.filter((d) => {
    let first: number | undefined;
    for (const r of runs) {
      const v = d.value(r);
      if (!Number.isFinite(v)) continue;
      if (first === undefined) first = v;
      else if (v !== first) return true;
    }
    return false;
  });
}

/** A short name for a row in legends: its name, a sweep child's `↳ lr=0.1`, else its id. */
export function rowName(row: RowState, source: (id: string) => RowState | undefined): string {
  if (row.parent) {
    const parent = source(row.parent);
    const base = parent?.cells.name?.trim() || parent?.id || '';
    return `${base} ${childLabel(row, parent)}`.trim();
  }
  return row.cells.name?.trim() || row.id;
}

export type CurveMetric = 'loss' | 'acc' | 'valLoss' | 'valAcc';
export const CURVE_METRICS: readonly CurveMetric[] = ['loss', 'acc', 'valLoss', 'valAcc'];

const NO_EPOCHS: readonly EpochRecord[] = [];

/** Whether a row's curves show its run in progress (row.live) rather than a finished history. */
export function showsLive(row: RowState): boolean {
  return row.status.state === 'running' || (row.live.length > 0 && !row.result);
}

/** A copy of each live array as it was last read, by array: a new copy only once it has grown. */
const liveCopies = new WeakMap<readonly EpochRecord[], readonly EpochRecord[]>();

/**
 * The epochs a row's curves show: the run in progress while it trains, else its finished history.
 * The same array for the same epochs, a new one when an epoch was added, so memos downstream see a
 * change exactly then. The engine appends a run's records to one array in place (row-state.ts
 * `live`), so the live records are copied here, when a view reads them: once per frame at most
 * for the rows on screen, instead of once per epoch for every running row.
 */
export function shownEpochs(row: RowState): readonly EpochRecord[] {
  if (!showsLive(row)) return row.result?.history ?? NO_EPOCHS;
  const kept = liveCopies.get(row.live);
  if (kept && kept.length === row.live.length) return kept;
  const copy = row.live.slice();
  liveCopies.set(row.live, copy);
  return copy;
}

/** One value per epoch of a row's curve (shownEpochs). */
export function curveValues(row: RowState, m: CurveMetric): number[] {
  return shownEpochs(row).map((e) => e[m]);
}

/** A brush keeps the runs whose value on its axis lies within [lo, hi] (data units). */
export interface Brush {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The rows the grid shows under the brushes: the runs inside every brushed range, and the sweep
 * rows of those that are sweep children (so each stays under its sweep); null when nothing is brushed.
 */
export function brushedRows(runs: readonly RowState[], dims: readonly Dimension[], brushes: ReadonlyMap<string, Brush>): Set<string> | null {
  const active = dims.filter((d) => brushes.has(d.key));
  if (active.length === 0) return null;
  const kept = new Set<string>();
  for (const r of runs) {
    const inside = active.every((d) => {
      const v = d.value(r);
      const b = brushes.get(d.key)!;
      return Number.isFinite(v) && withinBrush(v, b);
    });
    if (inside) {
      kept.add(r.id);
      if (r.parent) kept.add(r.parent);
    }
  }
  return kept;
}

/** Inside a brush, with a little tolerance for a brush drawn to the end of its axis. */
export function withinBrush(v: number, b: Brush): boolean {
  const tol = 1e-9 * Math.max(Math.abs(b.lo), Math.abs(b.hi));
  return v >= b.lo - tol && v <= b.hi + tol;
}

/** Whether positive values spread over enough decades that a log axis reads better. */
export function spansDecades(values: readonly number[]): boolean {
  const pos = values.filter((v) => Number.isFinite(v));
  if (pos.length < 2 || pos.some((v) => v <= 0)) return false;
  return Math.max(...pos) / Math.min(...pos) >= 30;
}
