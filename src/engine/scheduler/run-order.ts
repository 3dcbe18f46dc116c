/**
 * Which queued row runs next. The row just edited first, then rows on screen, then the rest; ties
 * in sheet order; a row whose identical spec is already training waits (it takes that result).
 */
import type { RowState } from './row-state.ts';

/** What the choice reads of the engine's state. */
export interface QueueView {
  /** Row ids in sheet order. */
  readonly order: readonly string[];
  /** Queued rows, with the edit sequence number that queued them. */
  readonly queue: ReadonlyMap<string, number>;
  /** Rows training now. */
  readonly running: Iterable<string>;
  /** Rows on screen. */
  readonly visible: ReadonlySet<string>;
  row(id: string): RowState | undefined;
}

/**
 * The queued row to start next, or null when every queued row waits on a twin in flight (or is in
 * `skip`: rows the caller started already).
 */
export function nextQueued(v: QueueView, skip: ReadonlySet<string> = new Set()): string | null {
  const inFlight = new Set<string>();
  for (const id of v.running) {
    const p = v.row(id)?.parsed;
    if (p?.ok) inFlight.add(p.key);
  }
  let best: string | null = null;
  let bestRank = -1;
  for (const id of v.order) {
    const seq = v.queue.get(id);
    if (seq === undefined || skip.has(id)) continue;
    const rank = seq * 2 + (v.visible.has(id) ? 1 : 0);
    if (rank <= bestRank) continue;
    const p = v.row(id)!.parsed;
    if (p.ok && inFlight.has(p.key)) continue;
    best = id;
    bestRank = rank;
  }
  return best;
}
