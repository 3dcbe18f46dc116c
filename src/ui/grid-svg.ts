/**
 * A row's loss sparkline as inline SVG: one <path> for the training loss, one (dashed) for the
 * validation loss. Not a canvas: chromium gives every canvas a composited layer of its own, and
 * with a dozen rows on screen those layers made each frame's paint (Layerize) cost more than the
 * rest of the frame. An SVG path is painted with the table, and a redraw is one attribute.
 * Built with createElementNS and setAttribute only: nothing here is parsed as markup.
 *
 * Behind the lines, an invisible rectangle fills the box. Chromium re-layerizes the whole page
 * (3-6 ms with the grid on screen) when the bounds of a piece of paint change, and a new path
 * alone changes them every epoch; with the rectangle the bounds are always the box. (An <img> of
 * the SVG keeps its bounds too, but each new source builds an SVG document: 2.6 ms a redraw.)
 */
import { CURVE_COLORS } from './charts/boundary-draw.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface SparkSize {
  readonly width: number;
  readonly height: number;
}

/** The points of a sparkline: training loss per epoch and, when there is a validation split, validation loss. */
export interface SparkData {
  readonly loss: readonly number[];
  readonly val: readonly number[] | null;
}

/** The path data of each line, in the SVG's own pixels (its viewBox is the cell's size). */
export interface SparkPaths {
  readonly loss: string;
  /** Empty without a validation split. */
  readonly val: string;
}

/** The elements of one row's sparkline: the <svg> moved into its cell, and its two lines. */
export interface Sparkline {
  readonly svg: SVGSVGElement;
  readonly loss: SVGPathElement;
  readonly val: SVGPathElement;
}


export function createSparkline(size: SparkSize): Sparkline {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', String(size.width));
  svg.setAttribute('height', String(size.height));
  svg.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  svg.setAttribute('class', 'ss-sparkline');
  svg.setAttribute('aria-hidden', 'true');
  const line = (color: string, kind: string) => {
    const p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('fill', 'none');
    p.setAttribute('stroke', color);
    p.setAttribute('stroke-width', String(Math.max(1, size.height / 20)));
    p.setAttribute('stroke-linejoin', 'round');
    p.setAttribute('data-line', kind);
    p.setAttribute('d', NO_LINE);
    return p;
  };
  const val = line(CURVE_COLORS.val, 'val');
  val.setAttribute('stroke-dasharray', '3 2');
  const loss = line(CURVE_COLORS.train, 'loss');
  // Painted, but not to be seen: it pins the paint bounds to the box (see above).
  const box = document.createElementNS(SVG_NS, 'rect');
  box.setAttribute('width', String(size.width));
  box.setAttribute('height', String(size.height));
  box.setAttribute('fill', '#fff');
  box.setAttribute('fill-opacity', '0.01');
  // Validation first, so the training loss is drawn over it.
  svg.append(box, val, loss);
  return { svg, loss, val };
}

/**
 * What a line with no points draws: a stroke a hundredth of a pixel long in the box's corner,
 * invisible. A line that goes from nothing to a path is a new piece of paint, and chromium
 * re-layerized the whole page for it (PaintArtifactCompositor::Update, 2-3.5 ms) at every run
 * finishing on screen, whose sparkline had not been drawn while it trained; a path that only
 * changes does not. Relative (lower-case) commands: it is no point of the curve.
 */
export const NO_LINE = 'm0.5 0.5h0.01';

/** How many points a line draws as they are in a box `width` px wide: two per pixel column; more are thinned to that. */
function pointsDrawn(width: number): number {
  return 2 * Math.max(1, width - 2);
}

/** Point the sparkline's lines at new data (one attribute per line). */
export function drawSparkline(s: Sparkline, data: SparkData, size: SparkSize): void {
  const paths = sparklinePaths(data, size);
  s.loss.setAttribute('d', paths.loss || NO_LINE);
  s.val.setAttribute('d', paths.val || NO_LINE);
}

/**
 * Loss against epoch, scaled to the box. Losses that span decades (a diverging run) are drawn on
 * a log scale so the early epochs do not flatten into the floor; a non-finite point breaks the
 * line (the next finite one starts a new subpath: M, not L). One epoch is a short dash, not an
 * invisible zero-length line. Coordinates keep one decimal: finer is invisible at this size.
 */
export function sparklinePaths(data: SparkData, size: SparkSize): SparkPaths {
  const { width, height } = size;
  const all = [...data.loss, ...(data.val ?? [])].filter((v) => Number.isFinite(v));
  if (all.length === 0) return { loss: '', val: '' };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const log = lo > 0 && hi / lo > 20;
  const f = log ? Math.log : (x: number) => x;
  lo = f(lo);
  hi = f(hi);
  if (hi - lo < 1e-12) { hi += 0.5; lo -= 0.5; }
  const pad = Math.max(1, height * 0.1);
  const n = Math.max(2, data.loss.length);
  const x = (i: number) => (i / (n - 1)) * (width - 2) + 1;
  const y = (v: number) => pad + (1 - (f(v) - lo) / (hi - lo)) * (height - 2 * pad);
  // More points than two per pixel column (a 500-epoch run in 84 px): each pixel column keeps
  // its lowest and highest point, in epoch order, so spikes still show and the path (built, parsed
  // and stroked at every redraw while the row trains) is a third as long.
  const columns = pointsDrawn(width);
  const path = (points: readonly number[]): string => {
    let d = '';
    let pen = false;
    const put = (i: number) => {
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(points[i]!).toFixed(1)}`;
      pen = true;
    };
    if (points.length <= columns) {
      for (let i = 0; i < points.length; i++) {
        if (Number.isFinite(points[i]!)) put(i);
        else pen = false;
      }
    } else {
      // low/high: indices of the current column's lowest and highest finite points (-1: none yet).
      let column = -1, low = -1, high = -1;
      const flush = () => {
        if (low < 0) return;
        put(Math.min(low, high));
        if (high !== low) put(Math.max(low, high));
        low = high = -1;
      };
      // The first and the last epoch are drawn where they are whatever their column's extremes (the
      // line ends on the last loss, which the row's numbers show).
      const last = points.length - 1;
      for (let i = 0; i < points.length; i++) {
        const v = points[i]!;
        const c = Math.min(width - 3, Math.floor((i / (n - 1)) * (width - 2)));
        if (c !== column) { flush(); column = c; }
        if (!Number.isFinite(v)) { flush(); pen = false; continue; }
        if (i === 0 || i === last) { flush(); put(i); continue; }
        if (low < 0 || v < points[low]!) low = i;
        if (high < 0 || v > points[high]!) high = i;
      }
      flush();
    }
    if (points.length === 1 && d !== '') d += 'h2';
    return d;
  };
  return { loss: path(data.loss), val: data.val ? path(data.val) : '' };
}
