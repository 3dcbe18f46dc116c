/**
 * Scrolling the grid, in chromium: what one wheel step and one jump cost the main thread.
 *
 *   npm run bench:grid-scroll [-- --rows 100] [--steps 10] [--step 100] [--band 30,4|handsontable]
 *                             [--training] [--verbose] [--profile]
 *
 * Opens a sheet of toy rows (the page's own file input), waits until every run has finished
 * (`--training`: measures while they train), then scrolls the page over the grid with the mouse
 * wheel, `--step` pixels at a time, `--steps` steps down and as many up, then jumps to the bottom
 * and back to the top. Handsontable renders a band of rows around the window (src/ui/grid-band.ts:
 * ROWS_AHEAD in the direction of the scroll): a step that needs a row outside it renders the whole
 * band again (each of its cells through our renderers), lays it out and paints it; a step inside it
 * renders nothing. `--band` tries another band. Printed from a chromium trace: the main thread's
 * tasks by CPU time (thread time, which the load on a shared machine does not stretch), how many
 * went over 16 ms and where the longest went (script, style, layout, paint); then per wheel step
 * (every task from its wheel event to the next step's, summed) how many steps cost over 16 ms of
 * CPU and the mean step's parts; `--verbose`: each step's parts and the rows rendered after it.
 * A measurement, not a test.
 */
import { startApp } from '../test/helpers/browser.ts';
import { type TraceEvent, mainThreadEvents, recordTrace, taskCpu } from './lib/trace.ts';
import { machine, machineLine } from './lib/report.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';
import type { BandChoice } from '../src/ui/grid-band.ts';

const args = process.argv.slice(2);
const value = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const ROWS = value('--rows', 100);
const STEP = value('--step', 100);
const TRAINING = args.includes('--training');
const PROFILE = args.includes('--profile');
const VERBOSE = args.includes('--verbose');
/** Wheel steps each way (down, then up). */
const STEPS = value('--steps', 10);
/**
 * `--band AHEAD,BEHIND`: rows rendered ahead of the scroll and behind it instead of the grid's own
 * (src/ui/grid-band.ts); `--band handsontable`: Handsontable's own band ('auto': one row each side).
 */
const BAND = args.includes('--band') ? args[args.indexOf('--band') + 1] ?? null : null;

function sheet(): string {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    id: `r${i + 1}`,
    cells: {
      name: `row ${i + 1}`, dataset: i % 2 === 0 ? 'circle' : 'spiral', layers: 'dense(8, relu) dense(8, relu)',
      optimizer: 'adam', lr: String([0.003, 0.01, 0.03, 0.1][i % 4]), batch_size: '16', epochs: TRAINING ? '500' : '60', seed: String(1 + (i % 7)),
    },
  }));
  return JSON.stringify({ format: 'sweepsheet', version: 1, title: 'bench: grid scroll', description: '', rows });
}

/** CPU ms of the named events nested in `task`, summed, each counted once (not again inside another of them). */
function partCpu(events: readonly TraceEvent[], task: TraceEvent, names: readonly string[]): number {
  const end = task.ts + (task.dur ?? 0);
  const inside = events.filter((e) => names.includes(e.name) && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end).sort((a, b) => a.ts - b.ts);
  let ms = 0;
  let coveredUntil = -Infinity;
  for (const e of inside) {
    if (e.ts < coveredUntil) continue;
    ms += (e.tdur ?? 0) / 1000;
    coveredUntil = e.ts + (e.dur ?? 0);
  }
  return ms;
}

function report(label: string, events: readonly TraceEvent[]): void {
  const c = taskCpu(events);
  const long = events.filter((e) => e.name === 'RunTask' && (e.tdur ?? 0) > 16_000).sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0));
  const mean = (names: readonly string[]) => (long.length === 0 ? 0 : long.reduce((a, t) => a + partCpu(events, t, names), 0) / long.length);
  console.log(`${label}: ${c.tasks} tasks, ${c.over16} over 16 ms CPU, longest ${c.maxMs.toFixed(1)} ms (ratio to 16 ms: ${(c.maxMs / 16).toFixed(2)}), p99 ${c.p99Ms.toFixed(1)} ms`);
  if (long.length > 0) {
    const total = mean(['RunTask']);
    const [style, layout, paint, gc] = [mean(['UpdateLayoutTree']), mean(['Layout']), mean(['Paint', 'PrePaint', 'Layerize']), mean(['MinorGC', 'MajorGC'])];
    // Style and layout forced from script (Handsontable reads row heights after rendering) count as style and layout.
    console.log(`  mean of those over 16 ms, CPU ms: ${total.toFixed(1)} = script (ours and Handsontable's) ${(total - style - layout - paint - gc).toFixed(1)} + style ${style.toFixed(1)} + layout ${layout.toFixed(1)} + paint ${paint.toFixed(1)} + GC ${gc.toFixed(1)}`);
  }
}

/** What one wheel step cost the main thread: every task from its wheel event to the next step's, summed. */
interface StepCost {
  readonly cpu: number;
  readonly script: number;
  readonly style: number;
  readonly layout: number;
  readonly paint: number;
  readonly gc: number;
  /** Its longest task. */
  readonly longest: number;
}

/**
 * Per wheel step: the CPU of the main thread's tasks between this step's mark and the next one's
 * (a step is a scroll event's task and the frame or frames it causes), split into script, style,
 * layout, paint and GC as in report().
 */
function stepCosts(all: readonly TraceEvent[], marks: readonly string[]): StepCost[] {
  const events = mainThreadEvents(all);
  const at = marks.map((name) => all.find((e) => e.name === name)?.ts ?? NaN);
  const end = Math.max(...events.map((e) => e.ts + (e.dur ?? 0)));
  const tasks = events.filter((e) => e.name === 'RunTask');
  return at.map((from, i) => {
    const to = at[i + 1] ?? end;
    const mine = tasks.filter((t) => t.ts >= from && t.ts < to);
    const sum = (f: (t: TraceEvent) => number) => mine.reduce((a, t) => a + f(t), 0);
    const cpu = sum((t) => (t.tdur ?? 0) / 1000);
    const style = sum((t) => partCpu(events, t, ['UpdateLayoutTree']));
    const layout = sum((t) => partCpu(events, t, ['Layout']));
    const paint = sum((t) => partCpu(events, t, ['Paint', 'PrePaint', 'Layerize']));
    const gc = sum((t) => partCpu(events, t, ['MinorGC', 'MajorGC']));
    return { cpu, style, layout, paint, gc, script: cpu - style - layout - paint - gc, longest: Math.max(0, ...mine.map((t) => (t.tdur ?? 0) / 1000)) };
  });
}

/** The master table's rendered rows, as 'first-last (count)' of their ids. */
function renderedBand(): string {
  const ids = [...document.querySelectorAll<HTMLElement>('.ht_master tbody tr td[data-row-id]:first-of-type')].map((td) => td.dataset.rowId);
  return `${ids[0]}-${ids.at(-1)} (${ids.length})`;
}

function reportSteps(steps: readonly StepCost[], bands: readonly string[] = []): void {
  const sorted = steps.map((s) => s.cpu).sort((a, b) => a - b);
  const mean = (f: (s: StepCost) => number) => steps.reduce((a, s) => a + f(s), 0) / Math.max(1, steps.length);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(`  per step (all its tasks): ${steps.filter((s) => s.cpu > 16).length} of ${steps.length} over 16 ms CPU; median ${median.toFixed(1)}, mean ${mean((s) => s.cpu).toFixed(1)}, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`);
  console.log(`  mean step, CPU ms: script ${mean((s) => s.script).toFixed(1)} + style ${mean((s) => s.style).toFixed(1)} + layout ${mean((s) => s.layout).toFixed(1)} + paint ${mean((s) => s.paint).toFixed(1)} + GC ${mean((s) => s.gc).toFixed(1)}`);
  console.log(`  steps, CPU ms: ${steps.map((s) => s.cpu.toFixed(0)).join(' ')}`);
  if (VERBOSE) for (const [i, s] of steps.entries()) console.log(`    step ${i + 1}: ${s.cpu.toFixed(1)} = script ${s.script.toFixed(1)} + style ${s.style.toFixed(1)} + layout ${s.layout.toFixed(1)} + paint ${s.paint.toFixed(1)} + GC ${s.gc.toFixed(1)}; longest task ${s.longest.toFixed(1)}${bands[i] ? `; rendered ${bands[i]}` : ''}`);
}

const m = await machine();
console.log(machineLine(m));
const app = await startApp({ width: 1600, height: 1000 });
try {
  if (BAND !== null) {
    const [ahead, behind] = BAND.split(',').map(Number);
    const choice: BandChoice | 'handsontable' = BAND === 'handsontable' ? BAND : { ahead: ahead ?? 0, behind: behind ?? 0 };
    await app.page.addInitScript((c) => { window.__sweepsheetRowBand = c; }, choice);
  }
  await app.page.goto(app.url, { timeout: 120_000 });
  await app.page.getByTestId('file-input').setInputFiles({ name: 'bench.sheet.json', mimeType: 'application/json', buffer: Buffer.from(sheet()) });
  await app.page.waitForFunction((n) => window.__sweepsheet?.rows().length === n, ROWS, { timeout: 60_000 });
  if (!TRAINING) {
    await app.page.waitForFunction(() => window.__sweepsheet!.rows().every((r) => r.status.state !== 'queued' && r.status.state !== 'running'), undefined, { timeout: 1_800_000, polling: 500 });
  }
  await app.page.waitForTimeout(1000);
  const dom = await app.page.evaluate(() => ({ rows: document.querySelectorAll('.ht_master tbody tr').length, cells: document.querySelectorAll('.ht_master tbody td').length }));
  console.log(`${ROWS} rows${TRAINING ? ', training' : ', all finished'}${BAND ? `, band ${BAND}` : ''}; the grid renders ${dom.rows} rows, ${dom.cells} cells; wheel steps of ${STEP} px`);
  const box = await app.page.locator('.ht_master').boundingBox();
  await app.page.mouse.move((box?.x ?? 0) + 600, 500);
  const cdp = await app.context.newCDPSession(app.page);
  const marks: string[] = [];
  /** With --verbose, the rows rendered after each step (a step that moved them rendered the band again). */
  const bands: string[] = [];
  const wheelSteps = async (mark: boolean) => {
    for (const dy of [STEP, -STEP]) {
      for (let i = 0; i < STEPS; i++) {
        if (mark) {
          const name = `ss-step-${marks.length}`;
          marks.push(name);
          await app.page.evaluate((n) => performance.mark(n), name);
        }
        await app.page.mouse.wheel(0, dy);
        await app.page.waitForTimeout(150);
        if (mark && VERBOSE) bands.push(await app.page.evaluate(renderedBand));
      }
    }
  };
  const wheel = await recordTrace(cdp, () => wheelSteps(true), ['blink.user_timing']);
  report(`wheel, ${STEPS} steps down and ${STEPS} up`, mainThreadEvents(wheel));
  reportSteps(stepCosts(wheel, marks), bands);
  const jump = await recordTrace(cdp, async () => {
    for (const to of ['bottom', 'top', 'bottom', 'top']) {
      await app.page.evaluate((where) => window.scrollTo(0, where === 'top' ? 0 : document.body.scrollHeight), to);
      await app.page.waitForTimeout(400);
    }
  });
  report('jumps to the bottom and back to the top, twice', mainThreadEvents(jump));
  if (PROFILE) {
    // The same wheel steps again under V8's sampling profiler: which functions the steps' script is.
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await wheelSteps(false);
    const { profile } = await cdp.send('Profiler.stop') as unknown as { profile: CpuProfile };
    console.log(`\nwheel steps again, sampled (ms over all 20 steps):\n${profileSummary(profile, 30)}`);
  }
} finally {
  await app.close();
}
