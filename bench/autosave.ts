/**
 * `npm run bench:autosave`: what autosave costs the page's main thread on a 10,000-row sheet in
 * auto mode while its rows train and results stream in. The page opens the sheet (the Open… file
 * input) with a chromium trace running from then to `--seconds` after the rows are in; every main-thread task that ran autosave's
 * code (a function from src/persist/autosave.ts, slices.ts, sheets.ts or idb.ts: the last
 * also runs the result cache's small writes) is an autosave task, and its CPU
 * time (thread time, not wall: see bench/README.md) is what counts. Target: none over ~15 ms.
 */
import { loadavg } from 'node:os';
import { writeSheet } from '../src/engine/file/write.ts';
import type { SheetDocument } from '../src/engine/file/types.ts';
import { bigSheet, bigSheetRows } from './lib/big-sheet.ts';
import { parseRow } from '../src/engine/spec.ts';
import { startApp } from '../test/helpers/browser.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';
import { traceFor } from './lib/trace.ts';

type TraceEvent = Awaited<ReturnType<typeof traceFor>>[number];

const ROWS = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10_000);
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 30);
const PROFILE = process.argv.includes('--profile');
/** `--results=N`: the file already holds results (10 epochs of curves, no insights) for its first N rows, as a sheet reopened mid-sweep does. */
const RESULTS = Number(process.argv.find((a) => a.startsWith('--results='))?.slice(10) ?? 0);
/** Code whose functions mark a task as autosave's. */
const AUTOSAVE_CODE = /\/src\/persist\/(autosave|slices|sheets|idb)\.ts/;

function document(): SheetDocument {
  const rows = bigSheetRows(ROWS);
  return bigSheet({
    rows: ROWS, runMode: 'auto', description: 'bench:autosave',
    formulas: [
      { key: 'lr10', label: 'lr x 10', formula: '=lr * 10' },
      { key: 'loglr', label: 'log lr', formula: '=ROUND(LOG10(lr), 2)' },
    ],
  }, Object.fromEntries(rows.slice(0, RESULTS).map((r, i) => {
      const parsed = parseRow(r.cells);
      const curve = Array.from({ length: 10 }, (_, e) => Number((0.7 / (e + 1) + i * 1e-6).toFixed(6)));
      return [parsed.ok ? parsed.key : r.id, {
        status: 'done', trainLoss: curve[9], trainAcc: 0.9, valLoss: null, valAcc: null, testLoss: 0.12, testAcc: 0.88, testMae: null,
        seconds: 1.5, samplesPerSec: 1200, params: 57, backend: 'wasm', backendReason: 'bench', epochsRun: 10, bestEpoch: 10,
        restoredBest: false, finalLr: 0.01, diverged: null, stoppedEarly: null,
        history: { loss: curve, acc: curve.map((x) => 1 - x), valLoss: curve.map(() => null), valAcc: curve.map(() => null), lr: curve.map(() => 0.01) },
        finishedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(), provenance: { app: '0.1.0', tfjs: '4.22.0', backend: 'wasm' },
      }];
    })), rows);
}

interface Task {
  readonly cpu: number;
  readonly wall: number;
  readonly gc: number;
  readonly what: string;
}

/** Main-thread tasks that ran autosave code, with the GC inside them. */
function autosaveTasks(events: readonly TraceEvent[]): { autosave: Task[]; others: number[] } {
  const tasks = events.filter((e) => e.name === 'RunTask').sort((a, b) => a.ts - b.ts);
  const calls = events.filter((e) => e.name === 'FunctionCall' || e.name === 'TimerFire' || e.name === 'EventDispatch' || e.name.includes('GC') || e.name === 'V8.GCFinalizeMC')
    .sort((a, b) => a.ts - b.ts);
  const autosave: Task[] = [];
  const others: number[] = [];
  let j = 0;
  for (const t of tasks) {
    const end = t.ts + (t.dur ?? 0);
    while (j < calls.length && calls[j]!.ts < t.ts) j++;
    let ours = false;
    let gc = 0;
    let what = '';
    for (let k = j; k < calls.length && calls[k]!.ts <= end; k++) {
      const e = calls[k]!;
      const url = e.args?.data?.url ?? '';
      if (e.name === 'FunctionCall' && AUTOSAVE_CODE.test(url)) {
        ours = true;
        what ||= `${e.args?.data?.functionName || '(anonymous)'} ${url.split('/').pop()}`;
      }
      if (/^(MajorGC|MinorGC|V8\.GC_MARK_COMPACTOR|V8\.GC_SCAVENGER)$/.test(e.name)) gc += (e.tdur ?? e.dur ?? 0) / 1000;
    }
    const cpu = (t.tdur ?? 0) / 1000;
    if (ours) autosave.push({ cpu, wall: (t.dur ?? 0) / 1000, gc, what });
    else others.push(cpu);
  }
  return { autosave, others };
}

const quantile = (xs: readonly number[], q: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
};

const app = await startApp({ width: 1600, height: 900 });
try {
  const { page } = app;
  await page.goto(app.url, { timeout: 180_000 });
  await page.waitForFunction(() => (window.__sweepsheet?.rows().length ?? 0) > 0, undefined, { timeout: 120_000 });
  const text = writeSheet(document());
  console.log(`the file: ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, ${RESULTS} results`);
  const cdp = await app.context.newCDPSession(page);
  if (PROFILE) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start'); }
  // From the open on: its first save prints and stores every row.
  const events = await traceFor(cdp, async () => {
    await page.getByTestId('file-input').setInputFiles({ name: 'big.sheet.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.waitForFunction((n) => window.__sweepsheet?.rows().length === n, ROWS, { timeout: 300_000, polling: 500 });
    await page.waitForTimeout(SECONDS * 1000);
  });
  const profile = PROFILE ? ((await cdp.send('Profiler.stop')).profile as CpuProfile) : null;
  const results = await page.evaluate(() => window.__sweepsheet!.rows().filter((r) => r.status.state === 'done').length);
  const { autosave, others } = autosaveTasks(events);
  const cpu = autosave.map((t) => t.cpu);
  console.log(`bench:autosave — chromium, ${ROWS.toLocaleString('en-US')} rows in auto mode, traced from the open to ${SECONDS} s after it, ${results} results came in`);
  const real = cpu.filter((x) => x >= 1);
  console.log(`autosave tasks ${autosave.length}, ${real.length} of them 1 ms or more: CPU median of those ${quantile(real, 0.5).toFixed(1)} ms, p90 ${quantile(real, 0.9).toFixed(1)}, max ${Math.max(0, ...cpu).toFixed(1)} ms` +
    ` (total ${cpu.reduce((a, b) => a + b, 0).toFixed(0)} ms); over 15 ms: ${cpu.filter((x) => x > 15).length}   target: none over 15 ms   ratio ${(Math.max(0, ...cpu) / 15).toFixed(2)}`);
  console.log(`other main-thread tasks ${others.length}: CPU max ${Math.max(0, ...others).toFixed(1)} ms   (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log('the costliest autosave tasks:');
  for (const t of [...autosave].sort((a, b) => b.cpu - a.cpu).slice(0, 6)) {
    console.log(`  ${t.cpu.toFixed(1)} ms CPU (${t.wall.toFixed(0)} ms wall), GC ${t.gc.toFixed(1)} ms: ${t.what}`);
  }
  if (profile) console.log(profileSummary(profile));
} finally {
  await app.close();
}
