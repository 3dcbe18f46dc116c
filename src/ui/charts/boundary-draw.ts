/**
 * The decision boundary as the TensorFlow Playground draws it: each grid cell tinted with its
 * predicted class's colour, stronger where the model is surer, and the data points on top. Plain
 * canvas 2-D calls, no framework, so the detail panel and the grid's thumbnails share it.
 */
import type { Boundary } from '../../engine/job.ts';

/** Class colours: the Playground's orange and blue for 0 and 1, then Tableau 10 for more classes. */
export const CLASS_COLORS: readonly string[] = [
  '#f59322', '#0877bd', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
];

export function classColor(k: number): string {
  return CLASS_COLORS[((k % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length]!;
}

/** A data point in the dataset's own coordinates (the boundary's extent). */
export interface BoundaryPoint {
  readonly x: number;
  readonly y: number;
  readonly label: number;
}

export interface DrawOptions {
  /** Dot radius in canvas pixels; 0 hides the points. Default: scaled to the canvas. */
  readonly radius?: number;
}

const RGB = CLASS_COLORS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number]);
/** The tint never reaches the full colour, so the points stay visible on it. */
const MAX_TINT = 0.7;

let scratch: HTMLCanvasElement | null = null;

/**
 * Paint `b` over the whole canvas (its width and height attributes, in device pixels), then the
 * points. Cheap enough to call on every epoch: one size x size image scaled up, one path per class.
 */
export function drawBoundary(canvas: HTMLCanvasElement, b: Boundary, points?: readonly BoundaryPoint[], options?: DrawOptions): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || b.size < 1) return;
  const { width, height } = canvas;
  scratch ??= document.createElement('canvas');
  if (scratch.width !== b.size || scratch.height !== b.size) {
    scratch.width = b.size;
    scratch.height = b.size;
  }
  const sctx = scratch.getContext('2d')!;
  const img = sctx.createImageData(b.size, b.size);
  const floor = 1 / Math.max(2, b.classes);
  for (let i = 0; i < b.size * b.size; i++) {
    const rgb = RGB[(b.predicted[i] ?? 0) % RGB.length]!;
    // Chance-level confidence is white; certainty is the class's colour (capped).
    const sure = Math.max(0, Math.min(1, ((b.confidence[i] ?? 0) - floor) / (1 - floor)));
    const a = sure * MAX_TINT;
    img.data[4 * i] = Math.round(255 + (rgb[0] - 255) * a);
    img.data[4 * i + 1] = Math.round(255 + (rgb[1] - 255) * a);
    img.data[4 * i + 2] = Math.round(255 + (rgb[2] - 255) * a);
    img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, width, height);
  ctx.drawImage(scratch, 0, 0, width, height);
  const radius = options?.radius ?? Math.max(1, Math.min(width, height) / 90);
  if (points && points.length > 0 && radius > 0) drawPoints(ctx, b, points, width, height, radius);
  ctx.restore();
}

function drawPoints(ctx: CanvasRenderingContext2D, b: Boundary, points: readonly BoundaryPoint[], width: number, height: number, radius: number): void {
  const [x0, x1, y0, y1] = b.extent;
  const sx = width / (x1 - x0);
  const sy = height / (y1 - y0);
  ctx.lineWidth = Math.max(0.5, radius / 3);
  ctx.strokeStyle = '#ffffff';
  const classes = new Set(points.map((p) => p.label));
  for (const k of classes) {
    ctx.beginPath();
    for (const p of points) {
      if (p.label !== k) continue;
      const px = (p.x - x0) * sx;
      const py = (y1 - p.y) * sy;
      ctx.moveTo(px + radius, py);
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
    }
    ctx.fillStyle = classColor(k);
    ctx.fill();
    if (radius >= 2) ctx.stroke();
  }
}
