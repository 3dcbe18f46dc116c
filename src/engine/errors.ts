/**
 * Errors in the engine are values, never exceptions thrown out of a recompute:
 * a bad cell yields a CellError that names its place and what would have worked.
 */

/** A problem with one cell's text: where it is, what is wrong, what was expected. */
export interface CellError {
  readonly kind: 'cell-error';
  /** Column key, e.g. `lr`. */
  readonly column: string;
  /** What is wrong, in words a person understands. */
  readonly message: string;
  /** What would have been accepted. */
  readonly expected: string;
  /**
   * Which problem this is, stable across versions, so an interface can say it in another language;
   * `message` and `expected` stay the English reference text (CLI, tests, files).
   */
  readonly code?: CellErrorCode;
  /** The values the message was built from (already formatted), by name, for a translation to fill in. */
  readonly params?: Readonly<Record<string, string>>;
}

/** The problems a cell can have; a translation table keys on these. */
export type CellErrorCode =
  | 'not-a-choice' | 'not-a-number' | 'not-whole' | 'out-of-range'
  | 'bad-layers' | 'bad-dataset' | 'bad-reduce-lr'
  | 'too-many-sample-epochs' | 'too-much-compute' | 'model-does-not-fit'
  | 'bad-sweep' | 'sweep-too-large' | 'unsettled';

export function cellError(column: string, message: string, expected: string, code?: CellErrorCode, params?: Readonly<Record<string, string>>): CellError {
  return code === undefined ? { kind: 'cell-error', column, message, expected } : { kind: 'cell-error', column, message, expected, code, params: params ?? {} };
}

/** One line for a status cell or a CLI: `lr: "abc" is not a number (expected a number from 1e-6 to 10)`. */
export function describeCellError(e: CellError): string {
  return `${e.column}: ${e.message} (expected ${e.expected})`;
}

export type Result<T, E = CellError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
