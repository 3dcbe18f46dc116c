/**
 * The values a formula reads and yields, the in-cell error values, and how values coerce and print.
 *
 * Errors are values, as in spreadsheets: an error in an argument flows out of the formula that
 * reads it, so one bad cell marks what depends on it while the rest of the sheet computes.
 */
import { clipForMessage } from '../text-cut.ts';

/** The spreadsheet error codes a cell can hold. */
export type FormulaErrorCode = '#DIV/0!' | '#VALUE!' | '#REF!' | '#NAME?' | '#NUM!' | '#CYCLE!' | '#N/A';

/** An in-cell error: the code shown in the cell and a sentence for its tooltip. */
export interface FormulaError {
  readonly kind: 'formula-error';
  readonly code: FormulaErrorCode;
  readonly message: string;
}

/** What a cell holds for formulas: a number, text, a boolean, empty (`null`) or an error. */
export type FormulaValue = number | string | boolean | null | FormulaError;

/** A value that is not an error. */
export type PlainValue = number | string | boolean | null;

/** The fixed limits of the formula language; each has its own error message. */
export const FORMULA_LIMITS = {
  /** Characters, including the leading `=`. */
  maxLength: 1_000,
  /** Nested parentheses, function calls, unary operators and `^` right operands. */
  maxDepth: 64,
  /** Cells in one range (B2:B9) or one whole column. */
  maxRangeCells: 100_000,
} as const;

export function formulaError(code: FormulaErrorCode, message: string): FormulaError {
  return { kind: 'formula-error', code, message };
}

/**
 * A result the row does not have yet but is on its way to (queued, running, stale): what a
 * formula reads from such a result cell (an invalid or failed row reads as NO_RESULT). It flows through arithmetic and functions like an error, so a formula that
 * reads it (or reads a formula that does) is pending too, and aggregates skip it like an empty
 * cell; the sheet stores and shows a pending formula as empty (see isPending), never as 0, and
 * computes it once the result arrives.
 */
export const PENDING: FormulaError = Object.freeze(formulaError('#N/A', 'it reads a result that is not there yet'));

/**
 * A result a row will not get until someone edits it (the row is invalid, failed or was
 * cancelled): it flows like an error and shows as #N/A, and aggregates skip it as they skip
 * PENDING; unlike PENDING a setting that reads it says so rather than waiting for it, which would
 * be for ever.
 */
export const NO_RESULT: FormulaError = Object.freeze(formulaError('#N/A', 'it reads a row that has no result (invalid or failed)'));

/** Whether a formula's value is pending on a result (see PENDING). */
export function isPending(v: unknown): boolean {
  return v === PENDING;
}

export function isFormulaError(v: unknown): v is FormulaError {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'formula-error';
}

/** True when a cell's text is a formula (starts with `=`). */
export function isFormulaText(text: string): boolean {
  return text.startsWith('=');
}

// The same number syntax as the lexer, with an optional sign and surrounding spaces. Stricter than
// Number(), which would also take "0x10", "Infinity" and "" (as 0).
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Numeric text as a number (`"0.03"` → 0.03), or undefined when it is not a finite number. */
export function parseNumericText(s: string): number | undefined {
  if (!NUMERIC_TEXT.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A value as a number for arithmetic: empty is 0, TRUE is 1, numeric text is its number, other
 * text is #VALUE!, and an error stays itself.
 */
export function toNumber(v: FormulaValue): number | FormulaError {
  if (v === null) return 0;
  switch (typeof v) {
    case 'number': return v;
    case 'boolean': return v ? 1 : 0;
    case 'string': {
      const n = parseNumericText(v);
      return n ?? formulaError('#VALUE!', `expected a number but got the text ${quote(v)}`);
    }
    default: return v;
  }
}

/** A value as a condition: empty is FALSE, a number is TRUE unless 0, text "TRUE"/"FALSE" is read. */
export function toBoolean(v: FormulaValue): boolean | FormulaError {
  if (v === null) return false;
  switch (typeof v) {
    case 'boolean': return v;
    case 'number': return v !== 0;
    case 'string': {
      const u = v.trim().toUpperCase();
      if (u === 'TRUE') return true;
      if (u === 'FALSE') return false;
      return formulaError('#VALUE!', `expected TRUE or FALSE but got the text ${quote(v)}`);
    }
    default: return v;
  }
}

/**
 * Normalizes what a caller's `get` returned: `undefined` (a missing cell) is empty, and a
 * non-finite number (a diverged loss, say) is #NUM! so it cannot leak into arithmetic.
 */
export function normalizeValue(v: FormulaValue | undefined): FormulaValue {
  if (v === undefined) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return formulaError('#NUM!', `the value ${v} is not a finite number`);
  return v;
}

/** Text in double quotes for messages, shortened so a message stays one line. */
export function quote(s: string): string {
  return `"${clipForMessage(s)}"`;
}

/**
 * A value for display in a cell: empty is "", booleans are TRUE/FALSE, errors show their code
 * (the message is for the tooltip), and numbers show at most 12 significant digits, switching to
 * exponent notation below 1e-6 and from 1e15.
 */
export function formatValue(v: FormulaValue): string {
  if (v === null) return '';
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': return v ? 'TRUE' : 'FALSE';
    case 'number': return formatNumber(v);
    default: return v.code;
  }
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '#NUM!';
  if (n === 0) return '0'; // also -0
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  const r = Number(n.toPrecision(12));
  const a = Math.abs(r);
  if (a < 1e-6 || a >= 1e15) {
    // 1.5e-7, not 1.50000000000e-7
    return r.toExponential(11).replace(/\.?0+e/, 'e').replace('e+', 'e');
  }
  return String(r);
}
