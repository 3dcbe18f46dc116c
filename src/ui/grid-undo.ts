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
 *
 * Sorting moves rows without touching the history either: with the grid sorted by a result (or the
 * params an edit of the layers changes), the edited row moves when its new values arrive, and Ctrl+Z
 * wrote the old text into the row that took its place. So each recorded edit also keeps its rows'
 * physical indices (stable under sort and filter; moved only by the rebuilds above), and an undo or
 * redo finds their visual rows again just before it runs (`followSortedRows`).
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

/** What Handsontable's DataChangeAction holds: [visual row, visual column, old, new] per change, and the cells to select after. */
interface ChangeAction {
  readonly actionType?: string;
  changes?: [number, number, unknown, unknown][];
  selected?: number[][];
}

/** Physical rows of each change of a recorded edit, by action. */
const physicalRows = new WeakMap<object, number[]>();

function isChange(action: unknown): action is ChangeAction {
  return typeof action === 'object' && action !== null && (action as ChangeAction).actionType === 'change' && Array.isArray((action as ChangeAction).changes);
}

/** A new edit in the history: keep where its rows are, physically. */
function remember(hot: Handsontable, action: unknown): void {
  if (!isChange(action) || physicalRows.has(action)) return;
  physicalRows.set(action, action.changes!.map(([row]) => hot.toPhysicalRow(row) ?? row));
}

/** An edit about to be undone or redone: point its changes (and the selection after) at its rows' visual places now. */
function relocate(hot: Handsontable, action: unknown): void {
  if (!isChange(action)) return;
  const rows = physicalRows.get(action);
  if (!rows) return;
  const changes = action.changes!;
  let moved = false;
  changes.forEach((change, i) => {
    const visual = hot.toVisualRow(rows[i]!);
    if (visual === null || visual < 0 || visual === change[0]) return;
    change[0] = visual;
    moved = true;
  });
  if (!moved || changes.length === 0) return;
  const vis = changes.map((c) => c[0]);
  const cols = changes.map((c) => c[1]);
  action.selected = changes.length === 1
    ? [[vis[0]!, cols[0]!]]
    : [[Math.min(...vis), Math.min(...cols), Math.max(...vis), Math.max(...cols)]];
}

/**
 * Hooks for the grid's settings (`afterUndoStackChange`, `afterRedoStackChange`): a stack one
 * longer holds a new edit (remember its rows); a stack one shorter is about to undo or redo its
 * last action (relocate it first: UndoRedo pops, runs these hooks, then applies the action).
 */
export const followSortedRows = {
  afterUndoStackChange(this: Handsontable, before: unknown[], after: unknown[]): void {
    if (after.length === before.length + 1) remember(this, after[after.length - 1]);
    else if (after.length === before.length - 1) relocate(this, before[before.length - 1]);
  },
  afterRedoStackChange(this: Handsontable, before: unknown[], after: unknown[]): void {
    if (after.length === before.length - 1) relocate(this, before[before.length - 1]);
  },
};
