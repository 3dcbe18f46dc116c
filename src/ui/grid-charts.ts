/**
 * Small charts inside grid cells: a loss sparkline per row and a decision-boundary thumbnail for
 * 2-D rows. Handsontable calls a renderer for every visible cell on every render (once per engine
 * tick while rows train), so each row keeps one canvas of each kind, redrawn only when its data
 * changed (a new epoch, a new result, a new boundary); otherwise the cached canvas is moved back
 * into the cell, which costs no drawing at all.
 */
import { baseRenderer } from 'handsontable/renderers';
import type { Boundary, EpochRecord } from '../engine/job.ts';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { drawBoundary } from './charts/boundary-draw.ts';
import { timed } from './compare/timings.ts';
import { t } from './i18n/index.ts';
import { type CellRenderer, type RowLookup, reset } from './renderers.ts';

export interface CanvasSize {
  readonly width: number;
  readonly height: number;
}

/** A row's loss curve: training loss per epoch and, when the run has a validation split, validation loss. */
export interface LossCurve {
  readonly loss: readonly number[];
  readonly val: readonly number[] | null;
  /** Changes whenever the points change: the cache key. */
  readonly key: string;
}

/**
 * `row.live` holds the epochs of the run in progress: plain losses in older engines, full epoch
 * records in newer ones; both are read.
 */
type LiveEntry = number | Pick<EpochRecord, 'loss'> & Partial<EpochRecord>;

export function lossCurve(row: RowState): LossCurve {
  const live = row.live as readonly LiveEntry[];
  if (row.status.state === 'running' || (live.length > 0 && !row.result)) {
    const loss = live.map((x) => (typeof x === 'number' ? x : x.loss));
    const val = live.map((x) => (typeof x === 'number' ? NaN : x.valLoss ?? NaN));
    return { loss, val: val.some(Number.isFinite) ? val : null, key: `live:${row.version}:${live.length}` };
  }
  const h = row.result?.history ?? [];
  const val = h.map((e) => e.valLoss);
  return { loss: h.map((e) => e.loss), val: val.some(Number.isFinite) ? val : null, key: `done:${row.result?.jobId ?? ''}:${h.length}` };
}

/** The boundary to show: the live one while training, else the finished run's. */
export function rowBoundary(row: RowState): Boundary | null {
  const live = (row as RowState & { readonly liveBoundary?: Boundary | null }).liveBoundary;
  if (row.status.state === 'running' && live) return live;
  return row.result?.insights?.boundary ?? live ?? null;
}

interface Cached {
  readonly canvas: HTMLCanvasElement;
  key: unknown;
}

const curves = new Map<string, Cached>();
const boundaries = new Map<string, Cached>();
/** Counters the benchmark and tests read: how many canvases were actually redrawn. */
export const chartStats = { curveDraws: 0, boundaryDraws: 0 };

function canvasFor(cache: Map<string, Cached>, id: string, size: CanvasSize): Cached {
  let entry = cache.get(id);
  if (!entry) {
    const canvas = document.createElement('canvas');
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    canvas.width = Math.round(size.width * dpr);
    canvas.height = Math.round(size.height * dpr);
    canvas.style.width = `${size.width}px`;
    canvas.style.height = `${size.height}px`;
    entry = { canvas, key: null };
    cache.set(id, entry);
  }
  return entry;
}

/** Forget canvases of rows that are gone. */
export function pruneCellCharts(ids: ReadonlySet<string>): void {
  for (const cache of [curves, boundaries]) for (const id of cache.keys()) if (!ids.has(id)) cache.delete(id);
}

/** What every chart cell shares: the base renderer, the reset, and no chart for a sweep or a missing row. */
function chartCell(lookup: RowLookup, key: string, draw: (td: HTMLTableCellElement, state: NonNullable<ReturnType<RowLookup>>) => void): CellRenderer {
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    baseRenderer(instance, td, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(td, key, state);
    td.classList.add('ss-chart');
    if (state && !state.sweep) draw(td, state);
  };
}

export function curveRenderer(lookup: RowLookup, key: string, size: CanvasSize): CellRenderer {
  return chartCell(lookup, key, (td, state) => {
    const curve = lossCurve(state);
    if (curve.loss.length === 0) return;
    const entry = canvasFor(curves, state.id, size);
    if (entry.key !== curve.key) {
      timed('cell-sparkline', () => drawSparkline(entry.canvas, curve));
      entry.key = curve.key;
      chartStats.curveDraws++;
    }
    entry.canvas.className = 'ss-sparkline';
    td.append(entry.canvas);
    const first = curve.loss[0]!;
    const last = curve.loss.at(-1)!;
    td.title = t('grid.curve.title', { first: fmt(first), last: fmt(last), epochs: curve.loss.length });
  });
}

export function boundaryRenderer(lookup: RowLookup, key: string, size: CanvasSize): CellRenderer {
  return chartCell(lookup, key, (td, state) => {
    const b = rowBoundary(state);
    if (!b) return;
    const entry = canvasFor(boundaries, state.id, size);
    if (entry.key !== b) {
      timed('cell-boundary', () => drawBoundary(entry.canvas, b, undefined, { radius: 0 }));
      entry.key = b;
      chartStats.boundaryDraws++;
    }
    entry.canvas.className = 'ss-boundary-thumb';
    td.append(entry.canvas);
    td.title = t('grid.boundary.title', { classes: b.classes });
  });
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}

const LOSS_COLOR = '#1f77b4';
const VAL_COLOR = '#e6710a';

/**
 * Loss against epoch, scaled to the canvas. Losses that span decades (a diverging run) are drawn
 * on a log scale so the early epochs do not flatten into the floor; non-finite points break the line.
 */
function drawSparkline(canvas: HTMLCanvasElement, curve: LossCurve): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const all = [...curve.loss, ...(curve.val ?? [])].filter((v) => Number.isFinite(v));
  if (all.length === 0) return;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const log = lo > 0 && hi / lo > 20;
  const f = log ? Math.log : (x: number) => x;
  lo = f(lo);
  hi = f(hi);
  if (hi - lo < 1e-12) { hi += 0.5; lo -= 0.5; }
  const pad = Math.max(1, height * 0.1);
  const n = Math.max(2, curve.loss.length);
  const x = (i: number) => (i / (n - 1)) * (width - 2) + 1;
  const y = (v: number) => pad + (1 - (f(v) - lo) / (hi - lo)) * (height - 2 * pad);
  const line = (points: readonly number[], color: string, dash: number[]) => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    ctx.strokeStyle = color;
    ctx.lineWidth = Math.max(1, height / 20);
    let pen = false;
    points.forEach((v, i) => {
      if (!Number.isFinite(v)) { pen = false; return; }
      if (pen) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      pen = true;
    });
    // One epoch is a dot, not an invisible zero-length line.
    if (points.length === 1 && Number.isFinite(points[0]!)) ctx.lineTo(x(0) + 2, y(points[0]!));
    ctx.stroke();
  };
  if (curve.val) line(curve.val, VAL_COLOR, [3, 2]);
  line(curve.loss, LOSS_COLOR, []);
  ctx.setLineDash([]);
}
