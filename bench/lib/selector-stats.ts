/**
 * Which CSS selectors cost the style recalculations of a trace: chromium's selector statistics
 * (the trace category `disabled-by-default-blink.debug`, DevTools' "selector stats"), one
 * `SelectorStats` event per recalculation with each selector's match time. Summed over the trace,
 * so a selector tried on every restyled element shows up however cheap each attempt is.
 */
import type { TraceEvent } from './trace.ts';

export const SELECTOR_STATS_CATEGORY = 'disabled-by-default-blink.debug';

interface SelectorTiming {
  selector: string;
  'elapsed (us)'?: number;
  elapsed?: number;
  match_attempts: number;
  match_count: number;
  fast_reject_count: number;
}

/** The `count` selectors with the most match time (µs), with their attempts and matches. */
export function selectorCosts(events: readonly TraceEvent[], count = 15): string {
  const sum = new Map<string, { us: number; attempts: number; matches: number }>();
  let total = 0;
  let recalcs = 0;
  for (const e of events) {
    if (e.name !== 'SelectorStats') continue;
    const timings = (e as unknown as { args?: { selector_stats?: { selector_timings?: SelectorTiming[] } } }).args?.selector_stats?.selector_timings ?? [];
    recalcs++;
    for (const t of timings) {
      const s = sum.get(t.selector) ?? { us: 0, attempts: 0, matches: 0 };
      const us = t['elapsed (us)'] ?? t.elapsed ?? 0;
      s.us += us;
      s.attempts += t.match_attempts;
      s.matches += t.match_count;
      total += us;
      sum.set(t.selector, s);
    }
  }
  const lines = [...sum].sort((a, b) => b[1].us - a[1].us).slice(0, count)
    .map(([sel, s]) => `  ${(s.us / 1000).toFixed(1).padStart(7)} ms  ${String(s.attempts).padStart(8)} tries ${String(s.matches).padStart(7)} matches  ${sel.slice(0, 140)}`);
  return `selector match time over ${recalcs} recalculations: ${(total / 1000).toFixed(1)} ms in all\n${lines.join('\n')}`;
}
