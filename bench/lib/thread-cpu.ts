/**
 * CPU time per thread, read from /proc (Linux only; elsewhere every figure is empty): where a
 * pool's CPU goes — the training threads, the main thread, and the rest, which during a grid is
 * V8's platform threads doing concurrent compilation and garbage collection (parallel scavenges,
 * ArrayBuffer sweeping, concurrent marking). Ticks are USER_HZ (100 per second): 10 ms resolution.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const TICK_S = 0.01;

export interface ThreadCpu {
  readonly pid: number;
  readonly tid: number;
  readonly name: string;
  /** user + system CPU seconds. */
  readonly seconds: number;
}

function statFields(path: string): { name: string; f: string[] } | null {
  try {
    const stat = readFileSync(path, 'utf8');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), f: stat.slice(stat.lastIndexOf(')') + 2).split(' ') };
  } catch {
    return null; // it ended between readdir and read
  }
}

/** Every thread of process `pid` (default: this one) with its CPU seconds since it started. */
export function threadsOf(pid: number = process.pid): ThreadCpu[] {
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return [];
  const out: ThreadCpu[] = [];
  for (const t of readdirSync(dir)) {
    const s = statFields(`${dir}/${t}/stat`);
    if (s) out.push({ pid, tid: Number(t), name: s.name, seconds: (Number(s.f[11]) + Number(s.f[12])) * TICK_S });
  }
  return out;
}

/** Processes descended from `root` (e.g. the chromium that playwright started for us). */
export function descendants(root: number = process.pid): number[] {
  if (!existsSync('/proc')) return [];
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = statFields(`/proc/${d}/stat`);
    if (s) parent.set(Number(d), Number(s.f[1]));
  }
  const out: number[] = [];
  const isBelow = (p: number): boolean => {
    for (let q = parent.get(p); q !== undefined && q > 1; q = parent.get(q)) if (q === root) return true;
    return false;
  };
  for (const p of parent.keys()) if (isBelow(p)) out.push(p);
  return out;
}

/** CPU seconds each thread used between two snapshots (a thread that appeared counts from zero). */
export function delta(before: readonly ThreadCpu[], after: readonly ThreadCpu[]): ThreadCpu[] {
  const was = new Map(before.map((t) => [`${t.pid}/${t.tid}`, t.seconds]));
  return after.map((t) => ({ ...t, seconds: t.seconds - (was.get(`${t.pid}/${t.tid}`) ?? 0) }));
}

/** CPU seconds by kind of thread over a timed part. */
export interface CpuSplit {
  /** The threads that run the training jobs. */
  readonly workers: number;
  /** V8/engine helper threads: concurrent JIT, GC helpers, sweepers (and idle libuv/loader threads). */
  readonly background: number;
  /** The main thread (the pool supervisor; in chromium, everything else: browser, renderer main, GPU). */
  readonly main: number;
}

export const cpuTotal = (c: CpuSplit): number => c.workers + c.background + c.main;

export function addSplits(a: CpuSplit, b: CpuSplit): CpuSplit {
  return { workers: a.workers + b.workers, background: a.background + b.background, main: a.main + b.main };
}

/**
 * Splits a Node process's threads: the main thread is the process itself; worker threads are
 * those started after `startup` was taken (each Worker's thread, plus its idle loader thread);
 * the rest, alive since startup, are V8's platform threads and libuv's pool.
 */
export function splitNode(d: readonly ThreadCpu[], startup: ReadonlySet<number>): CpuSplit {
  let workers = 0, background = 0, main = 0;
  for (const t of d) {
    if (t.tid === t.pid) main += t.seconds;
    else if (startup.has(t.tid)) background += t.seconds;
    else workers += t.seconds;
  }
  return { workers, background, main };
}

/**
 * Splits chromium's threads by the names chromium gives them: "DedicatedWorker" threads run
 * the Web Workers; its thread pool ("ThreadPool…") and "V8 …" threads run V8's background
 * jobs (and some browser tasks); everything else (renderer and browser main threads, IO, GPU) is "main".
 */
export function splitChromium(d: readonly ThreadCpu[]): CpuSplit {
  let workers = 0, background = 0, main = 0;
  for (const t of d) {
    if (t.name.startsWith('DedicatedWorker')) workers += t.seconds;
    else if (t.name.startsWith('ThreadPool') || t.name.startsWith('V8')) background += t.seconds;
    else main += t.seconds;
  }
  return { workers, background, main };
}

/** Snapshot of every thread of these processes. */
export function snapshot(pids: readonly number[]): ThreadCpu[] {
  return pids.flatMap((p) => threadsOf(p));
}
