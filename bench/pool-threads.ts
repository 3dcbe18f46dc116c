/**
 * Diagnostic for bench:pool (issue 7), not part of `npm run bench`: where a chromium worker's
 * CPU beyond its own thread goes. Opens the bench page with a pool of the app's Web Workers,
 * warms each up, then over a grid of small jobs prints CPU ms per job of every chromium thread
 * (by process type and thread name, from /proc), and with --trace the trace events of V8's
 * background work (GC, compilation) per thread kind over one more grid.
 *
 *   npx tsx bench/pool-threads.ts [--size=1] [--jobs=16] [--warm=24] [--trace] [--js-flags="--single-threaded-gc"]
 *
 * --js-flags is for diagnosis only (what a V8 flag would change); users' browsers run without.
 */
import { readFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startDevServer } from '../test/helpers/browser.ts';
import { grid, topUp } from './lib/pool-phases.ts';
import { type ThreadCpu, delta, descendants, snapshot, threadsOf } from './lib/thread-cpu.ts';
import { type TraceEvent, recordTrace } from './lib/trace.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SIZE = Number(arg('size') ?? 1), JOBS = Number(arg('jobs') ?? 16), WARM = Number(arg('warm') ?? 24);
const TRACE = process.argv.includes('--trace');
const jsFlags = arg('js-flags');

const kind = (pid: number): string => {
  try {
    // chromium rewrites its command line into one space-separated string.
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const t = cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser';
    const sub = cmd.find((a) => a.startsWith('--utility-sub-type='))?.split('.').pop();
    return sub ? `${t}:${sub}` : t;
  } catch {
    return '?';
  }
};
// Thread names end in a number when chromium has several of a kind ("ThreadPoolForegroundWorker").
const label = (t: ThreadCpu, kinds: Map<number, string>) => `${kinds.get(t.pid) ?? '?'} / ${t.name.replace(/\d+$/, '#')}`;

const { server, url } = await startDevServer();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...(jsFlags ? [`--js-flags=${jsFlags}`] : [])] });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`  [console] ${m.text()}`); });
  page.on('worker', (w) => w.on('console', (m) => console.log(`  [worker] ${m.text()}`)));
  await page.goto(`${url}bench/browser/index.html`);
  await page.waitForFunction(() => document.title === 'bench ready', undefined, { timeout: 120_000 });
  const call = (m: string, ...a: unknown[]) => page.evaluate(([m, a]) => (window as unknown as { __bench: Record<string, (...x: unknown[]) => unknown> }).__bench[m]!(...a), [m, a] as [string, unknown[]]);
  await call('open', 'auto', SIZE);
  await call('grid', grid(SIZE, 500));
  await call('grid', grid(SIZE * (topUp(WARM, JOBS, SIZE) + Math.ceil(JOBS / SIZE)), 600));
  const pids = descendants().filter((p) => threadsOf(p).some((t) => t.tid === p && t.name.startsWith('chrom')));
  const kinds = new Map(pids.map((p) => [p, kind(p)]));
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  await call('stage', grid(JOBS));
  const before = snapshot(pids);
  const r = (await call('grid', null)) as { seconds: number; jobSeconds: number[] };
  const d = delta(before, snapshot(pids));
  const by = new Map<string, { s: number; n: number }>();
  for (const t of d) {
    const k = label(t, kinds);
    const v = by.get(k) ?? { s: 0, n: 0 };
    v.s += t.seconds;
    v.n += t.seconds > 0 ? 1 : 0;
    by.set(k, v);
  }
  const total = d.reduce((a, t) => a + t.seconds, 0);
  console.log(`${SIZE} worker(s), ${JOBS} jobs after ${WARM} warm-up jobs each${jsFlags ? `, --js-flags=${jsFlags}` : ''}; load ${load}`);
  console.log(`wall ${r.seconds.toFixed(2)} s, mean job ${(r.jobSeconds.reduce((a, b) => a + b, 0) / JOBS).toFixed(3)} s, ${(total / r.seconds).toFixed(2)} cores, ${(1000 * total / JOBS).toFixed(0)} CPU ms/job`);
  console.log('CPU ms/job by process / thread (threads that ran):');
  for (const [k, v] of [...by].sort((a, b) => b[1].s - a[1].s)) if (v.s > 0) console.log(`  ${(1000 * v.s / JOBS).toFixed(1).padStart(7)}  ${k} (${v.n})`);

  if (TRACE) {
    const cdp: CDPSession = await page.context().newCDPSession(page);
    const cats = ['v8', 'v8.gc', 'disabled-by-default-v8.gc', 'v8.compile', 'disabled-by-default-v8.compile', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'v8.execute', 'toplevel', 'disabled-by-default-devtools.timeline'];
    let tr: { seconds: number } | null = null;
    await call('stage', grid(JOBS));
    const events = await recordTrace(cdp, async () => { tr = (await call('grid', null)) as { seconds: number }; }, cats);
    const names = new Map<string, string>();
    for (const e of events) if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, (e as unknown as { args: { name: string } }).args.name);
    // Per thread kind, per event name: CPU ms (tdur, falling back to dur) of events that are not
    // nested in another event of the same name (so recursion does not count twice).
    const sums = new Map<string, Map<string, { cpu: number; n: number }>>();
    const open = new Map<string, TraceEvent[]>();
    const complete = events.filter((e) => e.ph === 'X').sort((a, b) => a.ts - b.ts);
    for (const e of complete) {
      const th = `${e.pid}:${e.tid}`;
      const tk = (names.get(th) ?? '?').replace(/\d+$/, '#');
      const stack = (open.get(th) ?? []).filter((o) => o.ts + (o.dur ?? 0) > e.ts);
      open.set(th, [...stack, e]);
      const depth = stack.length;
      const m = sums.get(tk) ?? new Map();
      const key = `${'  '.repeat(Math.min(depth, 3))}${e.name}`;
      const v = m.get(key) ?? { cpu: 0, n: 0 };
      v.cpu += (e.tdur ?? e.dur ?? 0) / 1000;
      v.n++;
      m.set(key, v);
      sums.set(tk, m);
    }
    console.log(`\ntrace over one more grid (${(tr as { seconds: number } | null)?.seconds.toFixed(2)} s): CPU ms per job by thread kind and event (indent = nesting depth)`);
    for (const [tk, m] of sums) {
      const top = [...m].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, 25).filter(([, v]) => v.cpu / JOBS >= 0.3);
      if (top.length === 0) continue;
      console.log(`${tk}:`);
      for (const [k, v] of top) console.log(`  ${(v.cpu / JOBS).toFixed(1).padStart(7)} ms/job ${String(Math.round(v.n / JOBS)).padStart(6)}/job  ${k}`);
    }
  }
  await call('close');
} finally {
  await browser.close().catch(() => {});
  await server.close();
}
process.exit(0);
