/**
 * Which ranges cover a cell: per column, a segment tree over row positions in which each range is
 * kept at the O(log n) tree nodes that exactly cover its rows. A lookup walks one root-to-leaf path.
 *
 * A pass asks about many cells and wants each range once (its readers are queued once, it turns
 * dirty once). With 10,000 formulas `=SUM($N$1:N1)` … `=SUM($N$1:N10000)`, a list scanned per
 * cell made 1e8 checks; here a pass marks the tree nodes it has read as used and skips them, so a
 * pass costs O((cells + ranges) log n) however the ranges overlap.
 */
import type { RangeDep } from './nodes.ts';

export class ColumnRangeIndex {
  /** Tree node (1 is the root, 2i and 2i+1 its halves) -> the ranges kept there. */
  private readonly at = new Map<number, RangeDep[]>();
  /** Row positions the tree spans: 0 .. size - 1. */
  private readonly size: number;

  constructor(ranges: ReadonlySet<RangeDep>) {
    let size = 1;
    for (const r of ranges) size = Math.max(size, r.toRow + 1);
    this.size = size;
    for (const r of ranges) this.insert(r, 1, 0, size - 1);
  }

  /**
   * Calls `visit` with the ranges covering this row position. With `used` (one set per pass and
   * purpose), tree nodes already read in the pass are skipped: a range is then visited at least
   * once per pass, possibly again from another of its nodes, and a caller that wants it once
   * keeps its own set.
   */
  stab(position: number, visit: (r: RangeDep) => void, used?: Set<number>): void {
    let node = 1;
    let lo = 0;
    let hi = this.size - 1;
    if (position < lo || position > hi) return;
    for (;;) {
      const here = this.at.get(node);
      if (here && !used?.has(node)) {
        used?.add(node);
        for (const r of here) visit(r);
      }
      if (lo === hi) return;
      const mid = (lo + hi) >> 1;
      if (position <= mid) {
        node = 2 * node;
        hi = mid;
      } else {
        node = 2 * node + 1;
        lo = mid + 1;
      }
    }
  }

  private insert(r: RangeDep, node: number, lo: number, hi: number): void {
    if (r.toRow < lo || r.fromRow > hi) return;
    if (r.fromRow <= lo && hi <= r.toRow) {
      let here = this.at.get(node);
      if (!here) this.at.set(node, (here = []));
      here.push(r);
      return;
    }
    const mid = (lo + hi) >> 1;
    this.insert(r, 2 * node, lo, mid);
    this.insert(r, 2 * node + 1, mid + 1, hi);
  }
}
