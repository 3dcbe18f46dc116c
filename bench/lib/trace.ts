/**
 * A chromium performance trace over a stretch of time, summed by event: how much of the main
 * thread went to script, style recalculation, layout, paint. The JS sampling profiler cannot see
 * the last three, and they are where a grid redraw spends its time.
 */
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly dur?: number;
  readonly ts: number;
  /** Thread (CPU) time: what the event cost, without the time the thread waited for a core. */
  readonly tdur?: number;
  readonly tid: number;
  readonly pid: number;
  /** Async events (user timing measures) pair their begin and end by id. */
  readonly id?: string;
  readonly id2?: { readonly local?: string };
  readonly cat?: string;
  readonly args?: {
    readonly data?: { readonly url?: string; readonly functionName?: string };
    readonly elementCount?: number;
    readonly beginData?: { readonly dirtyObjects?: number; readonly totalObjects?: number };
  };
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8'].join(',');

/** Record `ms` of trace while `during` runs; resolves with the complete events of the page's main thread. */
export async function traceFor(cdp: CDPSession, during: () => Promise<void>): Promise<TraceEvent[]> {
  return mainThreadEvents(await recordTrace(cdp, during));
}

/** Every event of a trace recorded while `during` runs, of every process and thread, in `extraCategories` too. */
export async function recordTrace(cdp: CDPSession, during: () => Promise<void>, extraCategories: readonly string[] = []): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => { events.push(...(e.value as unknown as TraceEvent[])); });
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: [CATEGORIES, ...extraCategories].join(','), transferMode: 'ReportEvents' });
  await during();
  await cdp.send('Tracing.end');
  await done;
  return events;
}

/** The complete events ('X') of the page's main thread. */
export function mainThreadEvents(events: readonly TraceEvent[]): TraceEvent[] {
  // The renderer's main thread is the one that ran the most RunTask time in the page's process.
  const main = mainThread(events);
  return events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main);
}

/** The renderer main thread's id, as `pid:tid`. */
export function mainThreadOf(events: readonly TraceEvent[]): string {
  return mainThread(events);
}

function mainThread(events: readonly TraceEvent[]): string {
  const named = events.find((e) => e.name === 'thread_name' && (e as unknown as { args: { name: string } }).args.name === 'CrRendererMain');
  if (named) return `${named.pid}:${named.tid}`;
  const time = new Map<string, number>();
  for (const e of events) if (e.name === 'RunTask' && e.dur) time.set(`${e.pid}:${e.tid}`, (time.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
  return [...time].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/** Milliseconds per event name, the longest first: nested events count in their parents too. */
export function summarize(events: readonly TraceEvent[], top = 14): string {
  const sum = new Map<string, { ms: number; cpu: number; n: number; max: number; maxCpu: number }>();
  for (const e of events) {
    const s = sum.get(e.name) ?? { ms: 0, cpu: 0, n: 0, max: 0, maxCpu: 0 };
    s.ms += (e.dur ?? 0) / 1000;
    s.cpu += (e.tdur ?? 0) / 1000;
    s.n++;
    s.max = Math.max(s.max, (e.dur ?? 0) / 1000);
    s.maxCpu = Math.max(s.maxCpu, (e.tdur ?? 0) / 1000);
    sum.set(e.name, s);
  }
  return `  ${'event'.padEnd(40)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'n'.padStart(6)}  longest wall / CPU\n` + [...sum].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
    .map(([name, s]) => `  ${name.slice(0, 40).padEnd(40)} ${s.ms.toFixed(0).padStart(8)} ${s.cpu.toFixed(0).padStart(8)} ${String(s.n).padStart(6)}  ${s.max.toFixed(1)} / ${s.maxCpu.toFixed(1)} ms`).join('\n');
}

/** The tasks that cost the most CPU, each with the nested events that took most of it. */
export function longestTasks(events: readonly TraceEvent[], count = 6): string {
  const cpu = (e: TraceEvent) => e.tdur ?? 0;
  const tasks = events.filter((e) => e.name === 'RunTask').sort((a, b) => cpu(b) - cpu(a)).slice(0, count);
  return tasks.map((t) => {
    const end = t.ts + (t.dur ?? 0);
    const inside = events.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= end && cpu(e) > cpu(t) * 0.15);
    const parts = inside.sort((a, b) => cpu(b) - cpu(a)).slice(0, 8)
      .map((e) => `${e.name}${e.args?.data?.functionName ? `(${e.args.data.functionName})` : ''} ${(cpu(e) / 1000).toFixed(1)}`);
    return `  task ${(cpu(t) / 1000).toFixed(1)} ms CPU (${((t.dur ?? 0) / 1000).toFixed(0)} ms wall): ${parts.join(', ')}`;
  }).join('\n');
}

/** Main-thread tasks by CPU time: how many cost over 16 and 50 ms of CPU, and the most one did. */
export function taskCpu(events: readonly TraceEvent[]): { readonly tasks: number; readonly over16: number; readonly over50: number; readonly maxMs: number; readonly p99Ms: number } {
  const ms = events.filter((e) => e.name === 'RunTask').map((e) => (e.tdur ?? 0) / 1000).sort((a, b) => a - b);
  return {
    tasks: ms.length,
    over16: ms.filter((x) => x > 16).length,
    over50: ms.filter((x) => x > 50).length,
    maxMs: ms.at(-1) ?? 0,
    p99Ms: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))] ?? 0,
  };
}

/** How much each style recalculation and layout had to do: elements restyled, objects laid out. */
export function styleAndLayoutWork(events: readonly TraceEvent[]): string {
  const styles = events.filter((e) => e.name === 'UpdateLayoutTree' && e.args?.elementCount !== undefined).map((e) => e.args!.elementCount!);
  const layouts = events.filter((e) => e.name === 'Layout' && e.args?.beginData?.dirtyObjects !== undefined).map((e) => e.args!.beginData!);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return `  style recalcs ${styles.length}: elements mean ${mean(styles).toFixed(0)}, max ${Math.max(0, ...styles)}\n` +
    `  layouts ${layouts.length}: dirty objects mean ${mean(layouts.map((l) => l.dirtyObjects ?? 0)).toFixed(0)}, max ${Math.max(0, ...layouts.map((l) => l.dirtyObjects ?? 0))}, of ${Math.max(0, ...layouts.map((l) => l.totalObjects ?? 0))} objects`;
}

/**
 * The frame work that does not scale with what changed: layouts (a text change in a table cell
 * lays out the whole table) and full layerizations (PaintArtifactCompositor::Update, run when
 * paint chunks appear, vanish or change their bounds: 3-6 ms for the grid's page), per second.
 */
export function frameWork(events: readonly TraceEvent[], seconds: number): string {
  const line = (name: string, label: string) => {
    const ms = events.filter((e) => e.name === name).map((e) => (e.tdur ?? 0) / 1000);
    const total = ms.reduce((a, b) => a + b, 0);
    return `${label} ${(ms.length / seconds).toFixed(1)}/s, mean ${(total / Math.max(1, ms.length)).toFixed(2)} ms CPU`;
  };
  return `  ${line('Layout', 'layouts')}; ${line('PaintArtifactCompositor::Update', 'full layerizations')}; ${line('Paint', 'paints')}`;
}
