/**
 * The fixed function table. Every function a formula can call is here, looked up by its upper-case
 * name in a Map — never by property access on an object with a user's word.
 *
 * Three kinds:
 * - `aggregate` (MIN MAX SUM AVERAGE STDEV COUNT): arguments may be ranges, whole columns (a bare
 *   column name) or single values. From ranges only numbers are taken (text, booleans and empty
 *   cells are skipped); a value written directly as an argument is coerced (TRUE is 1, "2" is 2,
 *   other text is #VALUE!). Errors propagate, except for COUNT, which counts numbers only.
 * - `scalar`: all arguments are evaluated first; the first error among them is the result.
 * - `if`: IF evaluates only the branch it takes, so an error in the other branch does not matter.
 */
import { type FormulaValue, type PlainValue, formulaError, toBoolean, toNumber, isFormulaError } from './values.ts';

interface Base {
  /** Upper case, as shown in messages. */
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** For help text, e.g. `ROUND(x, digits)`. */
  readonly signature: string;
  readonly help: string;
}

export interface AggregateSpec extends Base {
  readonly kind: 'aggregate';
  /** COUNT: skip errors and text instead of failing on them. */
  readonly lenient: boolean;
  /** Folds the numbers gathered from all arguments, in argument and row order. */
  readonly fold: (numbers: readonly number[]) => FormulaValue;
}

export interface ScalarSpec extends Base {
  readonly kind: 'scalar';
  /** Arguments arrive evaluated and free of errors. */
  readonly apply: (args: readonly PlainValue[]) => FormulaValue;
}

export interface IfSpec extends Base {
  readonly kind: 'if';
}

export type FunctionSpec = AggregateSpec | ScalarSpec | IfSpec;

/** Most arguments a function with no fixed count takes, as in spreadsheets. */
const MANY = 255;

const aggregate = (name: string, signature: string, help: string, fold: AggregateSpec['fold'], lenient = false): AggregateSpec =>
  ({ kind: 'aggregate', name, minArgs: 1, maxArgs: MANY, signature, help, fold, lenient });

/** A function of one number; `check` may turn a bad input into an error before `f` runs. */
const unary = (name: string, help: string, f: (x: number) => number, check?: (x: number) => FormulaValue | undefined): ScalarSpec => ({
  kind: 'scalar', name, minArgs: 1, maxArgs: 1, signature: `${name}(x)`, help,
  apply: ([a]) => {
    const x = toNumber(a ?? null);
    if (isFormulaError(x)) return x;
    return check?.(x) ?? finite(f(x), () => `${name}(${x})`);
  },
});

/** A non-finite result as #NUM!, so that Infinity and NaN never reach a cell. */
export function finite(x: number, what: string | (() => string)): FormulaValue {
  if (Number.isFinite(x)) return x;
  // The description is built only for the error: formatting numbers costs more than the arithmetic.
  return formulaError('#NUM!', `${typeof what === 'string' ? what : what()} is too large or not a number`);
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/*
 * How each aggregate ends, from what its numbers add up to: shared by the folds below and the
 * range path (column-ranges.ts), which adds the same numbers in the same order without gathering
 * them into an array, so that both give the same bits.
 */

/** SUM of numbers whose left-to-right sum (from 0) is `s`. */
export const sumResult = (s: number): FormulaValue => finite(s, 'SUM');

/** AVERAGE of `n` numbers whose left-to-right sum (from 0) is `s`. */
export const averageResult = (s: number, n: number): FormulaValue =>
  n ? finite(s / n, 'AVERAGE') : formulaError('#DIV/0!', 'AVERAGE of no numbers');

/** STDEV's error when it has fewer than 2 numbers, else undefined. */
export const stdevTooFew = (n: number): FormulaValue | undefined =>
  n < 2 ? formulaError('#DIV/0!', `STDEV needs at least 2 numbers, got ${n}`) : undefined;

/** STDEV of `n` numbers whose squared distances to their mean add up (left to right, from 0) to `q`. */
export const stdevResult = (q: number, n: number): FormulaValue => finite(Math.sqrt(q / (n - 1)), 'STDEV');

function stdev(xs: readonly number[]): FormulaValue {
  const few = stdevTooFew(xs.length);
  if (few) return few;
  const mean = sum(xs) / xs.length;
  return stdevResult(xs.reduce((s, x) => s + (x - mean) ** 2, 0), xs.length);
}

/** x to the power y, with the spreadsheet errors: 0 to a negative power is #DIV/0!. */
export function power(x: number, y: number): FormulaValue {
  if (x === 0 && y < 0) return formulaError('#DIV/0!', `0 to the power ${y} divides by zero`);
  const r = x ** y;
  if (Number.isNaN(r)) return formulaError('#NUM!', `${x} to the power ${y} is not a real number`);
  return finite(r, () => `${x} to the power ${y}`);
}

/**
 * Rounds half away from zero, like spreadsheets. Going through 15 significant digits first makes
 * ROUND(1.005, 2) give 1.01, as it shows, instead of the 1 that the binary value 1.00499… gives.
 */
export function roundTo(x: number, digits: number): number {
  const d = Math.trunc(digits);
  const scale = 10 ** Math.abs(d);
  if (!Number.isFinite(scale)) return d > 0 ? x : 0; // beyond any double's digits, or above any double
  const scaled = d >= 0 ? Math.abs(x) * scale : Math.abs(x) / scale;
  if (!Number.isFinite(scaled) || scaled >= 2 ** 52) return x; // nothing left to round at this precision
  // Only a value within rounding noise of a half can round differently at 15 digits; formatting
  // it as text (toPrecision) for every cell of a column costs more than the rest of ROUND.
  const nearHalf = Math.abs(scaled - Math.floor(scaled) - 0.5) <= scaled * 1e-12;
  const r = Math.round(nearHalf ? Number(scaled.toPrecision(15)) : scaled);
  return Math.sign(x) * (d >= 0 ? r / scale : r * scale);
}

function logical(name: 'AND' | 'OR', args: readonly PlainValue[]): FormulaValue {
  let result = name === 'AND';
  for (const a of args) {
    const b = toBoolean(a);
    if (isFormulaError(b)) return b;
    result = name === 'AND' ? result && b : result || b;
  }
  return result;
}

const TABLE: readonly FunctionSpec[] = [
  { kind: 'if', name: 'IF', minArgs: 2, maxArgs: 3, signature: 'IF(condition, then, else)',
    help: 'then when the condition is TRUE, else otherwise (FALSE when else is left out).' },
  aggregate('MIN', 'MIN(values…)', 'The smallest number (0 when there are none).', (xs) => (xs.length ? xs.reduce((m, x) => Math.min(m, x)) : 0)),
  aggregate('MAX', 'MAX(values…)', 'The largest number (0 when there are none).', (xs) => (xs.length ? xs.reduce((m, x) => Math.max(m, x)) : 0)),
  aggregate('SUM', 'SUM(values…)', 'The sum of the numbers.', (xs) => sumResult(sum(xs))),
  aggregate('AVERAGE', 'AVERAGE(values…)', 'The mean of the numbers; #DIV/0! when there are none.', (xs) => averageResult(sum(xs), xs.length)),
  aggregate('STDEV', 'STDEV(values…)', 'The sample standard deviation; needs at least 2 numbers.', stdev),
  aggregate('COUNT', 'COUNT(values…)', 'How many numbers there are; text, empty cells and errors are not counted.', (xs) => xs.length, true),
  { kind: 'scalar', name: 'ROUND', minArgs: 1, maxArgs: 2, signature: 'ROUND(x, digits)',
    help: 'x rounded to digits decimals (0 when left out; negative rounds to tens, hundreds…), halves away from zero.',
    apply: ([a, b]) => {
      const x = toNumber(a ?? null);
      if (isFormulaError(x)) return x;
      const d = toNumber(b ?? 0);
      if (isFormulaError(d)) return d;
      return roundTo(x, d);
    } },
  unary('ABS', 'The absolute value.', Math.abs),
  unary('LOG10', 'The base-10 logarithm; x must be above 0.', Math.log10, (x) =>
    x <= 0 ? formulaError('#NUM!', `LOG10 needs a number above 0, got ${x}`) : undefined),
  unary('LN', 'The natural logarithm; x must be above 0.', Math.log, (x) =>
    x <= 0 ? formulaError('#NUM!', `LN needs a number above 0, got ${x}`) : undefined),
  unary('EXP', 'e to the power x.', Math.exp),
  unary('SQRT', 'The square root; x must not be negative.', Math.sqrt, (x) =>
    x < 0 ? formulaError('#NUM!', `SQRT needs a number of at least 0, got ${x}`) : undefined),
  { kind: 'scalar', name: 'POW', minArgs: 2, maxArgs: 2, signature: 'POW(x, y)', help: 'x to the power y, the same as x^y.',
    apply: ([a, b]) => {
      const x = toNumber(a ?? null);
      if (isFormulaError(x)) return x;
      const y = toNumber(b ?? null);
      if (isFormulaError(y)) return y;
      return power(x, y);
    } },
  { kind: 'scalar', name: 'AND', minArgs: 1, maxArgs: MANY, signature: 'AND(conditions…)', help: 'TRUE when every condition is TRUE.',
    apply: (args) => logical('AND', args) },
  { kind: 'scalar', name: 'OR', minArgs: 1, maxArgs: MANY, signature: 'OR(conditions…)', help: 'TRUE when any condition is TRUE.',
    apply: (args) => logical('OR', args) },
  { kind: 'scalar', name: 'NOT', minArgs: 1, maxArgs: 1, signature: 'NOT(condition)', help: 'TRUE when the condition is FALSE.',
    apply: ([a]) => {
      const b = toBoolean(a ?? null);
      return isFormulaError(b) ? b : !b;
    } },
];

const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(TABLE.map((f) => [f.name, f]));

/** All functions, in help order. */
export const FUNCTIONS: readonly FunctionSpec[] = TABLE;

/** The function of that name, any case, or undefined. */
export function lookupFunction(name: string): FunctionSpec | undefined {
  // Parsed calls already carry the upper-case name: no new string per evaluation.
  return BY_NAME.get(name) ?? BY_NAME.get(name.toUpperCase());
}

/** The function names, for did-you-mean. */
export const FUNCTION_NAMES: readonly string[] = TABLE.map((f) => f.name);
