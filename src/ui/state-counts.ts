/**
 * How many rows are in each run state, kept up to date from the engine's change events: the
 * summary line and the "Run stale (n)" button read it every frame, and counting a 10,000-row
 * sheet each frame while rows train was a pass over every row.
 */
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';

export class StateCounts {
  private readonly states = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly engine: Pick<SheetEngine, 'rows' | 'row' | 'rowIds'>) {
    this.rebuild();
  }

  /** Follow the rows the engine reported changed. */
  update(changed: Iterable<string>): void {
    for (const id of changed) {
      const row = this.engine.row(id);
      // A row we never saw means rows were added (perhaps beside others removed): count afresh.
      if (row && !this.states.has(id)) { this.rebuild(); return; }
      this.set(id, row?.status.state);
    }
    if (this.states.size !== this.engine.rowIds().length) this.rebuild();
  }

  /** Rows in `state`. */
  count(state: string): number {
    return this.counts.get(state) ?? 0;
  }

  get total(): number {
    return this.states.size;
  }

  private rebuild(): void {
    this.states.clear();
    this.counts.clear();
    for (const r of this.engine.rows()) this.set(r.id, r.status.state);
  }

  private set(id: string, state: string | undefined): void {
    const before = this.states.get(id);
    if (before === state) return;
    if (before !== undefined) this.counts.set(before, this.counts.get(before)! - 1);
    if (state === undefined) this.states.delete(id);
    else {
      this.states.set(id, state);
      this.counts.set(state, (this.counts.get(state) ?? 0) + 1);
    }
  }
}
