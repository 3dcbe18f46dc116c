/**
 * The evaluator: a tree walk over a parsed formula that reads cells through the caller's `get`.
 *
 * Rules, as in spreadsheets:
 * - Errors are values. The first error met, left to right, is the result, except that IF only
 *   evaluates the branch it takes and COUNT skips errors.
 * - Empty cells read as empty (`null`): 0 in arithmetic, "" against text, FALSE against a boolean,
 *   skipped by aggregates. A formula that only reads an empty cell (`=B3`) is itself empty.
 * - A result not there yet reads as PENDING: it flows out like an error (the formula waits for
 *   the result rather than computing with 0), and aggregates skip it in a range like an empty cell
 *   (an aggregate with nothing else to fold is PENDING too). A row that will get no result without
 *   an edit reads as NO_RESULT (#N/A), which aggregates skip as well.
 * - Arithmetic coerces TRUE to 1 and numeric text to its number; other text is #VALUE!.
 * - Division by zero is #DIV/0!; a result that is not a finite number is #NUM!.
 * - Comparisons of numbers, of text (ignoring case) and of booleans (FALSE < TRUE) give booleans;
 *   `=` and `<>` across kinds give FALSE and TRUE; ordering text against a number is #VALUE!.
 * - A cell reference past the last row or column is #REF!; a range is cut to the sheet's rows and
 *   columns, so B2:B100 on a ten-row sheet reads B2:B10.
 */
import type { BinaryOp, FormulaAst } from './parser.ts';
import { type AggregateSpec, lookupFunction, finite, power } from './functions.ts';
import { ColumnRanges } from './column-ranges.ts';
import { type CellRef, columnLetters, formatCellRef, unknownColumnMessage, knownColumns } from './references.ts';
import {
  type FormulaError, type FormulaValue, type PlainValue,
  FORMULA_LIMITS, NO_RESULT, PENDING, formulaError, isFormulaError, normalizeValue, parseNumericText, toBoolean, toNumber,
} from './values.ts';

/** What a formula can see of the sheet, wherever it sits. */
export interface SheetContext {
  /** The sheet's column keys in grid order: A is the first. */
  readonly columns: readonly string[];
  /** How many rows the sheet has. */
  readonly rowCount: number;
  /** The value of a cell (0-based row, column key), including results and other formulas' values. */
  get(row: number, column: string): FormulaValue;
}

/** What a formula can see of the sheet from the row it is in. */
export interface EvalContext extends SheetContext {
  /** The row the formula is in, 0-based: what a bare column name reads. */
  readonly row: number;
}

/** Evaluates a parsed formula in one row. Never throws for any formula; errors are values. */
export function evaluate(ast: FormulaAst, ctx: EvalContext): FormulaValue {
  return new Evaluator(ctx).evaluate(ast, ctx.row);
}

/**
 * Evaluates formulas against one sheet, row after row: what evaluate() does, with the setup paid
 * once. A formula column runs it for every row; the sheet must not change shape (columns, row
 * count) while one is in use. Never throws for any formula; errors are values.
 */
export class Evaluator {
  private readonly evaluation: Evaluation;

  /**
   * With `remember`, an aggregate whose arguments do not depend on the row (`=SUM(test_acc)`,
   * `=MAX($B$1:$B$500)`) is computed once and its value reused in every row, until forget() or
   * changed() says what it read may differ: a formula column `=test_acc - MAX(test_acc)` over
   * 10,000 rows read 10,000 cells in each of them (1e8 reads, seconds on every result). And
   * aggregates over ranges that differ from formula to formula (`=MAX($U$1:U7)` filled down) share
   * one read of each column they cover (column-ranges.ts), with the same results.
   */
  constructor(ctx: SheetContext, opts: { readonly remember?: boolean } = {}) {
    this.evaluation = new Evaluation(ctx, opts.remember === true);
  }

  /** The value of `ast` in row `row` (0-based). */
  evaluate(ast: FormulaAst, row: number): FormulaValue {
    this.evaluation.row = row;
    return this.evaluation.ev(ast);
  }

  /** Drop every remembered aggregate: the sheet's values may have changed anywhere. */
  forget(): void {
    this.evaluation.forget();
  }

  /**
   * Drop the remembered aggregates that read `column`: a value in it changed, in row position
   * `row` if given (what was read of the rows above it still holds), else anywhere.
   */
  changed(column: string, row?: number): void {
    this.evaluation.changed(column, row);
  }
}

/**
 * One evaluation's state. A class rather than closures inside evaluate(): a formula column runs
 * this for every row, and making eight closures per cell cost more than the arithmetic.
 */
class Evaluation {
  private readonly known: ReadonlySet<string>;
  /** The row being evaluated: what a bare column name reads. */
  row = 0;
  /** Aggregates computed once for every row (see Evaluator), with the columns they read. */
  private readonly remembered = new Map<FormulaAst, { readonly value: FormulaValue; readonly columns: readonly string[] }>();
  /**
   * Remembered aggregates by the columns they read (some may be forgotten already): a pass over
   * 10,000 cell formulas each remembering its own range told changed() of each value it set, and
   * looking over every remembered aggregate each time cost more than the formulas.
   */
  private readonly rememberedBy = new Map<string, FormulaAst[]>();
  /** Per aggregate node: the columns it reads when its arguments are references and constants, else null. */
  private readonly rowFree = new WeakMap<FormulaAst, readonly string[] | null>();

  /** Shared reads of the columns ranges cover; only when remembering (the caller says when values change). */
  private readonly ranges: ColumnRanges | null;

  constructor(private readonly ctx: SheetContext, private readonly remember = false) {
    this.known = knownColumns(ctx.columns);
    this.ranges = remember ? new ColumnRanges(ctx) : null;
  }

  forget(): void {
    this.remembered.clear();
    this.rememberedBy.clear();
    this.ranges?.forget();
  }

  changed(column: string, row?: number): void {
    const nodes = this.rememberedBy.get(column);
    if (nodes) {
      for (const node of nodes) this.remembered.delete(node);
      this.rememberedBy.delete(column);
    }
    this.ranges?.changed(column, row);
  }

  /** The columns `node` (an aggregate call) reads when none of its arguments depends on the row, else null. */
  private rowFreeColumns(node: Extract<FormulaAst, { kind: 'call' }>): readonly string[] | null {
    const known = this.rowFree.get(node);
    if (known !== undefined) return known;
    const { columns } = this.ctx;
    let out: Set<string> | null = new Set<string>();
    for (const a of node.args) {
      if (a.kind === 'number' || a.kind === 'string' || a.kind === 'boolean') continue;
      if (a.kind === 'column') out.add(a.column);
      else if (a.kind === 'cell') out.add(columns[a.ref.column] ?? '');
      else if (a.kind === 'range') for (let c = a.from.column; c <= Math.min(a.to.column, columns.length - 1); c++) out.add(columns[c]!);
      else {
        out = null;
        break;
      }
    }
    const cols = out && [...out];
    this.rowFree.set(node, cols);
    return cols;
  }

  private read(row: number, column: string): FormulaValue {
    return normalizeValue(this.ctx.get(row, column));
  }

  private cellColumn(ref: CellRef): string | FormulaError {
    const key = this.ctx.columns[ref.column];
    if (key === undefined) {
      return formulaError('#REF!', `${formatCellRef(ref)} is past the last column of the sheet (${columnLetters(this.ctx.columns.length - 1)})`);
    }
    return key;
  }

  ev(node: FormulaAst): FormulaValue {
    switch (node.kind) {
      case 'number': case 'string': case 'boolean': return node.value;
      case 'cell': {
        const column = this.cellColumn(node.ref);
        if (isFormulaError(column)) return column;
        if (node.ref.row >= this.ctx.rowCount) {
          return formulaError('#REF!', `${formatCellRef(node.ref)} is past the last row of the sheet (row ${this.ctx.rowCount})`);
        }
        return this.read(node.ref.row, column);
      }
      case 'name':
        if (!this.known.has(node.column)) return formulaError('#NAME?', unknownColumnMessage(node.column, this.ctx.columns));
        return this.read(this.row, node.column);
      case 'range': case 'column':
        // The parser lets these stand only as aggregate arguments, which aggregate() reads itself.
        return formulaError('#VALUE!', 'a range can only be an argument of MIN, MAX, SUM, AVERAGE, STDEV or COUNT');
      case 'unary': {
        const x = toNumber(this.ev(node.operand));
        if (isFormulaError(x)) return x;
        return node.op === '-' ? -x : x;
      }
      case 'binary': return this.binary(node.op, node.left, node.right);
      case 'call': {
        if (!this.remember || lookupFunction(node.name)?.kind !== 'aggregate') return this.call(node.name, node.args);
        const columns = this.rowFreeColumns(node);
        if (columns === null) return this.call(node.name, node.args);
        const hit = this.remembered.get(node);
        if (hit) return hit.value;
        const value = this.call(node.name, node.args);
        this.remembered.set(node, { value, columns });
        for (const c of columns) {
          const list = this.rememberedBy.get(c);
          if (list) list.push(node);
          else this.rememberedBy.set(c, [node]);
        }
        return value;
      }
    }
  }

  private binary(op: BinaryOp, l: FormulaAst, r: FormulaAst): FormulaValue {
    const a = this.ev(l);
    if (isFormulaError(a)) return a;
    const b = this.ev(r);
    if (isFormulaError(b)) return b;
    if (op === '=' || op === '<>' || op === '<' || op === '<=' || op === '>' || op === '>=') return compare(op, a, b);
    const x = toNumber(a);
    if (isFormulaError(x)) return x;
    const y = toNumber(b);
    if (isFormulaError(y)) return y;
    if (op === '^') return power(x, y);
    if (op === '/' && y === 0) return formulaError('#DIV/0!', `${x} / 0 divides by zero`);
    const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
    // Checked here rather than through finite() with a message closure: one closure per cell adds up over a column.
    return Number.isFinite(v) ? v : finite(v, `${x} ${op} ${y}`);
  }

  private call(name: string, args: readonly FormulaAst[]): FormulaValue {
    const fn = lookupFunction(name);
    if (!fn) return formulaError('#NAME?', `unknown function ${name}`);
    switch (fn.kind) {
      case 'if': {
        const cond = this.ev(args[0]!);
        if (isFormulaError(cond)) return cond;
        const which = toBoolean(cond);
        if (isFormulaError(which)) return which;
        if (which) return this.ev(args[1]!);
        return args[2] ? this.ev(args[2]) : false;
      }
      case 'scalar': {
        // Sized up front: an empty array's first push reserves 17 slots, for every cell of a column.
        const values = new Array<PlainValue>(args.length);
        for (let i = 0; i < args.length; i++) {
          const v = this.ev(args[i]!);
          if (isFormulaError(v)) return v;
          values[i] = v;
        }
        return fn.apply(values);
      }
      case 'aggregate': {
        const fast = this.ranges?.aggregate(fn, args);
        if (fast !== undefined) return fast;
        const numbers = this.gather(fn, args);
        return isFormulaError(numbers) ? numbers : fn.fold(numbers);
      }
    }
  }

  /** The numbers an aggregate works on, in argument and row order, or the first error. */
  private gather(fn: AggregateSpec, args: readonly FormulaAst[]): number[] | FormulaError {
    const numbers: number[] = [];
    let waited = false;
    // From a reference, numbers count and errors propagate (COUNT: skip); all else is skipped.
    const take = (v: FormulaValue): FormulaError | undefined => {
      if (typeof v === 'number') numbers.push(v);
      else if (v === PENDING) waited = true;
      else if (v === NO_RESULT) return undefined;
      else if (isFormulaError(v) && !fn.lenient) return v;
      return undefined;
    };
    for (const a of args) {
      if (a.kind === 'range' || a.kind === 'column' || a.kind === 'cell') {
        const bad = this.readRange(a, take);
        if (bad) return bad;
        continue;
      }
      // A value written as the argument itself is coerced: TRUE is 1, numeric text its number.
      const v = this.ev(a);
      if (v === null) continue;
      // An argument computed from a result not there yet waits for it, as the expression alone would.
      if (v === PENDING) return v;
      if (isFormulaError(v)) {
        if (fn.lenient) continue;
        return v;
      }
      if (typeof v === 'number') numbers.push(v);
      else if (typeof v === 'boolean') numbers.push(v ? 1 : 0);
      else {
        const n = parseNumericText(v);
        if (n !== undefined) numbers.push(n);
        else if (!fn.lenient) return formulaError('#VALUE!', `${fn.name} expected numbers but got the text "${v}"`);
      }
    }
    // Nothing to fold yet but results on their way: MAX would say 0 and AVERAGE #DIV/0! while
    // every row trains. COUNT says how many there are, and 0 is true then.
    if (numbers.length === 0 && waited && !fn.lenient) return PENDING;
    return numbers;
  }

  /** Feeds every cell of a reference to `take`, stopping at the first error it returns. */
  private readRange(
    a: Extract<FormulaAst, { kind: 'range' | 'column' | 'cell' }>,
    take: (v: FormulaValue) => FormulaError | undefined,
  ): FormulaError | undefined {
    const ctx = this.ctx;
    if (a.kind === 'cell') return take(this.ev(a));
    if (a.kind === 'column') {
      if (!this.known.has(a.column)) return formulaError('#NAME?', unknownColumnMessage(a.column, ctx.columns));
      if (ctx.rowCount > FORMULA_LIMITS.maxRangeCells) return tooLarge(a.column, ctx.rowCount);
      for (let row = 0; row < ctx.rowCount; row++) {
        const bad = take(this.read(row, a.column));
        if (bad) return bad;
      }
      return undefined;
    }
    const first = this.cellColumn(a.from);
    if (isFormulaError(first)) return first;
    const lastColumn = Math.min(a.to.column, ctx.columns.length - 1);
    const lastRow = Math.min(a.to.row, ctx.rowCount - 1);
    for (let c = a.from.column; c <= lastColumn; c++) {
      const key = ctx.columns[c]!;
      for (let row = a.from.row; row <= lastRow; row++) {
        const bad = take(this.read(row, key));
        if (bad) return bad;
      }
    }
    return undefined;
  }
}

function tooLarge(column: string, rows: number): FormulaError {
  return formulaError('#REF!', `column ${column} has ${rows.toLocaleString('en-US')} rows; a range can have at most ${FORMULA_LIMITS.maxRangeCells.toLocaleString('en-US')} cells`);
}

type Comparison = '=' | '<>' | '<' | '<=' | '>' | '>=';

function compare(op: Comparison, a: PlainValue, b: PlainValue): FormulaValue {
  // Empty takes the kind of the other side: 0, "" or FALSE.
  const fill = (v: PlainValue, other: PlainValue): Exclude<PlainValue, null> =>
    v !== null ? v : typeof other === 'string' ? '' : typeof other === 'boolean' ? false : 0;
  const x = fill(a, b);
  const y = fill(b, a);
  if (typeof x !== typeof y) {
    if (op === '=') return false;
    if (op === '<>') return true;
    return formulaError('#VALUE!', `cannot order ${kindOf(x)} against ${kindOf(y)} with ${op}`);
  }
  let c: number;
  if (typeof x === 'string') {
    const p = x.toLowerCase();
    const q = (y as string).toLowerCase();
    c = p < q ? -1 : p > q ? 1 : 0;
  } else {
    const p = Number(x);
    const q = Number(y);
    c = p < q ? -1 : p > q ? 1 : 0;
  }
  switch (op) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function kindOf(v: Exclude<PlainValue, null>): string {
  return typeof v === 'string' ? 'text' : typeof v === 'number' ? 'a number' : 'a boolean';
}
