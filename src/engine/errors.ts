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
}

export function cellError(column: string, message: string, expected: string): CellError {
  return { kind: 'cell-error', column, message, expected };
}

/** One line for a status cell or a CLI: `lr: "abc" is not a number (expected a number from 1e-6 to 10)`. */
export function describeCellError(e: CellError): string {
  return `${e.column}: ${e.message} (expected ${e.expected})`;
}

export type Result<T, E = CellError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
