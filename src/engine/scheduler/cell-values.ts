/**
 * Between cells and formulas: what a formula reads from a typed cell or a result cell, and the
 * text a formula in an input cell hands to the row's parser.
 */
import { INPUT_COLUMNS, RESULT_COLUMNS } from '../columns.ts';
import { type CellError, cellError } from '../errors.ts';
import { type FormulaValue, NO_RESULT, PENDING, formatValue, isFormulaError, isFormulaText, isPending } from '../formula/index.ts';
import { parseNumericText } from '../formula/values.ts';
import type { RowCells } from '../spec.ts';
import { type RowState, isStale } from './row-state.ts';
import { SWEPT_COLUMN_METRICS, sweepSummary } from './sweep-stats.ts';

export const RESULT_KEYS: readonly string[] = RESULT_COLUMNS.map((c) => c.key);
const RESULT_KEY_SET = new Set(RESULT_KEYS);
const INPUT_KEYS = new Set(INPUT_COLUMNS.map((c) => c.key));

/** Whether a column is one the person types (and so may hold a formula that feeds the spec). */
export function isInputColumn(key: string): boolean {
  return INPUT_KEYS.has(key);
}

/**
 * The value of a cell holding no formula: typed text as a number when it reads as one, a result
 * when the row has a current one (a missing or stale result is PENDING while the row is on its
 * way to one, so formulas reading it wait rather than compute with 0, and NO_RESULT when it is
 * invalid or failed), the status as text.
 */
export function plainValue(row: RowState, column: string): FormulaValue {
  return plainReader(column)(row);
}

/** How plainValue reads one column, decided once per column: a formula column reads it in every row. */
export function plainReader(column: string): (row: RowState) => FormulaValue {
  let read = readers.get(column);
  if (!read) {
    read = column === 'status' ? readStatus : RESULT_KEY_SET.has(column) ? resultReader(column) : textReader(column);
    readers.set(column, read);
  }
  return read;
}

const readers = new Map<string, (row: RowState) => FormulaValue>();

const readStatus = (row: RowState): FormulaValue => row.status.state;

function resultReader(column: string): (row: RowState) => FormulaValue {
  const value = RESULT_COLUMNS.find((c) => c.key === column)?.value;
  return (row) => {
    if (row.sweep) return null;
    // Waiting only on a row on its way to a result: a setting that waited on an invalid or failed
    // row would never train (review-19).
    if (!row.result || isStale(row)) return willRun(row) ? PENDING : NO_RESULT;
    const v = value ? value(row.result) : undefined;
    return v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : v;
  };
}

/** Whether the row is on its way to a result it has not got: queued, running, or stale (to run). */
function willRun(row: RowState): boolean {
  const s = row.status.state;
  return s === 'queued' || s === 'running' || s === 'stale';
}

function textReader(column: string): (row: RowState) => FormulaValue {
  return (row) => {
    const text = (row.cells[column] ?? '').trim();
    if (text === '') return null;
    return parseNumericText(text) ?? text;
  };
}

/**
 * The cells a row's parser sees: each input formula replaced by its value's text. A formula
 * that evaluates to an error makes a cell error naming the column when the column feeds the
 * spec; in a column that never changes what trains (`spec: false`: name, notes) the error stays
 * the cell's own (its formula value, shown in the cell) and the row still trains, its text there
 * the error's code, as the cell shows it.
 */
export function effectiveCells(cells: RowCells, valueOf: (column: string) => FormulaValue | undefined): { cells: Record<string, string>; errors: CellError[] } {
  const out: Record<string, string> = { ...cells };
  const errors: CellError[] = [];
  for (const col of INPUT_COLUMNS) {
    const text = cells[col.key];
    if (text === undefined || !isFormulaText(text)) continue;
    const v = valueOf(col.key);
    if (v === undefined) continue;
    // Waiting on a result reads as the empty cell it shows; a setting waiting on one is an error
    // until it arrives, not the column's default (which would train, then train again).
    if (isPending(v) && !col.spec) {
      out[col.key] = '';
      continue;
    }
    if (isFormulaError(v)) {
      if (col.spec) errors.push(cellError(col.key, `the formula gives ${v.code}: ${v.message}`, 'a formula whose value fits the column'));
      else out[col.key] = v.code;
      continue;
    }
    out[col.key] = v === null ? '' : typeof v === 'number' ? String(v) : formatValue(v);
  }
  return { cells: out, errors };
}

/**
 * What a formula reads from a sweep's row: the mean of a metric over its finished children;
 * while none has finished, PENDING if one is on its way and NO_RESULT if none is (all invalid or
 * failed: waiting would be for ever); else (a metric no child has, like test_mae for classes) empty.
 */
export function sweepValue(children: readonly RowState[], column: string): FormulaValue {
  if (column === 'status') return 'sweep';
  const metric = Object.hasOwn(SWEPT_COLUMN_METRICS, column) ? SWEPT_COLUMN_METRICS[column] : undefined;
  if (!metric) return null;
  const mean = sweepSummary(children)[metric]?.mean;
  if (mean !== undefined) return mean;
  if (children.some((c) => c.result !== null && !isStale(c) && (c.status.state === 'done' || c.status.state === 'diverged'))) return null;
  return children.some(willRun) ? PENDING : NO_RESULT;
}
