/**
 * Diagnostic for bench:pool (issue 7), not part of `npm run bench`: where the CPU of a small job
 * goes in chromium outside its training, by JS function, on the page's main thread and in the
 * workers. A pool of the app's Web Workers is warmed, then one grid runs under a chromium trace
 * with V8's sampling profiler on (category disabled-by-default-v8.cpu_profiler, which samples
 * every thread that runs JS, the workers included); the samples are summed per thread kind by
 * function, and the trace's own events (message dispatch, GC, structured clone) beside them.
 *
 *   npx tsx bench/pool-profile.ts [--size=2] [--jobs=256] [--warm=24] [--concurrency=2] [--top=30]
 *   [--focus=functionName]   only samples inside that function, by function
 *   [--no-samples]           the trace events alone (the sampler's own cost inflates them: ~2x here)
 *   [--threads=regex]        the threads whose trace events are summed (default CrRendererMain|DedicatedWorker;
 *                            ThreadPoolForeground is where V8 compiles and collects in the background)
 *   [--cats=a,b]             more trace categories, e.g. disabled-by-default-v8.compile,disabled-by-default-v8.turbofan
 *                            (V8.OptimizeConcurrentPrepare then names the function TurboFan compiles)
 *   [--events=regex]         print each event whose name matches, with its CPU time and arguments
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startDevServer } from '../test/helpers/browser.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';
import { grid } from './lib/pool-phases.ts';
import { type TraceEvent, recordTrace } from './lib/trace.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SIZE = Number(arg('size') ?? 2), JOBS = Number(arg('jobs') ?? 256), WARM = Number(arg('warm') ?? 24);
const CONC = Number(arg('concurrency') ?? SIZE), TOP = Number(arg('top') ?? 30);
const focus = arg('focus');

interface ChunkNode { id: number; callFrame: CpuProfile['nodes'][number]['callFrame']; parent?: number }
interface Chunk { cpuProfile?: { nodes?: ChunkNode[]; samples?: number[] }; timeDeltas?: number[] }

/** The sampled profiles of a trace, one per thread (pid:tid), rebuilt from its ProfileChunk events. */
function profilesOf(events: readonly TraceEvent[]): Map<string, CpuProfile> {
  const thread = new Map<string, string>(); // profile id -> pid:tid
  type Parts = { nodes: Map<number, CpuProfile['nodes'][number]>; samples: number[]; timeDeltas: number[] };
  const out = new Map<string, Parts>();
  for (const e of events) {
    const id = `${e.pid}:${e.id}`;
    if (e.name === 'Profile') thread.set(id, `${e.pid}:${e.tid}`);
    if (e.name !== 'ProfileChunk') continue;
    const d = (e.args as unknown as { data: Chunk }).data;
    const key = thread.get(id) ?? `${e.pid}:${e.tid}`;
    const p: Parts = out.get(key) ?? { nodes: new Map(), samples: [], timeDeltas: [] };
    for (const n of d.cpuProfile?.nodes ?? []) {
      const cf = n.callFrame as Partial<ChunkNode['callFrame']>;
      p.nodes.set(n.id, { id: n.id, callFrame: { functionName: cf.functionName ?? '', url: cf.url ?? '', lineNumber: cf.lineNumber ?? -1 }, children: [] as number[] });
      if (n.parent !== undefined) p.nodes.get(n.parent)?.children!.push(n.id);
    }
    p.samples.push(...(d.cpuProfile?.samples ?? []));
    p.timeDeltas.push(...(d.timeDeltas ?? []));
    out.set(key, p);
  }
  return new Map([...out].map(([k, p]) => [k, { nodes: [...p.nodes.values()], samples: p.samples, timeDeltas: p.timeDeltas }]));
}

/** Sums several threads' profiles into one (node ids made unique per thread). */
function merge(ps: readonly CpuProfile[]): CpuProfile {
  const nodes: CpuProfile['nodes'] = [], samples: number[] = [], timeDeltas: number[] = [];
  ps.forEach((p, i) => {
    const off = (i + 1) * 10_000_000;
    for (const n of p.nodes) nodes.push({ ...n, id: n.id + off, children: (n.children ?? []).map((c) => c + off) });
    samples.push(...(p.samples ?? []).map((s) => s + off));
    timeDeltas.push(...(p.timeDeltas ?? []));
  });
  return { nodes, samples, timeDeltas };
}

/** Per-job ms: the summary's totals divided by the jobs. */
const perJob = (text: string) => text.replace(/^(\s+)(\d+)(\s{2})/gm, (_, a: string, ms: string, b: string) => `${a}${(Number(ms) / JOBS).toFixed(3).padStart(7)}${b}`);

const { server, url } = await startDevServer();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  await page.goto(`${url}bench/browser/index.html`);
  await page.waitForFunction(() => document.title === 'bench ready', undefined, { timeout: 120_000 });
  const call = (m: string, ...a: unknown[]) => page.evaluate(([m, a]) => (window as unknown as { __bench: Record<string, (...x: unknown[]) => unknown> }).__bench[m]!(...a), [m, a] as [string, unknown[]]);
  await call('open', 'auto', SIZE);
  await call('grid', grid(SIZE * WARM, 600), SIZE);
  const cdp = await page.context().newCDPSession(page);
  let r: { seconds: number } | null = null;
  await call('stage', grid(JOBS));
  const events = await recordTrace(cdp, async () => { r = (await call('grid', null, CONC)) as { seconds: number }; },
    [...(process.argv.includes('--no-samples') ? [] : ['disabled-by-default-v8.cpu_profiler']), 'v8', 'v8.gc', 'toplevel', 'disabled-by-default-devtools.timeline', ...(arg('cats')?.split(',') ?? [])]);
  const names = new Map<string, string>();
  for (const e of events) if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, (e as unknown as { args: { name: string } }).args.name);
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`${SIZE} workers, ${JOBS} jobs ${CONC} at a time after ${WARM} warm-up jobs each, ${(r as { seconds: number } | null)?.seconds.toFixed(2)} s; load ${load}`);
  const byKind = new Map<string, CpuProfile[]>();
  for (const [th, p] of profilesOf(events)) {
    const kind = (names.get(th) ?? th).replace(/\d+$/, '');
    byKind.set(kind, [...(byKind.get(kind) ?? []), p]);
  }
  for (const [kind, ps] of byKind) {
    const p = merge(ps);
    const ms = (p.timeDeltas ?? []).reduce((a, b) => a + b, 0) / 1000;
    console.log(`\n=== ${kind} (${ps.length} thread(s), ${p.samples?.length ?? 0} samples over ${ms.toFixed(0)} ms): ms per job`);
    console.log(perJob(profileSummary(p, TOP, focus)));
  }
  // Trace events per thread kind: what the profiler cannot name (clone, message dispatch, GC).
  if (arg('events')) {
    const re = new RegExp(arg('events')!);
    for (const e of events) if (re.test(e.name)) console.log(`  event ${e.name} ${((e.tdur ?? e.dur ?? 0) / 1000).toFixed(2)} ms ${JSON.stringify((e as unknown as { args?: unknown }).args ?? {}).slice(0, 300)}`);
  }
  const sums = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const kind = (names.get(`${e.pid}:${e.tid}`) ?? '?').replace(/\d+$/, '');
    if (!new RegExp(arg('threads') ?? 'CrRendererMain|DedicatedWorker').test(kind)) continue;
    const m = sums.get(kind) ?? new Map<string, number>();
    m.set(e.name, (m.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
    sums.set(kind, m);
  }
  const counts = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const kind = (names.get(`${e.pid}:${e.tid}`) ?? '?').replace(/\d+$/, '');
    const m = counts.get(kind) ?? new Map<string, number>();
    m.set(e.name, (m.get(e.name) ?? 0) + 1);
    counts.set(kind, m);
  }
  for (const [kind, m] of sums) {
    console.log(`\n=== trace events on ${kind}: CPU ms per job, and events per job (nested events count in their parents too)`);
    for (const [n, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${(ms / JOBS).toFixed(3).padStart(7)}  ${((counts.get(kind)?.get(n) ?? 0) / JOBS).toFixed(2).padStart(6)}/job  ${n}`);
  }
  await call('close');
} finally {
  await browser.close().catch(() => {});
  await server.close();
}
process.exit(0);
