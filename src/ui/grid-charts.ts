/**
 * Small charts inside grid cells: a loss sparkline per row and a decision-boundary thumbnail for
 * 2-D rows. Handsontable calls a renderer for every visible cell on every render (once per engine
 * tick while rows train), so each row keeps one element of each kind, redrawn only when its data
 * changed (a new epoch, a new result, a new boundary); otherwise the cached element is moved back
 * into the cell, which costs no drawing at all. Neither is a canvas: chromium composites every
 * canvas as a layer of its own, and with the rows on screen training those layers cost each frame
 * more paint than everything else. The sparkline is an inline SVG path (grid-svg.ts), the
 * thumbnail an <img> of a tiny BMP (boundary-bmp.ts).
 */
import { baseRenderer } from 'handsontable/renderers';
import type { Boundary } from '../engine/job.ts';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { boundaryDataUrl } from './boundary-bmp.ts';
import { shownEpochs } from './compare/compare-data.ts';
import { timed } from './compare/timings.ts';
import { type SparkData, type SparkSize, type Sparkline, createSparkline, drawSparkline } from './grid-svg.ts';
import { t } from './i18n/index.ts';
import { type CellRenderer, type RowLookup, reset } from './renderers.ts';

/** A chart cell's size in CSS pixels (the sparkline's, which the thumbnail shares). */
export type ChartSize = SparkSize;

/** A row's loss curve (training and, with a validation split, validation loss), with its cache key. */
export interface LossCurve extends SparkData {
  /** Changes whenever the points change: the cache key. */
  readonly key: string;
}

/** A row's loss sparkline: the epochs its curves show (compare-data.ts), keyed by run and length. */
export function lossCurve(row: RowState): LossCurve {
  const epochs = shownEpochs(row);
  const val = epochs.map((e) => e.valLoss);
  const key = epochs === row.live ? `live:${row.version}:${epochs.length}` : `done:${row.result?.jobId ?? ''}:${epochs.length}`;
  return { loss: epochs.map((e) => e.loss), val: val.some(Number.isFinite) ? val : null, key };
}

/** The boundary to show: the live one while training, else the finished run's. */
export function rowBoundary(row: RowState): Boundary | null {
  if (row.status.state === 'running' && row.liveBoundary) return row.liveBoundary;
  return row.result?.insights?.boundary ?? row.liveBoundary ?? null;
}

interface Cached<E> {
  readonly el: E;
  key: unknown;
}

const curves = new Map<string, Cached<Sparkline>>();
const boundaries = new Map<string, Cached<HTMLImageElement>>();
/** Counters the benchmark and tests read: how many charts were actually redrawn. */
export const chartStats = { curveDraws: 0, boundaryDraws: 0 };

function cachedFor<E>(cache: Map<string, Cached<E>>, id: string, create: () => E): Cached<E> {
  let entry = cache.get(id);
  if (!entry) {
    entry = { el: create(), key: null };
    cache.set(id, entry);
  }
  return entry;
}

function thumbnail(size: ChartSize): HTMLImageElement {
  const img = document.createElement('img');
  img.className = 'ss-boundary-thumb';
  img.width = size.width;
  img.height = size.height;
  img.alt = '';
  img.decoding = 'async';
  return img;
}

/** Forget the charts of rows that are gone. */
export function pruneCellCharts(ids: ReadonlySet<string>): void {
  for (const cache of [curves, boundaries] as Map<string, unknown>[]) for (const id of cache.keys()) if (!ids.has(id)) cache.delete(id);
}

/**
 * What every chart cell shares: the base renderer, the reset, and no chart for a sweep or a missing
 * row. `draw` returns the element to show, which stays in the cell if it is there already: taken
 * out and put back, an image gets a new box, and the table is laid out again.
 */
function chartCell(lookup: RowLookup, key: string, draw: (td: HTMLTableCellElement, state: NonNullable<ReturnType<RowLookup>>) => Element | null): CellRenderer {
  return (instance, td, row, colIndex, prop, value, cellProperties) => {
    baseRenderer(instance, td, row, colIndex, prop, value, cellProperties);
    const state = lookup(instance.toPhysicalRow(row));
    reset(td, key, state, true);
    td.classList.add('ss-chart');
    const el = state && !state.sweep ? draw(td, state) : null;
    if (el === null) td.replaceChildren();
    else if (td.childNodes.length !== 1 || td.firstChild !== el) td.replaceChildren(el);
  };
}

export function curveRenderer(lookup: RowLookup, key: string, size: ChartSize): CellRenderer {
  return chartCell(lookup, key, (td, state) => {
    const curve = lossCurve(state);
    if (curve.loss.length === 0) return null;
    const entry = cachedFor(curves, state.id, () => createSparkline(size));
    if (entry.key !== curve.key) {
      timed('cell-sparkline', () => drawSparkline(entry.el, curve, size));
      entry.key = curve.key;
      chartStats.curveDraws++;
    }
    const first = curve.loss[0]!;
    const last = curve.loss.at(-1)!;
    td.title = t('grid.curve.title', { first: fmt(first), last: fmt(last), epochs: curve.loss.length });
    return entry.el.svg;
  });
}

export function boundaryRenderer(lookup: RowLookup, key: string, size: ChartSize): CellRenderer {
  return chartCell(lookup, key, (td, state) => {
    const b = rowBoundary(state);
    if (!b) return null;
    const entry = cachedFor(boundaries, state.id, () => thumbnail(size));
    if (entry.key !== b) {
      const url = timed('cell-boundary', () => boundaryDataUrl(b));
      if (url) entry.el.src = url;
      else entry.el.removeAttribute('src');
      entry.key = b;
      chartStats.boundaryDraws++;
    }
    td.title = t('grid.boundary.title', { classes: b.classes });
    return entry.el;
  });
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}
