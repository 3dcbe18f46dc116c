/**
 * Parallel coordinates over the finished runs, drawn on one canvas: an axis per numeric setting
 * and metric, a line per run, and a brush per axis (drag along it) that keeps the runs inside the
 * range; a click on an axis clears its brush. Hovering a line names its run and lists its values
 * (parallel-hover.ts) and draws the line on top, darker and thicker. Drawn by hand rather than with a chart library:
 * uPlot has no parallel series, and ECharts' (with its brush component) would add a dependency
 * several times the size of everything else on the page for about two hundred lines of canvas
 * code, while the brush here must drive our own grid filter anyway. A redraw of 100 runs is a few
 * hundred line segments, 2-3 ms of script, but chromium rasterizes the 1,500-pixel-wide canvas at
 * the end of the task (CanvasRenderingContext2D::FinalizeFrame: 13-19 ms of CPU in bench:charts
 * with 1.5 px lines), which is why the panel redraws it in a task of its own, with 1 px lines.
 */
import type { RowState } from '../../engine/scheduler/sheet-engine.ts';
import { type Brush, type Dimension, spansDecades, withinBrush } from './compare-data.ts';
import { type DrawnLine, HoverTip, nearestLine } from './parallel-hover.ts';

interface AxisScale {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
}

/** Where an axis is drawn, in CSS pixels of the canvas (tests read this from `data-axes`). */
export interface AxisPlace {
  readonly key: string;
  readonly x: number;
  readonly top: number;
  readonly bottom: number;
}

const HEIGHT = 280;
const TOP = 44;
const BOTTOM = 22;
const SIDE = 48;
/** How near an axis, in pixels, a press starts its brush. */
const GRAB = 16;

export class ParallelChart {
  readonly canvas: HTMLCanvasElement;
  private runs: readonly RowState[] = [];
  private dims: readonly Dimension[] = [];
  private scales: AxisScale[] = [];
  private readonly brushes = new Map<string, Brush>();
  private drag: { axis: number; y0: number; y1: number } | null = null;
  private width = 800;
  private frame = 0;
  /** Redraws so far (tests read it from `data-draws`). */
  private draws = 0;
  /** The lines as last drawn, for finding the one under the pointer. */
  private drawn: DrawnLine[] = [];
  /** The run under the pointer (tests read it from `data-hovered`). */
  private hovered: string | null = null;
  private readonly tip: HoverTip;

  /**
   * `describe` gives a run's tooltip: its name and one text line per value (the labels and the
   * formatting are the panel's, in the page's language).
   */
  constructor(
    host: HTMLElement,
    private readonly label: (key: string) => string,
    private readonly onBrush: (brushes: ReadonlyMap<string, Brush>) => void,
    private readonly describe: (run: RowState, dims: readonly Dimension[]) => { title: string; lines: string[] },
  ) {
    host.classList.add('ss-parallel-host');
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'ss-parallel-canvas';
    this.canvas.dataset.testid = 'parallel-canvas';
    host.append(this.canvas);
    this.tip = new HoverTip(host);
    this.canvas.addEventListener('pointerdown', this.down);
    this.canvas.addEventListener('pointermove', this.move);
    this.canvas.addEventListener('pointerup', this.up);
    this.canvas.addEventListener('pointerleave', this.leave);
  }

  brushMap(): ReadonlyMap<string, Brush> {
    return this.brushes;
  }

  /** New runs or dimensions; brushes on axes that are gone are dropped. */
  setData(runs: readonly RowState[], dims: readonly Dimension[], width: number): void {
    this.runs = runs;
    this.dims = dims;
    this.width = Math.max(320, width);
    this.scales = dims.map((d) => {
      const values = runs.map((r) => d.value(r)).filter(Number.isFinite);
      const log = d.logByDefault === true && spansDecades(values);
      const lo = values.length ? Math.min(...values) : 0;
      const hi = values.length ? Math.max(...values) : 1;
      return { lo, hi, log };
    });
    // A hovered run that is gone (removed, or no longer finished) loses its tooltip.
    if (this.hovered !== null && !runs.some((r) => r.id === this.hovered)) {
      this.hovered = null;
      this.tip.hide();
    }
    let dropped = false;
    for (const key of [...this.brushes.keys()]) {
      if (!dims.some((d) => d.key === key)) { this.brushes.delete(key); dropped = true; }
    }
    this.draw();
    if (dropped) this.onBrush(this.brushes);
  }

  clear(): void {
    if (this.brushes.size === 0) return;
    this.brushes.clear();
    this.draw();
    this.onBrush(this.brushes);
  }

  destroy(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.tip.destroy();
    this.canvas.remove();
  }

  private axisX(i: number): number {
    const n = this.dims.length;
    return n <= 1 ? this.width / 2 : SIDE + (i * (this.width - 2 * SIDE)) / (n - 1);
  }

  /** 0 at the bottom of an axis, 1 at the top. */
  private norm(i: number, v: number): number {
    const s = this.scales[i]!;
    const f = s.log ? Math.log : (x: number) => x;
    const span = f(s.hi) - f(s.lo);
    return span === 0 ? 0.5 : (f(v) - f(s.lo)) / span;
  }

  private valueAt(i: number, y: number): number {
    const s = this.scales[i]!;
    const u = 1 - (y - TOP) / (HEIGHT - TOP - BOTTOM);
    const clamped = Math.min(1, Math.max(0, u));
    // The ends are the data's own extremes, exactly: a brush to the end keeps the extreme run.
    if (clamped === 1) return s.hi;
    if (clamped === 0) return s.lo;
    if (s.log) return Math.exp(Math.log(s.lo) + clamped * (Math.log(s.hi) - Math.log(s.lo)));
    return s.lo + clamped * (s.hi - s.lo);
  }

  private y(n: number): number {
    return TOP + (1 - n) * (HEIGHT - TOP - BOTTOM);
  }

  private inside(r: RowState): boolean {
    return this.dims.every((d) => {
      const b = this.brushes.get(d.key);
      if (!b) return true;
      const v = d.value(r);
      return Number.isFinite(v) && withinBrush(v, b);
    });
  }

  draw(): void {
    // Drawn now: a frame asked for before (drawSoon) would draw the same again.
    if (this.frame !== 0) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const c = this.canvas;
    if (c.width !== Math.round(this.width * dpr)) c.width = Math.round(this.width * dpr);
    if (c.height !== Math.round(HEIGHT * dpr)) c.height = Math.round(HEIGHT * dpr);
    c.style.width = `${this.width}px`;
    c.style.height = `${HEIGHT}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, HEIGHT);
    const places: AxisPlace[] = this.dims.map((d, i) => ({ key: d.key, x: this.axisX(i), top: TOP, bottom: HEIGHT - BOTTOM }));
    c.dataset.axes = JSON.stringify(places);
    if (this.dims.length === 0) return;
    // Colour runs by the first metric axis (test accuracy when the sheet has it), best darkest.
    const colourAxis = this.dims.findIndex((d) => d.kind === 'metric');
    const kept = this.runs.filter((r) => this.inside(r));
    const out = this.runs.filter((r) => !this.inside(r));
    this.drawn = [];
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(140, 140, 140, 0.25)';
    for (const r of out) this.drawn.push({ id: r.id, points: this.line(ctx, r) });
    // Hairlines (1 px) for the kept runs too: without a GPU chromium rasterizes the canvas on the
    // main thread at the end of the task, and Skia strokes a 1.5 px line as a polygon but a 1 px one
    // on its hairline path: 100 polylines across the panel 57-71 ms -> 5-8 (bench/README, bench:charts).
    ctx.lineWidth = 1;
    for (const r of kept) {
      const dim = this.dims[colourAxis];
      let q = 0.5;
      if (dim) {
        const v = dim.value(r);
        q = Number.isFinite(v) ? this.norm(colourAxis, v) : 0;
        if (dim.better === 'lower') q = 1 - q;
      }
      ctx.strokeStyle = `hsla(${28 + 180 * q}, 70%, ${55 - 20 * q}%, 0.85)`;
      this.drawn.push({ id: r.id, points: this.line(ctx, r) });
    }
    // The hovered run on top of the others, dark and thick enough to follow across the axes.
    const hovered = this.hovered === null ? undefined : this.runs.find((r) => r.id === this.hovered);
    if (hovered) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#1f2328';
      this.line(ctx, hovered);
    }
    c.dataset.hovered = hovered?.id ?? '';
    this.axes(ctx);
    c.dataset.kept = String(kept.length);
    c.dataset.runs = String(this.runs.length);
    c.dataset.draws = String(++this.draws);
    c.dataset.brushes = JSON.stringify(Object.fromEntries(this.brushes));
  }

  /** Draw a run's line; returns its points, for finding it under the pointer. */
  private line(ctx: CanvasRenderingContext2D, r: RowState): [number, number][] {
    ctx.beginPath();
    let pen = false;
    const points: [number, number][] = [];
    this.dims.forEach((d, i) => {
      const v = d.value(r);
      if (!Number.isFinite(v) || (this.scales[i]!.log && v <= 0)) { pen = false; return; }
      const x = this.axisX(i);
      const y = this.y(this.norm(i, v));
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
      points.push([x, y]);
    });
    ctx.stroke();
    return points;
  }

  private axes(ctx: CanvasRenderingContext2D): void {
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    this.dims.forEach((d, i) => {
      const x = this.axisX(i);
      ctx.strokeStyle = '#57606a';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, TOP);
      ctx.lineTo(x, HEIGHT - BOTTOM);
      ctx.stroke();
      ctx.fillStyle = '#1f2328';
      // Neighbouring names alternate between two lines so long ones do not overlap.
      ctx.fillText(this.label(d.key), x, i % 2 === 0 ? 12 : 26);
      const s = this.scales[i]!;
      ctx.fillStyle = '#57606a';
      ctx.fillText(short(s.hi), x, TOP - 4);
      ctx.fillText(short(s.lo), x, HEIGHT - BOTTOM + 13);
      const b = this.drag?.axis === i ? this.dragBrush() : this.brushes.get(d.key);
      if (b) {
        const y0 = this.y(this.norm(i, b.hi));
        const y1 = this.y(this.norm(i, b.lo));
        ctx.fillStyle = 'rgba(31, 35, 40, 0.18)';
        ctx.strokeStyle = '#1f2328';
        ctx.fillRect(x - 7, y0, 14, Math.max(2, y1 - y0));
        ctx.strokeRect(x - 7, y0, 14, Math.max(2, y1 - y0));
      }
    });
  }

  private dragBrush(): Brush | undefined {
    const d = this.drag;
    if (!d) return undefined;
    const a = this.valueAt(d.axis, d.y0);
    const b = this.valueAt(d.axis, d.y1);
    return { lo: Math.min(a, b), hi: Math.max(a, b) };
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private readonly down = (e: PointerEvent) => {
    const p = this.point(e);
    let best = -1;
    this.dims.forEach((_, i) => {
      if (Math.abs(this.axisX(i) - p.x) <= GRAB && (best < 0 || Math.abs(this.axisX(i) - p.x) < Math.abs(this.axisX(best) - p.x))) best = i;
    });
    if (best < 0) return;
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drag = { axis: best, y0: p.y, y1: p.y };
    this.setHover(null, null);
    e.preventDefault();
  };

  private readonly move = (e: PointerEvent) => {
    if (!this.drag) {
      const p = this.point(e);
      this.setHover(nearestLine(this.drawn, p.x, p.y), p);
      return;
    }
    this.drag.y1 = this.point(e).y;
    this.applyDrag(false);
  };

  private readonly up = (e: PointerEvent) => {
    if (!this.drag) return;
    this.drag.y1 = this.point(e).y;
    this.applyDrag(true);
    this.drag = null;
    this.draw();
  };

  private readonly leave = () => {
    if (!this.drag) this.setHover(null, null);
  };

  /** Hover `id` (null: none) with the pointer at `p`: redraw when the line changes, move the tooltip. */
  private setHover(id: string | null, p: { x: number; y: number } | null): void {
    const changed = id !== this.hovered;
    this.hovered = id;
    const run = id === null ? undefined : this.runs.find((r) => r.id === id);
    if (run && p) {
      const { title, lines } = this.describe(run, this.dims);
      this.tip.show(title, lines, p.x, p.y, this.width, HEIGHT);
    } else {
      this.tip.hide();
    }
    // Redrawn once per frame, as the brush is: a pointer swept across thousands of lines changes
    // the hovered one at every pointermove, and each redraw draws every line.
    if (changed) this.drawSoon();
  }

  /**
   * While dragging, the brush and the highlighted lines follow the pointer once per frame; the
   * grid is filtered on release, since filtering it moves this canvas on the page.
   */
  private applyDrag(final: boolean): void {
    const d = this.drag!;
    const key = this.dims[d.axis]!.key;
    if (Math.abs(d.y1 - d.y0) < 3) {
      if (!final) return;
      this.brushes.delete(key);
    } else {
      this.brushes.set(key, this.dragBrush()!);
    }
    if (final) {
      if (this.frame !== 0) cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.onBrush(this.brushes);
      return;
    }
    this.drawSoon();
  }

  /** Draw at the next frame, once however often it is asked for before then. */
  private drawSoon(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }
}

function short(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}
