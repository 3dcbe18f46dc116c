/**
 * The formula graph's vertex types (one per kind: a cell formula, a column formula) and the small
 * helpers its passes share. FormulaCells (formula-cells.ts) owns the graph; this is its vocabulary.
 */
import { type FormulaAst, type FormulaValue, isFormulaError } from '../formula/index.ts';
import { ColumnRangeIndex } from './range-index.ts';

export interface CellRef {
  readonly row: string;
  readonly column: string;
}

/** A formula cell whose value changed in an update, with its new value. */
export interface FormulaUpdate extends CellRef {
  readonly value: FormulaValue;
}

/**
 * A column formula's rows whose value changed in an update: rows[i] now holds values[i]. A pass
 * over a column reports one of these, not one object per cell: 10,000 rows make two arrays.
 */
export interface ColumnChange {
  readonly column: string;
  readonly rows: readonly string[];
  readonly values: readonly FormulaValue[];
}

/** What an update changed: column formulas column by column, other formula cells one by one. */
export interface FormulaChanges {
  readonly columns: readonly ColumnChange[];
  /** Cell formulas, and column formulas' cells when the update ran cell by cell. A cell may repeat: its last entry counts. */
  readonly cells: readonly FormulaUpdate[];
}

/** What the graph needs of the sheet around it. */
export interface FormulaHost {
  /** Column keys in grid order (A is the first). */
  columns(): readonly string[];
  /**
   * Row ids in grid order (1 is the first). After rows are added, removed or moved, call relink()
   * before the next update: positions (A1 references, stored column values) are read from it.
   */
  rowIds(): readonly string[];
  /** The value of a cell that holds no formula (typed text, a result). */
  plainValue(row: string, column: string): FormulaValue;
  /** Cells whose value the host makes from other cells (a row's results, from its settings): edges no formula names. */
  readonly derived?: DerivedCells;
}

/**
 * Cells without a formula whose value comes from other cells of a row: a row's results come from
 * training the spec its settings make. A formula in a setting that reads such a result, its own
 * row's or (through other cells) one that leads back to it, is a cycle no formula text shows:
 *
 *   a: lr (=K2 / 10) ──> b: test_acc (K2) ··run··> b: lr (=K1 / 10) ──> a: test_acc (K1) ··run··> a: lr
 *
 * The graph only orders and finds cycles through these edges; it never computes a derived cell.
 * When a pass reaches a derived cell (ordered after its row's source cells), a source cell of its
 * row got a value in the pass, and a source cell can be reached from it in the pass (through what
 * the pass's cells read), it tells the host (sourceChanged) and counts the cell as changed, so its
 * readers, ordered after it, compute: the host may read it from the source cells' new values (a
 * row's results as placing the row with them would show them), and a chain of rows, each setting
 * reading the result of the row before, resolves in one pass. A derived cell only readers leading
 * nowhere read (a note) is left as it is: the host says when it changes, after placing. The host
 * also says when a derived cell changed otherwise (a run finished). One exception to "after its
 * row's source cells": a derived cell on a cycle is reached when the cycle is given #CYCLE!,
 * before the rest of the pass, where another source cell of its row may still compute; harmless,
 * since a setting holding #CYCLE! makes the row invalid whatever the others hold.
 */
export interface DerivedCells {
  /** Columns whose cells are derived (results). */
  readonly columns: readonly string[];
  /** Columns whose cells they are derived from (the settings that make the spec). */
  readonly sources: ReadonlySet<string>;
  /** The row whose source cells make this row's derived cells (a sweep's run: the sweep's row). */
  sourceRow(row: string): string;
  /** The rows whose derived cells this row's source cells make (itself and a sweep's runs; none for a sweep's run). */
  fedRows(row: string): readonly string[];
  /**
   * Told during a pass, before the cells ordered after them compute, that `row`'s source cells
   * have their values for this pass, one of them a new one (or one computed again): from here on
   * in the pass the host may read the row's derived cells from its source cells. Before it, a
   * source cell may still hold an old value, or none (a formula just defined), which the row was
   * not made from. A row whose derived cells no formula on a path back to a source reads is not told.
   */
  sourceChanged?(row: string): void;
}

export interface Parsed {
  readonly text: string;
  readonly ast: FormulaAst | null;
  /** Set when the text does not parse: the value is this error. */
  readonly parseError: FormulaValue | null;
}

/**
 * A range some formulas read (`$A$1:$C$2000`): one entry for the whole rectangle, shared by every
 * formula that reads the same one, rather than an edge per covered cell per reader. Ranges name
 * positions, so they are resolved again at each relink (rows added, removed, moved).
 */
export interface RangeDep {
  /** `fromRow:toRow:columns`: the same rectangle read by many formulas is one entry. */
  readonly key: string;
  /** Column keys covered, in grid order. */
  readonly columns: readonly string[];
  /** Row positions covered (as of the last relink), inclusive, within the sheet. */
  readonly fromRow: number;
  readonly toRow: number;
  /** Cell formulas (by cell id) that read it. */
  readonly cellReaders: Set<string>;
  /** Column formulas (by column) that read it in every row. */
  readonly columnReaders: Set<string>;
}

export interface CellNode extends Parsed {
  readonly row: string;
  readonly column: string;
  /** Single cells read (A1 references, bare names), as ids. */
  reads: string[];
  /** Ranges read, each one entry however many cells it covers. */
  ranges: RangeDep[];
  readsColumns: string[];
  /** Every column this formula reads any cell of. */
  touches: string[];
  value: FormulaValue;
}

export interface ColumnNode extends Parsed {
  readonly column: string;
  /** Columns read in the formula's own row (bare names). */
  readonly sameRow: readonly string[];
  /** Columns read whole (aggregates). */
  readonly whole: readonly string[];
  /** Whether it has A1 references or ranges (in the sheet or past it): what they read moves with the rows. */
  readonly positional: boolean;
  /** Cells read by A1 reference, as ids; they move when rows move. */
  fixed: string[];
  /** Ranges read (the same in every row); resolved again when rows move. */
  ranges: RangeDep[];
  /**
   * Values by row position as of the last relink (undefined: not computed yet). An array, not a
   * map by row id: a pass over 10,000 rows writes every one, and rows move only at a relink.
   */
  values: (FormulaValue | undefined)[];
  /** Every row must be computed at the next update (just defined, or rows moved under A1 references). */
  stale: boolean;
  /** Rows not computed yet (rows added since the last update). */
  readonly pendingRows: Set<string>;
}

export type RowSet = Set<string> | 'all';

/**
 * The graph as plain data: its nodes and who reads what. FormulaCells (formula-cells.ts) defines
 * and links nodes; the passes (column-pass.ts, cell-pass.ts) read the links and write values.
 */
export interface Graph {
  readonly host: FormulaHost;
  /** Cell formulas by cell id. */
  readonly nodes: Map<string, CellNode>;
  /** Column formulas by column. */
  readonly columnNodes: Map<string, ColumnNode>;
  /** Cell id -> cell formulas that read it. */
  readonly readers: Map<string, Set<string>>;
  /** Column -> cell formulas that read the whole column. */
  readonly columnReaders: Map<string, Set<string>>;
  /** Column -> how many cell formulas read some cell of it (0: the column pass may skip cell formulas). */
  readonly cellReadsOf: Map<string, number>;
  /** Column -> how many cell formulas sit in it. */
  readonly cellsIn: Map<string, number>;
  /** Column -> column formulas reading it by name in their own row. */
  readonly sameRowReaders: Map<string, Set<string>>;
  /** Column -> column formulas aggregating it. */
  readonly wholeReaders: Map<string, Set<string>>;
  /** Cell id -> column formulas reading it by A1 reference. */
  fixedReaders: Map<string, Set<string>>;
  /** Ranges read by any formula, by RangeDep.key. */
  readonly ranges: Map<string, RangeDep>;
  /** Column -> the ranges covering some of its rows: the readers of a cell are found by its position. */
  readonly rangesByColumn: Map<string, Set<RangeDep>>;
  /** Column -> its ranges indexed by row position; made when first looked up, dropped when they change. */
  readonly rangeIndexes: Map<string, ColumnRangeIndex>;
  /** Row id -> position as of the last relink: column values are stored by these positions. */
  rowIndex: Map<string, number>;
}

/** Whether a cell holds a formula: its own, or its column's (for a row the graph has placed). */
export function isFormula(g: Graph, key: string, row = rowOf(key), column = columnOf(key)): boolean {
  return g.nodes.has(key) || (g.columnNodes.has(column) && g.rowIndex.has(row));
}

const SEP = '\u0000';
/**
 * A cell's key in the graph's maps: row and column joined by NUL. Column keys never hold it (they
 * are [a-z0-9_] names); a row id from a stranger's file may, so keys are split at the last one.
 */
export const id = (row: string, column: string) => `${row}${SEP}${column}`;
export const rowOf = (key: string) => key.slice(0, key.lastIndexOf(SEP));
export const columnOf = (key: string) => key.slice(key.lastIndexOf(SEP) + 1);

/**
 * Calls `visit` with the ranges covering the cell at this row position of this column. A pass
 * that wants each range once gives `used` (see ColumnRangeIndex.stab): a range may still repeat.
 */
export function forRangesAt(
  g: Graph, column: string, position: number | undefined, visit: (r: RangeDep) => void, used?: Map<string, Set<number>>,
): void {
  if (position === undefined) return;
  const set = g.rangesByColumn.get(column);
  if (!set) return;
  let index = g.rangeIndexes.get(column);
  if (!index) g.rangeIndexes.set(column, (index = new ColumnRangeIndex(set)));
  let mine: Set<number> | undefined;
  if (used) {
    mine = used.get(column);
    if (!mine) used.set(column, (mine = new Set()));
  }
  index.stab(position, visit, mine);
}

/** Whether a formula names cells by position (A1 references, ranges). */
export function hasA1(ast: FormulaAst): boolean {
  switch (ast.kind) {
    case 'cell': case 'range': return true;
    case 'unary': return hasA1(ast.operand);
    case 'binary': return hasA1(ast.left) || hasA1(ast.right);
    case 'call': return ast.args.some(hasA1);
    default: return false;
  }
}

/** Add v to the set at k. */
export function add(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

/** Add a row to a column's row set ('all' already holds it). */
export function addRow(m: Map<string, RowSet>, column: string, row: string): void {
  const s = m.get(column);
  if (s === 'all') return;
  if (s) s.add(row);
  else m.set(column, new Set([row]));
}

/** Move a count by `by`, dropping it at zero. */
export function count(m: Map<string, number>, k: string, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

/** Whether a recomputed value equals the old one: where propagation stops. */
export function sameValue(a: FormulaValue, b: FormulaValue): boolean {
  if (isFormulaError(a) || isFormulaError(b)) return isFormulaError(a) && isFormulaError(b) && a.code === b.code && a.message === b.message;
  return Object.is(a, b);
}
