/**
 * The training points over a decision boundary as SVG path data: one path per class, each point a
 * circle drawn as two arcs. One element per class instead of one per point keeps the DOM small
 * (the toy sets have hundreds of points), and the points never change while a row trains, so the
 * browser paints them once while the boundary image under them is replaced.
 */
import type { Boundary } from '../../engine/job.ts';
import type { BoundaryPoint } from './boundary-draw.ts';

/** Path data for the points of each class present, placed on a `side` x `side` view of `extent`. */
export function pointPaths(points: readonly BoundaryPoint[], extent: Boundary['extent'], side: number, radius: number): Map<number, string> {
  const [x0, x1, y0, y1] = extent;
  const sx = side / (x1 - x0);
  const sy = side / (y1 - y0);
  const parts = new Map<number, string[]>();
  const r = radius.toFixed(2);
  const d = (2 * radius).toFixed(2);
  for (const p of points) {
    const px = (p.x - x0) * sx;
    const py = (y1 - p.y) * sy;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    let list = parts.get(p.label);
    if (!list) parts.set(p.label, (list = []));
    list.push(`M${(px - radius).toFixed(2)} ${py.toFixed(2)}a${r} ${r} 0 1 0 ${d} 0a${r} ${r} 0 1 0 -${d} 0`);
  }
  return new Map([...parts].sort(([a], [b]) => a - b).map(([k, list]) => [k, list.join('')]));
}
