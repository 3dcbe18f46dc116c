/**
 * The grid's loss sparkline paths (src/ui/grid-svg.ts sparklinePaths, pure: no DOM). A long run
 * is thinned to two points per pixel column, its lowest and highest, so a 500-epoch curve costs a
 * third of the path and still shows its spikes and gaps where the full path would.
 */
import { describe, expect, it } from 'vitest';
import { sparklinePaths } from '../../src/ui/grid-svg.ts';

const size = { width: 84, height: 20 };

/** The points of a path: [command, x, y] per M or L. */
function points(d: string): [string, number, number][] {
  return [...d.matchAll(/([ML])(-?[\d.]+) (-?[\d.]+)/g)].map((m) => [m[1]!, Number(m[2]), Number(m[3])]);
}

describe('sparkline paths', () => {
  it('ends a thinned line on the last epoch even when it is neither its column\'s lowest nor highest', () => {
    // review-20: the line ended on the last column's extreme, not on the loss the row shows.
    const loss = Array.from({ length: 500 }, (_, i) => 0.12 + (i % 2 === 0 ? 0.02 : -0.02) + (i === 499 ? 0.005 : 0));
    const pts = points(sparklinePaths({ loss, val: null }, size).loss);
    const [lo, hi] = [Math.min(...loss), Math.max(...loss)];
    const y = (v: number) => Number((2 + (1 - (v - lo) / (hi - lo)) * (size.height - 4)).toFixed(1));
    expect(pts.at(-1)).toEqual(['L', 83, y(loss[499]!)]);
    expect(pts[0]).toEqual(['M', 1, y(loss[0]!)]);
  });

  it('draws a short run point by point', () => {
    const loss = [1, 0.8, 0.6, 0.5, 0.45];
    const d = sparklinePaths({ loss, val: null }, size).loss;
    expect(points(d).length).toBe(5);
    expect(d.startsWith('M1.0 ')).toBe(true);
    expect(d.split('M').length - 1).toBe(1);
  });

  it('thins a 500-epoch run to at most two points per pixel column: the lowest and the highest of each', () => {
    // A falling loss with one-epoch spikes, as a noisy batch-1 run has (a range under 20x: a linear scale).
    const spikes = new Set([137, 301, 302]);
    const loss = Array.from({ length: 500 }, (_, i) => 0.5 + 0.5 / (1 + i / 20) + (spikes.has(i) ? 0.6 : 0));
    const d = sparklinePaths({ loss, val: null }, size).loss;
    const pts = points(d);
    // Two per column, and the first and last epoch where they are.
    expect(pts.length).toBeLessThanOrEqual(2 * (size.width - 2) + 2);
    expect(pts.length).toBeGreaterThan(size.width - 2);
    expect(d.split('M').length - 1).toBe(1);
    // Where each epoch would be drawn, as sparklinePaths scales it (pad 2 px, one decimal).
    const [lo, hi] = [Math.min(...loss), Math.max(...loss)];
    const x = (i: number) => Number(((i / 499) * (size.width - 2) + 1).toFixed(1));
    const y = (v: number) => Number((2 + (1 - (v - lo) / (hi - lo)) * (size.height - 4)).toFixed(1));
    expect(pts[0]!).toEqual(['M', x(0), y(loss[0]!)]);
    expect(pts.at(-1)!).toEqual(['L', x(499), y(loss[499]!)]);
    // Every pixel column draws its highest and its lowest epoch, so every spike shows at its top.
    for (let col = 0; col < size.width - 2; col++) {
      const epochs = loss.map((_, i) => i).filter((i) => Math.min(size.width - 3, Math.floor((i / 499) * (size.width - 2))) === col);
      if (epochs.length === 0) continue;
      const drawn = pts.filter((p) => epochs.some((i) => x(i) === p[1])).map((p) => p[2]);
      const values = epochs.map((i) => loss[i]!);
      expect(drawn, `column ${col}`).toContain(y(Math.max(...values)));
      expect(drawn, `column ${col}`).toContain(y(Math.min(...values)));
    }
    // The tops of the spikes (302 shares 301's column and is lower) are drawn where the full path has them.
    for (const i of [137, 301]) expect(pts.some((p) => p[1] === x(i) && p[2] === y(loss[i]!))).toBe(true);
  });

  it('breaks the thinned line where the loss is not finite, and goes on after', () => {
    const loss = Array.from({ length: 400 }, (_, i) => (i >= 200 && i < 210 ? NaN : 1 - i / 500));
    const d = sparklinePaths({ loss, val: null }, size).loss;
    // Two subpaths: before the gap and after it.
    expect(d.split('M').length - 1).toBe(2);
    const pts = points(d);
    const gapStart = pts.findIndex((p, k) => k > 0 && p[0] === 'M');
    const before = pts[gapStart - 1]!;
    const after = pts[gapStart]!;
    expect(before[1]).toBeLessThan(after[1]);
    // Nothing is drawn over the gap's columns (epochs 200-209 are x 41.9-44.0).
    expect(after[1] - before[1]).toBeGreaterThan(1.5);
  });

  it('thins the validation line the same way, on the same x', () => {
    const loss = Array.from({ length: 300 }, (_, i) => 1 / (1 + i / 30));
    const val = Array.from({ length: 300 }, (_, i) => 1.1 / (1 + i / 40));
    const paths = sparklinePaths({ loss, val }, size);
    expect(points(paths.val).length).toBeLessThanOrEqual(2 * (size.width - 2) + 2);
    expect(points(paths.val).at(-1)![1]).toBe(points(paths.loss).at(-1)![1]);
  });
});
