/**
 * Range aggregates without reading every cell of every range. A running best filled down a
 * column, row k holding `=MAX($U$1:Uk)`, read k cells in row k: 5e7 reads over 10,000 rows on
 * every result that landed. Here each column a range covers is read once per update into a
 * snapshot (each row's number, or what aggregates do with it: skip, wait, fail), with structures
 * over it that every range of the column shares:
 *
 *   counts      numbers and PENDING before each row (prefix counts): COUNT, and when to wait
 *   errors      the rows holding an error, ascending: the first error a range meets
 *   min / max   sparse tables (max over 2^j rows from i): MIN and MAX of any range in O(1)
 *   sums        for a range start used by long ranges, the left-to-right sums from that start:
 *               SUM and AVERAGE of `$U$1:Uk` in O(1)
 *
 * Results are the same bits as the plain evaluation (evaluate.ts gather + functions.ts folds),
 * not close to them: MIN, MAX and counts do not depend on the order, and sums are only ever the
 * same additions in the same order (from the range's first row, from 0): a prefix sum difference
 * P[b] - P[a] would differ in the last bits and would depend on rows outside the range. SUM and
 * AVERAGE over a start not kept, and STDEV, add the snapshot's numbers in a loop.
 *
 * A snapshot is read lazily, from the top, only as far down as a range needs (`validTo`), and is
 * cut back to the row of a cell whose value changed during a pass (Evaluator.changed): a pass
 * computing a column that other cells' ranges cover keeps what lies above the change. A range that
 * would need much more of its column read than it covers goes the plain way (undefined), so this
 * never costs much more than reading the range.
 */
import type { FormulaAst } from './parser.ts';
import type { SheetContext } from './evaluate.ts';
import { type AggregateSpec, averageResult, stdevResult, stdevTooFew, sumResult } from './functions.ts';
import { type FormulaError, type FormulaValue, NO_RESULT, PENDING, isFormulaError, normalizeValue } from './values.ts';

/** Fewer cells than this in a call: the plain loop is as quick. */
const SMALL = 32;
/** Ranges at least this long keep their start's running sums. */
const KEEP_SUMS_FROM = 64;

/** One column's cells as aggregates see them, rows [0, validTo) read. */
class ColumnSnapshot {
  validTo = 0;
  /** Cells read the plain way because reading this far down cost more (see ColumnRanges.aggregate). */
  declined = 0;
  /** Each row's number, NaN where the cell is not a number (skipped, pending or an error). */
  readonly nums: Float64Array;
  /** Numbers in rows [0, i). */
  readonly counts: Int32Array;
  /** PENDING cells in rows [0, i). */
  readonly pending: Int32Array;
  /** Rows holding an error (PENDING and NO_RESULT aside), ascending, with the error each holds. */
  errorRows: number[] = [];
  errorValues: FormulaError[] = [];
  /** Sparse tables, made when first asked for; `builtTo`: rows whose entries are up to date. */
  private max: SparseTable | null = null;
  private min: SparseTable | null = null;
  /** Range start -> left-to-right sums from it: sums[t] adds the numbers of its first t rows. */
  private readonly sums = new Map<number, number[]>();
  private summed = 0;

  constructor(private readonly rows: number) {
    this.nums = new Float64Array(rows);
    this.counts = new Int32Array(rows + 1);
    this.pending = new Int32Array(rows + 1);
  }

  /** Rows from `row` on may hold other values now. */
  cut(row: number): void {
    if (row >= this.validTo) return;
    this.validTo = Math.max(0, row);
    let e = this.errorRows.length;
    while (e > 0 && this.errorRows[e - 1]! >= this.validTo) e--;
    this.errorRows.length = e;
    this.errorValues.length = e;
    if (this.max) this.max.builtTo = Math.min(this.max.builtTo, this.validTo);
    if (this.min) this.min.builtTo = Math.min(this.min.builtTo, this.validTo);
    for (const [start, s] of this.sums) {
      if (start >= this.validTo) {
        this.summed -= s.length;
        this.sums.delete(start);
      } else if (s.length > this.validTo - start + 1) {
        this.summed -= s.length - (this.validTo - start + 1);
        s.length = this.validTo - start + 1;
      }
    }
  }

  /** Read rows up to `to` (exclusive). */
  extend(to: number, read: (row: number) => FormulaValue): void {
    const { nums, counts, pending } = this;
    for (let r = this.validTo; r < to; r++) {
      const v = read(r);
      let number = 0;
      let wait = 0;
      if (typeof v === 'number') {
        nums[r] = v;
        number = 1;
      } else {
        nums[r] = NaN;
        if (v === PENDING) wait = 1;
        else if (v !== NO_RESULT && isFormulaError(v)) {
          this.errorRows.push(r);
          this.errorValues.push(v);
        }
      }
      counts[r + 1] = counts[r]! + number;
      pending[r + 1] = pending[r]! + wait;
    }
    if (to > this.validTo) this.validTo = to;
  }

  /** The first error in rows a..b, if any. */
  firstError(a: number, b: number): FormulaError | undefined {
    const rows = this.errorRows;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    return lo < rows.length && rows[lo]! <= b ? this.errorValues[lo] : undefined;
  }

  /** The largest (or smallest) number in rows a..b, which holds at least one. */
  extreme(which: 'max' | 'min', a: number, b: number): number {
    let t = which === 'max' ? this.max : this.min;
    if (!t) {
      t = new SparseTable(this.rows, which === 'max');
      if (which === 'max') this.max = t;
      else this.min = t;
    }
    t.build(this.nums, this.validTo);
    return t.query(a, b);
  }

  /** The numbers of rows a..b added left to right from 0, as functions.ts sums them. */
  sum(a: number, b: number, budget: number): number {
    const { nums } = this;
    if (b - a + 1 < KEEP_SUMS_FROM) return addUp(nums, a, b);
    let s = this.sums.get(a);
    if (!s) {
      if (this.summed + (b - a + 2) > budget) return addUp(nums, a, b);
      s = [0];
      this.sums.set(a, s);
      this.summed++;
    }
    const need = b - a + 1;
    if (s.length <= need) {
      if (this.summed + (need + 1 - s.length) > budget) return addUp(nums, a, b);
      let acc = s[s.length - 1]!;
      for (let r = a + s.length - 1; r <= b; r++) {
        const x = nums[r]!;
        if (x === x) acc += x;
        s.push(acc);
        this.summed++;
      }
    }
    return s[need]!;
  }
}

function addUp(nums: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let r = a; r <= b; r++) {
    const x = nums[r]!;
    // x === x: not NaN, i.e. a number.
    if (x === x) s += x;
  }
  return s;
}

/** Max (or min) of 2^j rows from i, per level j; non-numbers hold -Infinity (+Infinity). */
class SparseTable {
  builtTo = 0;
  private readonly levels: Float64Array[] = [];

  constructor(private readonly rows: number, private readonly isMax: boolean) {}

  build(nums: Float64Array, to: number): void {
    if (to <= this.builtTo) return;
    const from = this.builtTo;
    const none = this.isMax ? -Infinity : Infinity;
    if (this.levels.length === 0) this.levels.push(new Float64Array(this.rows));
    const base = this.levels[0]!;
    for (let i = from; i < to; i++) {
      const x = nums[i]!;
      base[i] = x === x ? x : none;
    }
    for (let j = 1; 1 << j <= to; j++) {
      if (this.levels.length <= j) this.levels.push(new Float64Array(this.rows));
      const prev = this.levels[j - 1]!;
      const cur = this.levels[j]!;
      const half = 1 << (j - 1);
      // Entries covering only rows below `from` are up to date.
      const last = to - (1 << j);
      for (let i = Math.max(0, from - (1 << j) + 1); i <= last; i++) {
        cur[i] = this.isMax ? Math.max(prev[i]!, prev[i + half]!) : Math.min(prev[i]!, prev[i + half]!);
      }
    }
    this.builtTo = to;
  }

  query(a: number, b: number): number {
    const j = 31 - Math.clz32(b - a + 1);
    const level = this.levels[j]!;
    const x = level[a]!;
    const y = level[b - (1 << j) + 1]!;
    return this.isMax ? Math.max(x, y) : Math.min(x, y);
  }
}

/** A range argument cut to the sheet: rows a..b of one column. */
interface Segment {
  readonly column: string;
  readonly snapshot: ColumnSnapshot;
  readonly a: number;
  readonly b: number;
}

/** Per-column snapshots for the range aggregates of one Evaluator (see the top of this file). */
export class ColumnRanges {
  private readonly columns = new Map<string, ColumnSnapshot>();
  private readonly read: (row: number, column: string) => FormulaValue;
  private readonly budget: number;

  constructor(private readonly ctx: SheetContext) {
    this.read = (row, column) => normalizeValue(ctx.get(row, column));
    // Running sums kept per column: a few columns' worth, whatever the ranges.
    this.budget = 2 * ctx.rowCount + 64;
  }

  /** Every value may differ now. */
  forget(): void {
    for (const s of this.columns.values()) s.cut(0);
  }

  /** A cell of `column` changed: in row position `row`, or anywhere when undefined. */
  changed(column: string, row?: number): void {
    this.columns.get(column)?.cut(row ?? 0);
  }

  /**
   * The value of aggregate `fn` over `args` when every argument is a range (`$U$1:U9`), else
   * undefined: the caller evaluates it the plain way. Also undefined when the ranges are small
   * or would need much more of their columns read than they cover.
   */
  aggregate(fn: AggregateSpec, args: readonly FormulaAst[]): FormulaValue | undefined {
    const { ctx } = this;
    if (!FOLDS.has(fn.name)) return undefined;
    let cells = 0;
    for (const arg of args) {
      if (arg.kind !== 'range') return undefined;
      // A first column past the sheet is #REF!: the plain way says so.
      if (arg.from.column >= ctx.columns.length) return undefined;
      const rows = Math.min(arg.to.row, ctx.rowCount - 1) - arg.from.row + 1;
      if (rows > 0) cells += rows * (Math.min(arg.to.column, ctx.columns.length - 1) - arg.from.column + 1);
    }
    if (cells < SMALL) return undefined;
    // The same order as the plain way: argument by argument, column by column.
    const segments: Segment[] = [];
    for (const arg of args) {
      if (arg.kind !== 'range') return undefined;
      const b = Math.min(arg.to.row, ctx.rowCount - 1);
      const a = arg.from.row;
      if (a > b) continue;
      for (let c = arg.from.column; c <= Math.min(arg.to.column, ctx.columns.length - 1); c++) {
        const key = ctx.columns[c]!;
        let snapshot = this.columns.get(key);
        if (!snapshot) this.columns.set(key, (snapshot = new ColumnSnapshot(ctx.rowCount)));
        // Reading far more of the column than the range covers pays only once ranges read the
        // plain way have cost as much (ranges taken bottom up: the first would read it all).
        const extra = b + 1 - snapshot.validTo;
        if (extra > 2 * (b - a + 1) + 64 && snapshot.declined + (b - a + 1) < extra) {
          snapshot.declined += b - a + 1;
          return undefined;
        }
        segments.push({ column: key, snapshot, a, b });
      }
    }
    for (const s of segments) s.snapshot.extend(s.b + 1, (row) => this.read(row, s.column));
    return fold(fn, segments, this.budget);
  }
}

const FOLDS: ReadonlySet<string> = new Set(['MIN', 'MAX', 'SUM', 'AVERAGE', 'STDEV', 'COUNT']);

/** What gather + fold give over these rows (evaluate.ts, functions.ts). */
function fold(fn: AggregateSpec, segments: readonly Segment[], budget: number): FormulaValue | undefined {
  let n = 0;
  let waited = false;
  for (const { snapshot, a, b } of segments) {
    if (!fn.lenient) {
      const bad = snapshot.firstError(a, b);
      if (bad) return bad;
    }
    n += snapshot.counts[b + 1]! - snapshot.counts[a]!;
    if (snapshot.pending[b + 1]! - snapshot.pending[a]! > 0) waited = true;
  }
  if (fn.lenient) return n;
  if (n === 0 && waited) return PENDING;
  switch (fn.name) {
    case 'MIN': case 'MAX': {
      if (n === 0) return 0;
      const which = fn.name === 'MAX' ? 'max' : 'min';
      let m = which === 'max' ? -Infinity : Infinity;
      for (const { snapshot, a, b } of segments) {
        if (snapshot.counts[b + 1]! === snapshot.counts[a]!) continue;
        const x = snapshot.extreme(which, a, b);
        m = which === 'max' ? Math.max(m, x) : Math.min(m, x);
      }
      return m;
    }
    case 'SUM': case 'AVERAGE': {
      let s = 0;
      if (segments.length === 1) s = segments[0]!.snapshot.sum(segments[0]!.a, segments[0]!.b, budget);
      else for (const { snapshot, a, b } of segments) s = continueSum(s, snapshot.nums, a, b);
      return fn.name === 'SUM' ? sumResult(s) : averageResult(s, n);
    }
    case 'STDEV': {
      const few = stdevTooFew(n);
      if (few) return few;
      let s = 0;
      for (const { snapshot, a, b } of segments) s = continueSum(s, snapshot.nums, a, b);
      const mean = s / n;
      let q = 0;
      for (const { snapshot, a, b } of segments) {
        const { nums } = snapshot;
        for (let r = a; r <= b; r++) {
          const x = nums[r]!;
          if (x === x) q += (x - mean) ** 2;
        }
      }
      return stdevResult(q, n);
    }
    default: return undefined;
  }
}

function continueSum(s: number, nums: Float64Array, a: number, b: number): number {
  for (let r = a; r <= b; r++) {
    const x = nums[r]!;
    if (x === x) s += x;
  }
  return s;
}
