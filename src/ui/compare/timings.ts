/**
 * Main-thread time of the chart updates, kept as a few counters per name (count, total, longest):
 * two performance.now() calls per update, nothing stored per call. The charts benchmark
 * (bench/charts.ts) reads them from `window.__sweepsheetTimings` while 100 rows train; with
 * `window.__sweepsheetMeasure` set, each update is also a user-timing measure, which its trace shows.
 */
export interface Timing {
  count: number;
  totalMs: number;
  maxMs: number;
}

const timings: Record<string, Timing> = {};
const page = globalThis as { __sweepsheetTimings?: Record<string, Timing>; __sweepsheetMeasure?: boolean };
page.__sweepsheetTimings = timings;

/** Run `fn` and add its duration to the counters of `name`. */
export function timed<T>(name: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - start;
    const t = (timings[name] ??= { count: 0, totalMs: 0, maxMs: 0 });
    t.count++;
    t.totalMs += ms;
    if (ms > t.maxMs) t.maxMs = ms;
    // The charts benchmark turns this on to see which of these ran inside each long task of its trace.
    // The trace keeps the measure; the page's buffer of entries is emptied at once (it never shrinks by itself).
    if (page.__sweepsheetMeasure === true) {
      performance.measure(name, { start, duration: ms });
      performance.clearMeasures(name);
    }
  }
}
