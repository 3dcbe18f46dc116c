/**
 * What the scheduler tests of statuses share: a small toy row's cells, the letter of a sheet
 * column for A1 references, and a row as a person sees it (status line and notes formula).
 */
import { SHEET_COLUMN_KEYS, columnLetters } from '../../src/engine/formula/index.ts';
import { type RowState, statusText } from '../../src/engine/scheduler/sheet-engine.ts';

/** A toy row's cells (5 epochs on the circle), with `over` typed over them. */
export const toyCells = (over: Record<string, string> = {}) => ({
  dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '5', seed: '1', ...over,
});

/** The letter of a sheet column (status, test_acc, ...) in A1 references. */
export const columnLetter = (key: string) => columnLetters(SHEET_COLUMN_KEYS.indexOf(key));

/** What a row shows: its status line (without progress) and its notes formula's value. */
export function shownRow(r: RowState): string {
  const status = r.status.state === 'running' ? 'running' : statusText(r.status);
  return `${r.id}: ${status} | notes=${String(r.formulas.notes ?? '')}`;
}
