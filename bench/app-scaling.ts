/**
 * `npm run bench:app-scaling` (issue 7, pool scaling as a person sees it): the whole page in
 * chromium trains a grid of small rows with the toolbar's workers menu at 1 and at 2, and times
 * from "Run stale" to the last row done. bench:pool times the pool alone; here the engine, the
 * grid's redraws and the autosave share the page's main thread with the pool, as they do in use.
 *
 * Each round picks the pool size, trains two rows per worker untimed (a worker the menu adds
 * starts cold), then opens a fresh copy of the grid (Open…, manual run mode; seeds differ per round
 * and per pool size, so no result comes from the cache) and runs it; the two sizes alternate which
 * goes first. A ratio is (seconds at 1 worker) / (seconds at 2). The rows
 * are bench:pool's small job (the spiral, two dense(16) layers, batch 16) at `--epochs` (80: the
 * activations lesson's epochs), or with `--job=mnist` an MNIST MLP row (mnist:2k, dense(128, relu),
 * adam, batch 64, `--epochs` default 3: about a second each), where a run outlasts many frames.
 *
 *   npx tsx bench/app-scaling.ts [--rows=32] [--epochs=80] [--rounds=5] [--job=small|mnist]
 *   [--threads] [--trace] [--profile]   (DUMP_TRACE=file.json keeps --trace's events)
 *
 * The poll that sees the last row done runs every 20 ms in the page (its cost counts as the page's);
 * a run ends when every row has ended in the engine and every status cell on screen shows it.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startApp } from '../test/helpers/browser.ts';
import { smallJob } from './lib/jobs.ts';
import type { RowCells } from '../src/engine/spec.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';
import { cpuTotal, delta, descendants, snapshot, splitChromium } from './lib/thread-cpu.ts';
import { spread } from './pool-rounds.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';
import { mainThreadEvents, mainThreadOf, recordTrace, summarize } from './lib/trace.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const MNIST = arg('job') === 'mnist';
const ROWS = Number(arg('rows') ?? (MNIST ? 8 : 32)), EPOCHS = Number(arg('epochs') ?? (MNIST ? 3 : 80)), ROUNDS = Number(arg('rounds') ?? 5);
/** `--threads`: also print each chromium thread's CPU per row for the last run at each size. */
const THREADS = process.argv.includes('--threads');
/** `--profile`: sample the page's JavaScript during the last 2-worker run; `--trace`: its main thread's trace events. */
const PROFILE = process.argv.includes('--profile'), TRACE = process.argv.includes('--trace');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Row i's cells but its seed and epochs. */
function rowCells(i: number): RowCells {
  return MNIST ? { dataset: 'mnist:2k', layers: 'dense(128, relu)', optimizer: 'adam', lr: '0.001', batch_size: '64', epochs: '3', seed: '1' } : smallJob(i);
}

/** The grid as a sheet file: ROWS small rows, seeds unique to this run of it. */
function sheet(seedBase: number, count = ROWS): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const { name: _name, ...cells } = rowCells(i);
    return { id: `r${i + 1}`, cells: { ...cells, epochs: String(EPOCHS), seed: String(seedBase + i), name: `row ${i + 1}` } };
  });
  return JSON.stringify({ format: 'sweepsheet', version: 2, title: 'bench: app scaling', description: '', settings: { runMode: 'manual' }, columns: [], rows, results: {} });
}

/**
 * Clicks "Run stale" and resolves with the seconds until every row is done (or diverged, failed).
 * Plain JavaScript text: a function handed to evaluate is serialized after tsx's transform, which
 * can add helpers (__name) the page lacks.
 */
const RUN_STALE_UNTIL_DONE = `new Promise((resolve) => {
  const t0 = performance.now();
  document.querySelector('[data-testid="run-stale"]').click();
  const ended = (r) => r.status.state === 'done' || r.status.state === 'diverged' || r.status.state === 'failed';
  // Done as a person sees it: every row ended in the engine, and every status cell on screen shows its row's end.
  const shown = () => {
    const states = new Map(window.__sweepsheet.rows().map((r) => [r.id, r.status.state]));
    return [...document.querySelectorAll('.ht_master td[data-col="status"][data-row-id]')].every((td) => td.dataset.state === states.get(td.dataset.rowId));
  };
  const poll = () => {
    if (window.__sweepsheet.rows().every(ended) && shown()) resolve((performance.now() - t0) / 1000);
    else setTimeout(poll, 20);
  };
  poll();
})`;

interface Run {
  readonly workers: number;
  readonly seconds: number;
  /** CPU ms per row by thread kind (chromium's threads from /proc). */
  readonly cpu: { workers: number; background: number; main: number };
}

/** Chromium's process kind from its command line: browser, renderer, gpu-process, utility… */
function processKind(pid: number): string {
  try {
    return /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '))?.[1] ?? 'browser';
  } catch {
    return '?';
  }
}

function printThreads(workers: number, d: ReturnType<typeof delta>): void {
  const by = new Map<string, number>();
  for (const t of d) {
    const key = `${processKind(t.pid)} ${t.tid === t.pid ? '(main)' : t.name}`;
    by.set(key, (by.get(key) ?? 0) + t.seconds);
  }
  const top = [...by].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 14);
  console.log(`  CPU ms per row at ${workers} worker(s), by process and thread:\n${top.map(([k, v]) => `    ${fmt((1000 * v) / ROWS, 1).padStart(6)}  ${k}`).join('\n')}`);
}

const m = await machine();
console.log(machineLine(m));
const job = rowCells(0);
console.log(`${ROUNDS} rounds of ${ROWS} rows (${job.dataset}, ${job.layers}, ${EPOCHS} epochs, batch ${job.batch_size}) in the page at 1 and 2 workers; load average ${load()}\n`);

const app = await startApp({ width: 1600, height: 900 });
const rounds: { one: Run; two: Run }[] = [];
try {
  await app.page.goto(app.url, { timeout: 120_000 });
  await app.page.getByTestId('file-input').waitFor({ state: 'attached', timeout: 120_000 });
  const pids = descendants();
  let opened = 0;
  const open = async (rows: number, seedBase: number) => {
    await app.page.getByTestId('file-input').setInputFiles({ name: `bench-${++opened}.sheet.json`, mimeType: 'application/json', buffer: Buffer.from(sheet(seedBase, rows)) });
    await app.page.waitForFunction(([n, s]) => {
      const rows = window.__sweepsheet?.rows() ?? [];
      return rows.length === n && rows[0]?.cells.seed === String(s);
    }, [rows, seedBase] as const, { timeout: 60_000 });
  };
  const runAt = async (workers: number, seedBase: number, look = false): Promise<Run> => {
    await app.page.getByTestId('workers-count').selectOption(String(workers));
    // A worker the menu adds starts cold (tfjs, the wasm kernels, the dataset): two rows per worker
    // of the same kind first, untimed, so that the timed grid measures training, not start-up.
    await open(2 * workers, seedBase + 4_000);
    await app.page.evaluate(RUN_STALE_UNTIL_DONE);
    await open(ROWS, seedBase);
    const before = snapshot(pids);
    const cdp = look && (PROFILE || TRACE) ? await app.context.newCDPSession(app.page) : null;
    if (cdp && PROFILE) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); }
    let seconds = NaN;
    const timed = async () => { seconds = (await app.page.evaluate(RUN_STALE_UNTIL_DONE)) as number; };
    if (cdp && TRACE) {
      const events = await recordTrace(cdp, timed, ['disabled-by-default-v8.gc', 'disabled-by-default-v8.compile']);
      if (process.env.DUMP_TRACE) (await import('node:fs')).writeFileSync(process.env.DUMP_TRACE, JSON.stringify(events));
      console.log(`  page main thread by trace event, ${workers} worker(s):\n${summarize(mainThreadEvents(events), 24)}`);
      // V8's and Blink's helper threads in the page's process: concurrent GC and compilation.
      const names = new Map<string, string>();
      for (const e of events) if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, (e as unknown as { args: { name: string } }).args.name);
      const pagePid = mainThreadOf(events).split(':')[0];
      const helpers = events.filter((e) => e.ph === 'X' && String(e.pid) === pagePid && (names.get(`${e.pid}:${e.tid}`) ?? '').startsWith('ThreadPool'));
      console.log(`  the page process's thread pool by trace event:\n${summarize(helpers, 16)}`);
    }
    else await timed();
    if (cdp && PROFILE) console.log(`  page JavaScript, ${workers} worker(s) (ms over the run):\n${profileSummary((await cdp.send('Profiler.stop')).profile as CpuProfile, 30)}`);
    const d = delta(before, snapshot(pids));
    const c = splitChromium(d);
    if (THREADS) printThreads(workers, d);
    const per = (s: number) => (1000 * s) / ROWS;
    return { workers, seconds, cpu: { workers: per(c.workers), background: per(c.background), main: per(c.main) } };
  };
  // Warm-up: both sizes once (workers started, tfjs and the kernels compiled, the grid's first render).
  await runAt(2, 100_000);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [1, 2] : [2, 1];
    const runs: Run[] = [];
    for (const w of order) runs.push(await runAt(w, 10_000 * (r + 1) + 5_000 * (w - 1), r === ROUNDS - 1 && w === 2));
    const one = runs.find((x) => x.workers === 1)!, two = runs.find((x) => x.workers === 2)!;
    rounds.push({ one, two });
    console.log(`  round ${r + 1}: 1 worker ${fmt(one.seconds, 3)} s, 2 workers ${fmt(two.seconds, 3)} s: ${fmt(one.seconds / two.seconds, 3)}x   (load ${load()})`);
  }
  if (app.pageErrors.length > 0) console.log(`page errors:\n  ${app.pageErrors.join('\n  ')}`);
} finally {
  await app.close();
}

const s = spread(rounds.map((r) => r.one.seconds / r.two.seconds));
const med = (xs: number[]) => spread(xs).median;
const cpuCell = (runs: Run[]) => {
  const c = { workers: med(runs.map((x) => x.cpu.workers)), background: med(runs.map((x) => x.cpu.background)), main: med(runs.map((x) => x.cpu.main)) };
  return `${fmt(c.workers, 1)}, ${fmt(c.background, 1)}, ${fmt(c.main, 1)} (${fmt(cpuTotal(c), 1)})`;
};
const ones = rounds.map((r) => r.one), twos = rounds.map((r) => r.two);
const table = [
  ['rows', 'epochs', 'rounds', 'median 2 vs 1', 'min-max', 'IQR', 's at 1 / 2 workers (median)', 'CPU ms/row at 1: workers, background, page (total)', 'at 2'],
  [String(ROWS), String(EPOCHS), String(rounds.length), `${fmt(s.median, 3)}x`, `${fmt(s.min, 2)}-${fmt(s.max, 2)}`, `${fmt(s.q1, 2)}-${fmt(s.q3, 2)}`,
    `${fmt(med(ones.map((x) => x.seconds)), 3)} / ${fmt(med(twos.map((x) => x.seconds)), 3)}`, cpuCell(ones), cpuCell(twos)],
];
console.log(`\n${textTable(table)}\n\nload average after ${load()} (2 cores: above ~2, other processes take cores from the 2-worker runs)`);
console.log('Target (issue 7): 2 workers >= 1.9x one worker on small jobs.');
save(MNIST ? 'app-scaling-mnist' : 'app-scaling', m, { job: { ...rowCells(0), epochs: String(EPOCHS) }, rows: ROWS, rounds }, markdownTable(table));
