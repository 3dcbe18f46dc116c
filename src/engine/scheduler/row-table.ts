/**
 * The sheet's rows: the current object of each row by id, and the sheet order. Rows are immutable
 * snapshots; changing a row means setting a new object for its id.
 */
import type { RowState } from './row-state.ts';

/** Rows by id and in sheet order; the engine, the placing of rows and the formulas share one. */
export class RowTable {
  private readonly byId = new Map<string, RowState>();
  /**
   * Row ids in sheet order; a sweep's children follow it. Edits change it in place or replace it:
   * whoever keeps it across edits copies it.
   */
  order: string[] = [];
  private nextId = 1;
  /** The row a formula read last: set() and delete() keep it equal to byId's entry or clear it. */
  private lastRead: RowState | null = null;

  get(id: string): RowState | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Replace a row's object (or add a row; its place in `order` is the caller's). */
  set(row: RowState): void {
    this.byId.set(row.id, row);
    if (this.lastRead !== null && this.lastRead.id === row.id) this.lastRead = row;
  }

  /** Forget a row (its place in `order` is the caller's). */
  delete(id: string): void {
    this.byId.delete(id);
    if (this.lastRead?.id === id) this.lastRead = null;
  }

  /**
   * The row with this id, as formulas read it: a formula reading several cells of one row
   * (=train_acc - test_acc) looks the row up once.
   */
  read(id: string): RowState | undefined {
    const last = this.lastRead;
    if (last !== null && last.id === id) return last;
    const r = this.byId.get(id);
    if (r !== undefined) this.lastRead = r;
    return r;
  }

  /** `wanted` if no row has it, else a new id of the form r<n>. */
  freshId(wanted?: string): string {
    let id = wanted ?? `r${this.nextId++}`;
    while (this.byId.has(id)) id = `r${this.nextId++}`;
    return id;
  }

  /** Sheet position for a new top-level row at top-level index `index` (children stay with their sweep). */
  topLevelIndex(index: number): number {
    let seen = 0;
    for (let i = 0; i < this.order.length; i++) {
      if (this.byId.get(this.order[i]!)!.parent !== null) continue;
      if (seen++ === index) return i;
    }
    return this.order.length;
  }
}
