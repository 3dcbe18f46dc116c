/**
 * Ranges as vertices of the cell pass's ordering. A formula reading a range depends on every
 * formula cell the range covers, but listing those as edges costs readers x covered cells: 10,000
 * cell formulas `=SUM($N$1:N1)`, `=SUM($N$1:N2)`, … over their own column made 5e7 edges (3.2 GB).
 *
 * Instead, per column, the affected formula cells are sorted by row position and a segment tree is
 * laid over them; a range depends on the O(log n) tree vertices that cover its rows, and a tree
 * vertex on its two halves. Paths through these vertices are exactly the cells a range covers, so
 * what reaches what among cells — hence the order and the cycles — is the same as with an edge per
 * covered cell. Tree vertices are made when first needed and shared by every range.
 *
 *        [N1..N4]                  =SUM($N$1:N3) ──> [N1..N2], N3
 *       /        \                 =SUM($N$1:N4) ──> [N1..N4]
 *   [N1..N2]   [N3..N4]
 *    /    \     /    \
 *   N1    N2   N3    N4
 */
import { type Graph, type RangeDep, columnOf, id, rowOf } from './nodes.ts';

/** The formula cells of one column that the pass computes, by row position. */
interface ColumnCells {
  readonly positions: number[];
  readonly keys: string[];
}

/**
 * The extra vertices of one pass's ordering. Their keys end in `#…` after the last NUL, which no
 * cell key does (a cell key ends in its column key, [a-z0-9_]), so they never meet a cell's.
 */
export class RangeVertices {
  /** Vertex key -> its inputs (cell keys or other vertices). */
  readonly inputs = new Map<string, readonly string[]>();
  private readonly byColumn = new Map<string, ColumnCells>();
  private readonly ofRange = new Map<RangeDep, string | null>();

  constructor(private readonly g: Graph, affected: Iterable<string>) {
    const { rangesByColumn, rowIndex } = g;
    const found = new Map<string, { position: number; key: string }[]>();
    for (const key of affected) {
      const column = columnOf(key);
      if (!rangesByColumn.has(column)) continue;
      const position = rowIndex.get(rowOf(key));
      if (position === undefined) continue;
      let list = found.get(column);
      if (!list) found.set(column, (list = []));
      list.push({ position, key });
    }
    for (const [column, list] of found) {
      list.sort((a, b) => a.position - b.position);
      this.byColumn.set(column, { positions: list.map((c) => c.position), keys: list.map((c) => c.key) });
    }
  }

  /** Whether a key is one of these vertices rather than a cell. */
  has(key: string): boolean {
    return this.inputs.has(key);
  }

  /**
   * The vertex standing for the affected formula cells a range covers, or null when it covers
   * none (the range then orders nothing). The same range gives the same vertex.
   */
  vertex(r: RangeDep): string | null {
    const known = this.ofRange.get(r);
    if (known !== undefined) return known;
    const parts: string[] = [];
    for (const column of r.columns) {
      const cells = this.byColumn.get(column);
      if (!cells) continue;
      const lo = lowerBound(cells.positions, r.fromRow);
      const hi = lowerBound(cells.positions, r.toRow + 1) - 1;
      if (lo <= hi) this.cover(column, cells, 0, cells.keys.length - 1, lo, hi, parts);
    }
    let key: string | null = null;
    if (parts.length === 1) key = parts[0]!;
    else if (parts.length > 1) {
      key = id('', `#r${this.ofRange.size}`);
      this.inputs.set(key, parts);
    }
    this.ofRange.set(r, key);
    return key;
  }

  /** The tree vertices of [lo, hi] (indices into the column's sorted cells) that exactly cover [from, to]. */
  private cover(column: string, cells: ColumnCells, lo: number, hi: number, from: number, to: number, out: string[]): void {
    if (from <= lo && hi <= to) {
      out.push(this.node(column, cells, lo, hi));
      return;
    }
    const mid = (lo + hi) >> 1;
    if (from <= mid) this.cover(column, cells, lo, mid, from, to, out);
    if (to > mid) this.cover(column, cells, mid + 1, hi, from, to, out);
  }

  /** The vertex for the column's cells lo..hi: a cell itself, or a tree vertex over its halves. */
  private node(column: string, cells: ColumnCells, lo: number, hi: number): string {
    if (lo === hi) return cells.keys[lo]!;
    const key = id('', `#${column}:${lo}:${hi}`);
    if (!this.inputs.has(key)) {
      const mid = (lo + hi) >> 1;
      this.inputs.set(key, [this.node(column, cells, lo, mid), this.node(column, cells, mid + 1, hi)]);
    }
    return key;
  }
}

/** The first index whose value is at least `x` (values ascending). */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
