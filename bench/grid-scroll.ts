/**
 * Scrolling the grid, in chromium: what one wheel step and one jump cost the main thread.
 *
 *   npm run bench:grid-scroll [-- --rows 100] [--step 100] [--training] [--profile]
 *
 * Opens a sheet of toy rows (the page's own file input), waits until every run has finished
 * (`--training`: measures while they train), then scrolls the page over the grid with the mouse
 * wheel, `--step` pixels at a time, ten steps down and ten up, then jumps to the bottom and back to
 * the top. Handsontable draws only the rows in the window: a step that brings new rows in renders
 * the whole visible band again (each of its cells through our renderers), lays it out and paints
 * it. Printed per kind of scroll from a chromium trace: the main thread's tasks by CPU time (thread
 * time, which the load on a shared machine does not stretch), how many went over 16 ms, and where
 * the longest ones went (script, style, layout, paint). A measurement, not a test.
 */
import { startApp } from '../test/helpers/browser.ts';
import { type TraceEvent, mainThreadEvents, recordTrace, taskCpu } from './lib/trace.ts';
import { machine, machineLine } from './lib/report.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';

const args = process.argv.slice(2);
const value = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const ROWS = value('--rows', 100);
const STEP = value('--step', 100);
const TRAINING = args.includes('--training');
const PROFILE = args.includes('--profile');

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

const m = await machine();
console.log(machineLine(m));
const app = await startApp({ width: 1600, height: 1000 });
try {
  await app.page.goto(app.url, { timeout: 120_000 });
  await app.page.getByTestId('file-input').setInputFiles({ name: 'bench.sheet.json', mimeType: 'application/json', buffer: Buffer.from(sheet()) });
  await app.page.waitForFunction((n) => window.__sweepsheet?.rows().length === n, ROWS, { timeout: 60_000 });
  if (!TRAINING) {
    await app.page.waitForFunction(() => window.__sweepsheet!.rows().every((r) => r.status.state !== 'queued' && r.status.state !== 'running'), undefined, { timeout: 600_000 });
  }
  await app.page.waitForTimeout(1000);
  const dom = await app.page.evaluate(() => ({ rows: document.querySelectorAll('.ht_master tbody tr').length, cells: document.querySelectorAll('.ht_master tbody td').length }));
  console.log(`${ROWS} rows${TRAINING ? ', training' : ', all finished'}; the grid renders ${dom.rows} rows, ${dom.cells} cells; wheel steps of ${STEP} px`);
  const box = await app.page.locator('.ht_master').boundingBox();
  await app.page.mouse.move((box?.x ?? 0) + 600, 500);
  const cdp = await app.context.newCDPSession(app.page);
  const wheelSteps = async () => {
    for (const dy of [STEP, -STEP]) {
      for (let i = 0; i < 10; i++) {
        await app.page.mouse.wheel(0, dy);
        await app.page.waitForTimeout(150);
      }
    }
  };
  const wheel = await recordTrace(cdp, wheelSteps);
  report('wheel, 10 steps down and 10 up', mainThreadEvents(wheel));
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
    await wheelSteps();
    const { profile } = await cdp.send('Profiler.stop') as unknown as { profile: CpuProfile };
    console.log(`\nwheel steps again, sampled (ms over all 20 steps):\n${profileSummary(profile, 30)}`);
  }
} finally {
  await app.close();
}
