/**
 * Chart updates with 100 rows training, in chromium: how long the main thread is blocked.
 *
 *   npm run bench:charts [-- --seconds 40] [--epochs 200]
 *
 * Opens a generated sheet of 100 toy rows (the page's own file input), selects ten rows so their
 * curves are overlaid live, opens the comparison panel and scrolls it into view (its charts on
 * screen), and measures while the workers train:
 * - the longest main-thread task, from PerformanceObserver('longtask') (it reports tasks of 50 ms
 *   and more only, so "none" means every task was shorter);
 * - the longest gap between animation frames, which bounds every block, whatever its cause;
 * - the app's own counters (src/ui/compare/timings.ts) for the grid pass (data writes, Handsontable's
 *   render, sparklines, colour scales) and each comparison chart's update: longest and mean.
 * With `--trace`, the main thread's tasks by CPU time (thread time: on a shared machine wall time
 * measures the load), and each task over 16 ms split into its parts: the app's timed sections (which
 * become user-timing measures in the trace), the frame's style, layout, paint and commit, GC, worker
 * messages; `--layers` lists the composited layers at the end; `--css` tries a style sheet (containment, layers) without editing the app.
 * A measurement, not a test: it prints numbers and passes nothing or fails nothing. The target is
 * 16 ms for chart updates.
 */
import { writeFileSync } from 'node:fs';
import { type AppHarness, startApp, typeIntoCell } from '../test/helpers/browser.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';
import { startHeapSampling, stopHeapSampling } from './lib/heap-profile.ts';
import { compositedLayers, describeLayers } from './lib/layers.ts';
import { SELECTOR_STATS_CATEGORY, selectorCosts } from './lib/selector-stats.ts';
import { describeLongTasks, framePartMeans, longTaskParts } from './lib/long-tasks.ts';
import { frameWork, longestTasks, mainThreadEvents, mainThreadOf, recordTrace, styleAndLayoutWork, summarize, taskCpu } from './lib/trace.ts';

const args = process.argv.slice(2);
const SECONDS = Number(args[args.indexOf('--seconds') + 1] ?? '') || 40;
const ROWS = 100;
/** `--profile`: also sample the page's main thread and print the functions with the most self time. */
const PROFILE = args.includes('--profile') || args.includes('--profile-focus');
/** `--profile-focus NAME`: the profile's summary of only the samples inside function NAME (e.g. patchCells). */
const PROFILE_FOCUS = args.includes('--profile-focus') ? args[args.indexOf('--profile-focus') + 1] : undefined;
/** `--trace`: also record a chromium trace and print where the main thread's time went (style, layout, script). */
const TRACE = args.includes('--trace');
/** `--save-trace FILE`: write the raw trace events there (for chrome://tracing or a second look). */
const SAVE_TRACE = args.includes('--save-trace') ? args[args.indexOf('--save-trace') + 1] : undefined;
/** `--view grid`: measure with the top of the page (the grid) on screen instead of the comparison panel. */
const VIEW = args.includes('--view') ? args[args.indexOf('--view') + 1] : 'compare';
/**
 * `--epochs N`: each row's epochs (default 200). The fused dense trainer (src/engine/train/dense)
 * runs these toy rows ~20x faster than tfjs' step did: at 20 epochs all 100 were done within
 * seconds and the rest of the measure saw an idle sheet; 200 keeps rows training through the
 * default 40 s, finishing at about the rate the 20-epoch rows did through tfjs' step. `--epochs 20`
 * is the burst case: every run finishes in the first seconds.
 */
const EPOCHS = Number(args[args.indexOf('--epochs') + 1] ?? '') || 200;
/**
 * `--batch N`: every row's batch size (default 16 or 32 by row). On a fast machine 100 rows of 500
 * epochs (the most a cell takes) finish within ~5 s; batches of 4 keep them training for ~20 s.
 */
const BATCH = args.includes('--batch') ? String(Number(args[args.indexOf('--batch') + 1])) : undefined;
/**
 * `--live-detail`: first retrain row 1 (the row in detail) with three dense(128) layers, 500 epochs
 * and batches of 1, so it is queued first and trains, its detail charts live, through the
 * measurement (a toy row is done within seconds otherwise).
 */
const LIVE_DETAIL = args.includes('--live-detail');
/** `--css TEXT`: a style sheet added to the page before measuring, to try a containment or layer idea without editing the app. */
const CSS = args.includes('--css') ? args[args.indexOf('--css') + 1] : undefined;
/** `--selector-stats` (with `--trace`): also print the CSS selectors that cost the style recalculations most. */
const SELECTOR_STATS = args.includes('--selector-stats');
/**
 * `--invalidations` (with `--trace`): also record chromium's invalidation tracking (which node's
 * style, layout or paint was invalidated and why), for `--save-trace` and a second look at what
 * precedes a full layerization.
 */
const INVALIDATIONS = args.includes('--invalidations');
/** `--layers`: at the end, list the page's composited layers by owning element (the grid's cells should own none). */
const LAYERS = args.includes('--layers');
/**
 * `--heap`: sample the page's allocations while measuring (collected objects included: what keeps
 * the GC busy) and print the functions that allocate most; `--heap live`: sampled from the page's
 * load on, only what is still alive after a full GC at the end (what the page retains), and the JS heap's size.
 */
const HEAP = args.includes('--heap') ? (args[args.indexOf('--heap') + 1] === 'live' ? 'live' : 'all') : undefined;
/** `--screenshot FILE`: a PNG of the viewport at the end, to see what was on screen while measuring. */
const SCREENSHOT = args.includes('--screenshot') ? args[args.indexOf('--screenshot') + 1] : undefined;

interface Timing { count: number; totalMs: number; maxMs: number }
interface Probe {
  longtasks: number[];
  /** When each long task started, in ms after the measure began (reset). */
  longtaskAt: number[];
  gaps: number[];
  reset(): void;
}

declare global {
  interface Window {
    __bench?: Probe;
    __sweepsheetTimings?: Record<string, Timing>;
  }
}

/** 100 toy rows: datasets, rates, batches and seeds varied so runs finish at different times. */
function sheet(): string {
  const datasets = ['circle', 'xor', 'spiral', 'gaussian'];
  const rates = ['0.003', '0.01', '0.03', '0.1', '0.3'];
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    id: `r${i + 1}`,
    cells: {
      name: `run ${i + 1}`, dataset: datasets[i % datasets.length]!, noise: '0.1', layers: 'dense(8, relu) dense(8, relu)',
      optimizer: i % 2 === 0 ? 'adam' : 'sgd', lr: rates[i % rates.length]!, batch_size: BATCH ?? (i % 3 === 0 ? '16' : '32'),
      epochs: String(EPOCHS), seed: String(1 + (i % 7)), val_split: i % 4 === 0 ? '0.2' : '0',
    },
  }));
  return JSON.stringify({ format: 'sweepsheet', version: 1, title: 'bench: 100 toy rows', description: '', rows });
}

/**
 * Installed before the page's own scripts. Plain JavaScript text: a function handed to
 * addInitScript is serialized after tsx's transform, which can add helpers the page lacks.
 */
const PROBE = `(() => {
  const probe = { longtasks: [], longtaskAt: [], since: 0, gaps: [], reset() { this.longtasks = []; this.longtaskAt = []; this.gaps = []; this.since = performance.now(); } };
  window.__bench = probe;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) { probe.longtasks.push(e.duration); probe.longtaskAt.push(e.startTime - probe.since); } })
    .observe({ type: 'longtask', buffered: true });
  let last = performance.now();
  const frame = (now) => { probe.gaps.push(now - last); last = now; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();`;

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const app: AppHarness = await startApp({ width: 1600, height: 1000 });
  try {
    await app.page.addInitScript(PROBE);
    // The app's timed sections become user-timing measures, so the trace shows which ran in each task.
    if (TRACE) await app.page.addInitScript('window.__sweepsheetMeasure = true;');
    const heap = HEAP ? await app.context.newCDPSession(app.page) : null;
    if (heap && HEAP === 'live') await startHeapSampling(heap, true);
    await app.page.goto(app.url, { timeout: 120_000 });
    await app.page.getByTestId('file-input').waitFor({ state: 'attached', timeout: 120_000 });
    await app.page.getByTestId('file-input').setInputFiles({ name: 'bench.sheet.json', mimeType: 'application/json', buffer: Buffer.from(sheet()) });
    await app.page.waitForFunction((n) => window.__sweepsheet?.rows().length === n, ROWS, { timeout: 60_000 });
    const cell = (id: string) => app.page.locator(`.ht_master td[data-row-id="${id}"][data-col="lr"]`);
    if (LIVE_DETAIL) {
      await app.page.waitForFunction(() => window.__sweepsheet!.rows().find((r) => r.id === 'r1')?.status.state === 'done', undefined, { timeout: 300_000 });
      await typeIntoCell(app.page, 'r1', 'layers', 'dense(128, relu) dense(128, relu) dense(128, relu)');
      await typeIntoCell(app.page, 'r1', 'batch_size', '1');
      await typeIntoCell(app.page, 'r1', 'epochs', '500');
    }
    await cell('r1').click();
    await cell('r10').click({ modifiers: ['Shift'] });
    // After selecting: opening the panel scrolls the page, and the grid renders only the rows on screen.
    await app.page.getByTestId('compare-toggle').click();
    // The panel's charts on screen (below them nothing; above, the row details and the grid's last rows):
    // charts out of sight are not updated, so this is the case that costs.
    await app.page.getByTestId('compare-parallel').waitFor({ timeout: 60_000 });
    if (VIEW === 'grid') await app.page.evaluate(() => window.scrollTo(0, 0));
    else await app.page.evaluate(() => document.querySelector('[data-testid="compare"]')!.scrollIntoView({ block: 'start' }));
    if (CSS) await app.page.addStyleTag({ content: CSS });
    // The jump to the view re-renders the grid's whole visible band (Handsontable renders the rows
    // in the window: 60-120 ms of CPU for ~35 rows x 26 columns here, bench/grid-scroll.ts), in the
    // first task of the measure: a cost of scrolling, not of chart updates. Counted from after it.
    await app.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await app.page.waitForTimeout(500);
    // Start counting once the sheet is open: loading modules and the first render are not chart updates.
    await app.page.evaluate(() => {
      window.__bench!.reset();
      for (const t of Object.values(window.__sweepsheetTimings ?? {})) { t.count = 0; t.totalMs = 0; t.maxMs = 0; }
    });
    const startDone = await finished(app);
    // Marks (in the trace) when no row is queued or running any more: what follows is an idle sheet
    // (V8's memory reducer runs its compacting GC there, ~8 s after the allocation rate drops).
    await app.page.evaluate(() => {
      const poll = setInterval(() => {
        if (window.__sweepsheet!.rows().some((r) => r.status.state === 'running' || r.status.state === 'queued')) return;
        performance.mark('bench:rows-settled');
        clearInterval(poll);
      }, 50);
    });
    const cdp = PROFILE ? await app.context.newCDPSession(app.page) : null;
    if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); }
    if (heap && HEAP === 'all') await startHeapSampling(heap, false);
    if (TRACE) {
      const raw = await recordTrace(await app.context.newCDPSession(app.page), () => app.page.waitForTimeout(SECONDS * 1000), ['blink.user_timing', ...(SELECTOR_STATS ? [SELECTOR_STATS_CATEGORY] : []), ...(INVALIDATIONS ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : [])]);
      if (SAVE_TRACE) writeFileSync(SAVE_TRACE, JSON.stringify(raw));
      const events = mainThreadEvents(raw);
      console.log(`main thread by trace event over ${SECONDS} s:\n${summarize(events)}\n${styleAndLayoutWork(events)}\n${frameWork(events, SECONDS)}\n${layerizeWork(events)}\ncostliest tasks:\n${longestTasks(events)}`);
      const c = taskCpu(events);
      console.log(`main-thread tasks by CPU time (the load on a shared machine stretches wall time, not this): ${c.tasks} tasks, ${c.over16} over 16 ms, ${c.over50} over 50 ms, p99 ${c.p99Ms.toFixed(1)} ms, longest ${c.maxMs.toFixed(1)} ms   target 16 ms   ratio ${(c.maxMs / 16).toFixed(2)}`);
      const settled = raw.find((e) => e.name === 'bench:rows-settled');
      if (settled) {
        const start = events.reduce((a, e) => Math.min(a, e.ts), Infinity);
        const t = taskCpu(events.filter((e) => e.ts < settled.ts));
        console.log(`  of which while rows trained (the first ${((settled.ts - start) / 1e6).toFixed(1)} s, until no row was queued or running): ${t.tasks} tasks, ${t.over16} over 16 ms, ${t.over50} over 50 ms, p99 ${t.p99Ms.toFixed(1)} ms, longest ${t.maxMs.toFixed(1)} ms`);
      } else console.log('  rows trained through the whole measure');
      const main = mainThreadOf(raw);
      const long = longTaskParts(raw, events, main, 16);
      console.log(`tasks over 16 ms of CPU, by part (CPU ms; the app's timed sections inside, wall ms):\n${describeLongTasks(long)}`);
      console.log(`mean CPU per task over 2 ms, by part: ${framePartMeans(longTaskParts(raw, events, main, 2))}`);
      if (SELECTOR_STATS) console.log(selectorCosts(raw));
    } else {
      await app.page.waitForTimeout(SECONDS * 1000);
    }
    if (heap) console.log(await stopHeapSampling(heap, HEAP === 'live'));
    if (cdp) {
      const profile = (await cdp.send('Profiler.stop')).profile as CpuProfile;
      console.log(profileSummary(profile));
      if (PROFILE_FOCUS) console.log(profileSummary(profile, 40, PROFILE_FOCUS));
    }
    const dom = await app.page.evaluate(() => ({
      rows: document.querySelectorAll('.ht_master tbody tr').length,
      cells: document.querySelectorAll('.ht_master tbody td').length,
      elements: document.querySelectorAll('.ss-grid *').length,
      page: document.querySelectorAll('*').length,
    }));
    console.log(`grid DOM at the end: ${dom.rows} rows and ${dom.cells} cells rendered in the main table, ${dom.elements} elements in the grid (clones included), ${dom.page} in the page`);
    if (LAYERS) console.log(describeLayers(await compositedLayers(await app.context.newCDPSession(app.page))));
    if (SCREENSHOT) await app.page.screenshot({ path: SCREENSHOT });
    const result = await app.page.evaluate(() => ({
      longtasks: window.__bench!.longtasks, longtaskAt: window.__bench!.longtaskAt, gaps: window.__bench!.gaps, timings: window.__sweepsheetTimings ?? {},
    }));
    const done = (await finished(app)) - startDone;
    const states = await app.page.evaluate(() => {
      const counts: Record<string, number> = {};
      for (const r of window.__sweepsheet!.rows()) counts[r.status.state] = (counts[r.status.state] ?? 0) + 1;
      return counts;
    });

    console.log(`charts bench: ${ROWS} rows of ${EPOCHS} epochs training, ${SECONDS} s measured, ${done} runs finished meanwhile; rows now ${JSON.stringify(states)}`);
    const longest = Math.max(0, ...result.longtasks);
    console.log(`longest main-thread task (longtask, >= 50 ms only): ${result.longtasks.length === 0 ? 'none' : `${longest.toFixed(1)} ms (${result.longtasks.length} long tasks: ${result.longtasks.map((d, i) => `${d.toFixed(0)} ms at ${(result.longtaskAt[i]! / 1000).toFixed(2)} s`).join(', ')})`}`);
    console.log(`frame gaps: ${result.gaps.length} frames, longest ${Math.max(...result.gaps).toFixed(1)} ms, p99 ${quantile(result.gaps, 0.99).toFixed(1)} ms, median ${quantile(result.gaps, 0.5).toFixed(1)} ms`);
    for (const [name, t] of Object.entries(result.timings).sort()) {
      if (t.count === 0) continue;
      console.log(`${name.padEnd(18)} ${String(t.count).padStart(6)} updates  longest ${t.maxMs.toFixed(2).padStart(7)} ms  mean ${(t.totalMs / t.count).toFixed(3)} ms`);
    }
    const chartMax = Math.max(0, ...Object.values(result.timings).map((t) => t.maxMs));
    console.log(`longest chart update: ${chartMax.toFixed(2)} ms (target 16 ms)`);
  } finally {
    await app.close();
  }
}

/**
 * Layerize (PaintArtifactCompositor's pass over the paint chunks) runs in every frame whose paint
 * changed, not only in full layerizations: ~2 ms in the frames with most work here, since each
 * isolated row and cell is a chunk of its own. Per frame that painted: mean, p90, longest.
 */
function layerizeWork(events: readonly { name: string; tdur?: number }[]): string {
  const ms = events.filter((e) => e.name === 'Layerize').map((e) => (e.tdur ?? 0) / 1000).filter((x) => x > 0.05).sort((a, b) => a - b);
  if (ms.length === 0) return '  layerize: none';
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `  layerize in ${ms.length} frames: mean ${mean.toFixed(2)} ms CPU, p90 ${ms[Math.floor(0.9 * ms.length)]!.toFixed(2)}, longest ${ms[ms.length - 1]!.toFixed(2)}`;
}

async function finished(app: AppHarness): Promise<number> {
  return app.page.evaluate(() => window.__sweepsheet!.rows().filter((r) => r.status.state === 'done' || r.status.state === 'diverged').length);
}

await main();
