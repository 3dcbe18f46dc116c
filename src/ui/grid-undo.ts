/**
 * Handsontable's undo history records changes by row index. The grid's rows come from the engine
 * and are replaced whole (updateData) when rows are added, removed or moved. Most of that keeps the
 * recorded indices right: rows appended at the end (Add row, CSV import, fill and paste past the
 * end), and a sweep's runs, which appear and go with an edit that is itself in the history (undone
 * first, last in first out). Removing a row, or putting it back, is not in the history: a change
 * recorded before a row above it was removed then points at the row that took its place, and Ctrl+Z
 * wrote the old text into that other row. The page says when it does such a thing
 * (`rowsWillMove`); the next replacement of the grid's rows then clears the history, unless every
 * row stayed where it was. An undo that does nothing beats one that edits the wrong row.
 */
import type Handsontable from 'handsontable/base';
import { isInputKey } from './grid-columns.ts';

type Row = Readonly<Record<string, unknown>>;

/** Whether `next` keeps every row of `prev` where it was, by its typed cells: only rows added after them. */
export function keepsRowsInPlace(prev: readonly Row[], next: readonly Row[]): boolean {
  if (next.length < prev.length) return false;
  for (let i = 0; i < prev.length; i++) {
    const a = prev[i]!;
    const b = next[i]!;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (isInputKey(key) && (a[key] ?? '') !== (b[key] ?? '')) return false;
    }
  }
  return true;
}

let moving = false;

/** Rows are about to be removed or inserted outside the undo history (the toolbar's Remove row, Undo remove). */
export function rowsWillMove(): void {
  moving = true;
}

/** A `beforeUpdateData` hook for the grid's settings: after rowsWillMove, clears the undo history unless rows stayed in place. */
export function clearUndoIfRowsMoved(this: Handsontable, next: unknown): void {
  if (!moving) return;
  moving = false;
  const prev = this.getSettings().data;
  if (!Array.isArray(prev) || !Array.isArray(next)) return;
  if (keepsRowsInPlace(prev as Row[], next as Row[])) return;
  // UndoRedo is registered in grid-setup.ts; without it there is nothing to clear.
  (this.getPlugin('undoRedo') as { clear?: () => void } | undefined)?.clear?.();
}
