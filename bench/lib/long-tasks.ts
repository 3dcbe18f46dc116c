/**
 * What each long main-thread task (by CPU time) was made of, read from a chromium trace recorded
 * with the 'blink.user_timing' category while the app's timed sections (src/ui/compare/timings.ts)
 * emit measures: which of the app's own sections ran in it (grid pass, the Solid tick that feeds
 * the comparison and detail charts, a deferred chart rebuild), the browser's rendering of the frame
 * (style, layout, paint, commit), garbage collection, and worker messages. The task's CPU is split
 * by the CPU of its top-level parts; a part's CPU is the trace's thread time, never wall time.
 */
import type { TraceEvent } from './trace.ts';

/** The CPU of one long task, by part (ms), and the app's timed sections that ran in it (wall ms). */
export interface TaskParts {
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Where the CPU went: the parts below sum to about cpuMs; 'other' is the rest. */
  readonly parts: Record<string, number>;
  /** The app's sections that ran inside, with their wall time (nested ones included). */
  readonly sections: Record<string, number>;
  /** The part that cost most CPU. */
  readonly cause: string;
}

const cpu = (e: TraceEvent) => (e.tdur ?? 0) / 1000;
const end = (e: TraceEvent) => e.ts + (e.dur ?? 0);
const within = (e: TraceEvent, t: TraceEvent) => e.ts >= t.ts && end(e) <= end(t);

const GC = new Set(['MinorGC', 'MajorGC', 'V8.GCScavenger', 'V8.GCFinalizeMC', 'V8.GCIncrementalMarking', 'V8.GC_MC_COMPLETE_SWEEPING', 'BlinkGC.AtomicPhase', 'CppGC.AtomicMark']);
const RENDER_PARTS: Record<string, string> = {
  'LocalFrameView::RunStyleAndLayoutLifecyclePhases': 'frame style+layout',
  PrePaint: 'frame prepaint',
  'LocalFrameView::RunPaintLifecyclePhase': 'frame paint',
  Commit: 'frame commit',
};

/** User-timing measures of the main thread as spans: name, start, end (trace µs). */
function measures(raw: readonly TraceEvent[], main: string): { name: string; ts: number; end: number }[] {
  const open = new Map<string, TraceEvent>();
  const out: { name: string; ts: number; end: number }[] = [];
  for (const e of raw) {
    if (!e.cat?.includes('blink.user_timing') || `${e.pid}:${e.tid}` !== main) continue;
    const key = `${e.name}|${e.id2?.local ?? e.id ?? ''}`;
    if (e.ph === 'b') open.set(key, e);
    else if (e.ph === 'e') {
      const b = open.get(key);
      if (b) { out.push({ name: e.name, ts: b.ts, end: e.ts }); open.delete(key); }
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/**
 * The main thread's tasks over `overMs` of CPU, each split into parts. A rAF callback is named by
 * the outermost app section it ran (grid-pass, ui-tick), a task without a frame that handled a
 * worker's message is 'worker message', GC is counted wherever it ran (and taken out of its parent).
 */
export function longTaskParts(raw: readonly TraceEvent[], mainEvents: readonly TraceEvent[], main: string, overMs = 16): TaskParts[] {
  const spans = measures(raw, main);
  const tasks = mainEvents.filter((e) => e.name === 'RunTask' && cpu(e) > overMs).sort((a, b) => a.ts - b.ts);
  const sorted = [...mainEvents].sort((a, b) => a.ts - b.ts);
  let from = 0;
  return tasks.map((t) => {
    while (from < sorted.length && sorted[from]!.ts < t.ts) from++;
    const inside: TraceEvent[] = [];
    for (let i = from; i < sorted.length && sorted[i]!.ts <= end(t); i++) if (sorted[i] !== t && within(sorted[i]!, t)) inside.push(sorted[i]!);
    const parts: Record<string, number> = {};
    const add = (k: string, ms: number) => { if (ms > 0) parts[k] = (parts[k] ?? 0) + ms; };
    const gcIn = (e: TraceEvent) => inside.filter((g) => GC.has(g.name) && within(g, e) && !inside.some((o) => o !== g && GC.has(o.name) && within(g, o))).reduce((s, g) => s + cpu(g), 0);
    const sectionsIn = (e: TraceEvent) => spans.filter((s) => s.ts >= e.ts && s.end <= end(e));
    let gc = 0;
    let counted = 0;
    // Script: each rAF callback, and each other top-level call (a message, a timer, an event).
    const calls = inside.filter((e) => e.name === 'FireAnimationFrame' || e.name === 'TimerFire' || e.name === 'EventDispatch' || e.name === 'v8.callFunction' || e.name === 'FunctionCall')
      .filter((e, _, all) => !all.some((o) => o !== e && within(e, o)));
    const message = inside.some((e) => e.name === 'MessagePort::Accept' || e.name === 'SerializedScriptValueFactory::deserialize');
    for (const c of calls) {
      const g = gcIn(c);
      gc += g;
      counted += cpu(c);
      const secs = sectionsIn(c);
      const outer = secs.filter((s) => !secs.some((o) => o !== s && o.ts <= s.ts && o.end >= s.end && (o.ts < s.ts || o.end > s.end)));
      const name = outer.length > 0 ? [...new Set(outer.map((s) => s.name))].join('+')
        : c.name === 'FireAnimationFrame' ? 'other rAF' : message ? 'worker message' : c.name === 'TimerFire' ? 'timer' : 'other script';
      add(name, cpu(c) - g);
    }
    // The frame's own rendering, outside script.
    for (const e of inside) {
      const part = RENDER_PARTS[e.name];
      if (!part || calls.some((c) => within(e, c))) continue;
      const g = gcIn(e);
      gc += g;
      counted += cpu(e);
      add(part, cpu(e) - g);
    }
    const topGc = inside.filter((g) => GC.has(g.name) && !calls.some((c) => within(g, c)) && !inside.some((o) => RENDER_PARTS[o.name] && within(g, o)) && !inside.some((o) => o !== g && GC.has(o.name) && within(g, o)));
    for (const g of topGc) { gc += cpu(g); counted += cpu(g); }
    add('GC', gc);
    add('other', cpu(t) - counted);
    const sections: Record<string, number> = {};
    for (const s of sectionsIn(t)) sections[s.name] = (sections[s.name] ?? 0) + (s.end - s.ts) / 1000;
    const cause = Object.entries(parts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'other';
    return { cpuMs: cpu(t), wallMs: (t.dur ?? 0) / 1000, parts, sections, cause };
  });
}

/** One line per long task (longest first, at most `count`), then how many had each cause. */
export function describeLongTasks(list: readonly TaskParts[], count = 12): string {
  const fmt = (r: Record<string, number>) => Object.entries(r).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  const lines = [...list].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, count)
    .map((t) => `  ${t.cpuMs.toFixed(1).padStart(5)} ms CPU (${t.wallMs.toFixed(0)} wall): ${fmt(t.parts)}${Object.keys(t.sections).length ? `   | sections (wall): ${fmt(t.sections)}` : ''}`);
  const causes = new Map<string, number>();
  for (const t of list) causes.set(t.cause, (causes.get(t.cause) ?? 0) + 1);
  return `${lines.join('\n')}\n  by largest part: ${[...causes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`;
}

/** Mean CPU per frame part over every frame task (for a before/after comparison of the steady cost). */
export function framePartMeans(list: readonly TaskParts[]): string {
  const sum: Record<string, number> = {};
  for (const t of list) for (const [k, v] of Object.entries(t.parts)) sum[k] = (sum[k] ?? 0) + v;
  return Object.entries(sum).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / Math.max(1, list.length)).toFixed(2)}`).join(', ');
}
