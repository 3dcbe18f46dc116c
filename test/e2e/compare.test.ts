/**
 * The grid's charts and the comparison panel in chromium, on six fast toy rows that really train
 * (fixtures/e2e-compare.sheet.json; the one at lr 10 diverges): loss sparklines and boundary
 * thumbnails are drawn, the diverged row says so, the metric colour scales tell best from worst;
 * selecting rows overlays their curves, the scatter plots every run, and brushing an axis of the
 * parallel coordinates hides the grid rows outside it until the brush is cleared; a row that
 * retrains redraws its cell charts. The cell charts are read back from the DOM (the sparkline's
 * SVG path, the thumbnail's decoded image); each view is saved as a screenshot in test-results/
 * and checked for drawn pixels.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, gridCaughtUp, PROJECT_ROOT, startApp, typeIntoCell } from '../helpers/browser.ts';

const OUT = `${PROJECT_ROOT}/test-results`;
const IDS = ['c-0.003', 'c-0.03', 'c-0.3', 'c-3', 'c-10', 'xor'];
/** About 20 s on an idle 2-core machine; generous for one shared with other jobs. */
const TRAIN_TIMEOUT = 540_000;

let app: AppHarness;
/** Responses that failed, except the page's probe for an optional job-queue relay (absent under plain Vite). */
const failedRequests: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Tall enough that the grid stays on screen while the charts below it are used.
  app = await startApp({ width: 1600, height: 2800 });
  app.page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/api/queue/')) failedRequests.push(`${r.status()} ${r.url()}`);
  });
});

/** Page errors, less the console line Chromium logs for each failed response (those are checked by URL above). */
function pageErrors(): string[] {
  return [...app.pageErrors.filter((e) => !e.startsWith('console.error: Failed to load resource')), ...failedRequests];
}

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;
const cell = (id: string, col: string) => page().locator(`.ht_master td[data-row-id="${id}"][data-col="${col}"]`);

/** Pixels of a canvas that are drawn at all (alpha), or drawn in colour (not grey, not white). */
async function canvasPixels(selector: string): Promise<{ drawn: number; coloured: number }> {
  return page().$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0, coloured = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! === 0) continue;
      drawn++;
      if (Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 60) coloured++;
    }
    return { drawn, coloured };
  });
}

/** A grid cell's loss sparkline (inline SVG): its box and each line's points, read back from the path data. */
interface SparklineShape {
  readonly width: number;
  readonly height: number;
  /** One [x, y] per epoch with a finite loss; a 'h' after a single point is its dash. */
  readonly loss: [number, number][];
  readonly val: [number, number][];
  readonly canvases: number;
}

async function sparkline(id: string): Promise<SparklineShape> {
  return page().$eval(`.ht_master td[data-row-id="${id}"][data-col="curve"]`, (td) => {
    const svg = td.querySelector('svg.ss-sparkline');
    if (!svg) throw new Error('no sparkline svg');
    const points = (kind: string): [number, number][] => {
      const d = svg.querySelector(`path[data-line="${kind}"]`)?.getAttribute('d') ?? '';
      return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    };
    return {
      width: Number(svg.getAttribute('width')), height: Number(svg.getAttribute('height')),
      loss: points('loss'), val: points('val'), canvases: td.querySelectorAll('canvas').length,
    };
  });
}

/** A row's training (or validation) loss per epoch, from the engine: its result's, or the epochs of a run without one. */
async function history(id: string, field: 'loss' | 'valLoss'): Promise<number[]> {
  return page().evaluate(([rid, f]) => {
    const r = window.__sweepsheet!.rows().find((x) => x.id === rid)!;
    const epochs = (r.result?.history ?? r.live) as readonly (number | { loss: number; valLoss?: number })[];
    return epochs.map((e) => (typeof e === 'number' ? (f === 'loss' ? e : NaN) : e[f] ?? NaN));
  }, [id, field] as const);
}

/**
 * The sparkline draws exactly this row's losses: one point per finite loss, every point inside
 * the box, the first and last epochs at its two ends, and a higher loss always higher up.
 */
function expectDrawn(points: readonly [number, number][], losses: readonly number[], box: { width: number; height: number }, what: string): void {
  const finite = losses.filter((v) => Number.isFinite(v));
  expect(points.length, `${what} points`).toBe(finite.length);
  for (const [x, y] of points) {
    expect(Number.isFinite(x) && x >= 0 && x <= box.width, `${what} x ${x}`).toBe(true);
    expect(Number.isFinite(y) && y >= 0 && y <= box.height, `${what} y ${y}`).toBe(true);
  }
  if (Number.isFinite(losses[0]!) && Number.isFinite(losses.at(-1)!) && losses.length > 1) {
    expect(points[0]![0], `${what} starts at the left`).toBeLessThan(2);
    expect(points.at(-1)![0], `${what} ends at the right`).toBeGreaterThan(box.width - 2);
  }
  for (let i = 0; i < finite.length; i++) {
    for (let j = 0; j < finite.length; j++) {
      // Path data keeps one decimal: losses closer than that on screen may tie.
      if (finite[i]! > finite[j]! && points[i]![1] - points[j]![1] > 0.11) throw new Error(`${what}: epoch ${i} has the higher loss but is drawn lower than epoch ${j}`);
    }
  }
}

/**
 * A boundary thumbnail (a BMP drawn as its cell's background: no element of its own), decoded by
 * the page and read against the row's own boundary from the engine: its pixels tinted towards each
 * class colour, and for the cells the model is sure of (probability 0.7 or more), whether the pixel
 * shows the predicted class.
 */
async function thumbnail(id: string): Promise<{ src: string; side: number; orange: number; blue: number; agree: number; disagree: number; sure: [number, number]; canvases: number }> {
  return page().$eval(`.ht_master td[data-row-id="${id}"][data-col="boundary"]`, async (td, rid) => {
    const src = /url\("(data:[^"]+)"\)/.exec(getComputedStyle(td).backgroundImage)?.[1];
    if (!src) throw new Error('no boundary thumbnail');
    const b = window.__sweepsheet!.rows().find((r) => r.id === rid)!.result!.insights!.boundary!;
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let orange = 0, blue = 0, agree = 0, disagree = 0;
    const sure: [number, number] = [0, 0];
    // Class 0 is the Playground's orange (#f59322), class 1 its blue (#0877bd), each blended with white.
    for (let i = 0; i < c.width * c.height; i++) {
      const shown = d[4 * i]! - d[4 * i + 2]! > 30 ? 0 : d[4 * i + 2]! - d[4 * i]! > 30 ? 1 : -1;
      if (shown === 0) orange++;
      if (shown === 1) blue++;
      if (c.width !== b.size || (b.confidence[i] ?? 0) < 0.7) continue;
      const k = b.predicted[i]!;
      sure[k] = (sure[k] ?? 0) + 1;
      if (shown === k) agree++;
      else disagree++;
    }
    return { src, side: c.width, orange, blue, agree, disagree, sure, canvases: td.querySelectorAll('canvas, img').length };
  }, id);
}

/** Save a screenshot of an element and count its pixels that are not near-white, decoded by the page itself. */
async function screenshot(selector: string, name: string): Promise<number> {
  const path = `${OUT}/${name}.png`;
  await page().locator(selector).first().screenshot({ path });
  const b64 = readFileSync(path).toString('base64');
  return page().evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 235 || d[i + 1]! < 235 || d[i + 2]! < 235) n++;
    return n;
  }, b64);
}

/** Until no cell of the grid has changed its text, title or style for 400 ms. */
async function gridStill(): Promise<void> {
  await page().waitForFunction(() => {
    const w = window as unknown as { __still?: { sig: string; since: number } };
    const sig = [...document.querySelectorAll<HTMLElement>('.ht_master td')].map((td) => `${td.textContent}|${td.title}|${td.getAttribute('style') ?? ''}|${td.className}`).join('\n');
    const now = performance.now();
    if (w.__still?.sig !== sig) w.__still = { sig, since: now };
    return now - w.__still.since >= 400;
  }, undefined, { timeout: 30_000, polling: 50 });
}

async function visible(): Promise<string[]> {
  return page().evaluate(() => [...window.__sweepsheet!.visible()]);
}

describe('grid charts and comparing runs in chromium', () => {
  test('the toy sheet trains; one row diverges', async () => {
    await page().goto(`${app.url}?sheet=e2e-compare`, { timeout: 120_000 });
    await page().waitForFunction(() => {
      const rows = window.__sweepsheet?.rows() ?? [];
      return rows.length === 6 && rows.every((r) => r.status.state === 'done' || r.status.state === 'diverged');
    }, undefined, { timeout: TRAIN_TIMEOUT, polling: 200 });
    await gridCaughtUp(page());
    const states = await page().evaluate(() => Object.fromEntries(window.__sweepsheet!.rows().map((r) => [r.id, r.status.state])));
    expect(Object.keys(states)).toEqual(IDS);
    expect(states['c-10']).toBe('diverged');
    // The status cells show first; while runs stream in, the grid draws every STREAM_GAP_MS and the
    // chart cells and colour scales follow a few such frames later. The steps below read them all.
    await gridStill();
    expect(pageErrors()).toEqual([]);
  }, TRAIN_TIMEOUT + 60_000);

  test('every row has a loss sparkline, and the 2-D rows a boundary thumbnail (no canvases: each would be a composited layer; no <img>: a new piece of paint)', async () => {
    for (const id of IDS) {
      const shape = await sparkline(id);
      expect(shape.canvases, `${id} canvases`).toBe(0);
      expectDrawn(shape.loss, await history(id, 'loss'), shape, `${id} loss`);
      expect(shape.loss.length, `${id} loss points`).toBeGreaterThan(0);
      await expect(cell(id, 'curve').getAttribute('title')).resolves.toMatch(/^loss from .+ over 8 epochs$/);
    }
    // Only the row with a validation split draws its validation loss too (the dashed orange line).
    const withVal = await sparkline('c-0.3');
    expectDrawn(withVal.val, await history('c-0.3', 'valLoss'), withVal, 'c-0.3 validation');
    expect(withVal.val.length).toBe(8);
    expect((await sparkline('c-0.03')).val).toEqual([]);
    // Every row is 2-D: each thumbnail is the row's own boundary, one pixel per cell, and every
    // cell the model is sure of shows its predicted class's colour.
    let bothClasses = 0;
    for (const id of IDS.filter((x) => x !== 'c-10')) {
      const px = await thumbnail(id);
      expect(px.canvases, `${id} canvases`).toBe(0);
      expect(px.src, `${id} image`).toMatch(/^data:image\/bmp;base64,/);
      expect(px.side, `${id} image size`).toBe(40);
      expect(px.disagree, `${id} sure cells in the wrong colour`).toBe(0);
      expect(px.agree, `${id} sure cells`).toBe(px.sure[0] + px.sure[1]);
      if (px.sure[0] >= 20 && px.sure[1] >= 20) {
        bothClasses++;
        expect(px.orange, `${id} orange`).toBeGreaterThanOrEqual(px.sure[0]);
        expect(px.blue, `${id} blue`).toBeGreaterThanOrEqual(px.sure[1]);
      }
    }
    // A run that learned something (the xor row, the circle at a good rate) is sure of both classes somewhere.
    expect(bothClasses).toBeGreaterThan(0);
    expect(await screenshot('.ss-grid', 'compare-grid')).toBeGreaterThan(1000);
  });

  test('the time column shows a run of a few milliseconds to the millisecond, not as 0.0', async () => {
    const times = await page().evaluate(() => window.__sweepsheet!.rows().map((r) => ({
      id: r.id, seconds: r.result!.seconds,
      text: document.querySelector(`.ht_master td[data-row-id="${r.id}"][data-col="time"]`)?.textContent ?? null,
    })));
    // These toy rows train in milliseconds with the fused dense trainer.
    expect(times.some((x) => x.seconds < 0.1)).toBe(true);
    for (const x of times) {
      expect(x.text, x.id).toMatch(/^\d+\.\d+$/);
      const digits = x.text!.split('.')[1]!.length;
      // Under a second to the millisecond, then three significant digits, then one decimal.
      expect(digits, `${x.id} ${x.text}`).toBe(x.seconds < 1 ? 3 : x.seconds < 10 ? 2 : 1);
      expect(Math.abs(Number(x.text) - x.seconds), `${x.id} ${x.text} for ${x.seconds}`).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9);
    }
  });

  test('the diverged row says where and why', async () => {
    await expect(cell('c-10', 'status').textContent()).resolves.toMatch(/^diverged at epoch \d+ — /);
    const title = await cell('c-10', 'status').getAttribute('title');
    expect(title).toMatch(/^Diverged at epoch \d+\. Likely cause: .*learning rate \(10\)/);
  });

  test('colour scales: the best and the worst run of a column get different backgrounds', async () => {
    for (const col of ['test_acc', 'test_loss', 'train_loss']) {
      const cells = await page().$$eval(`.ht_master td[data-col="${col}"]`, (tds) =>
        tds.map((td) => ({ q: Number((td as HTMLElement).dataset.quality), bg: getComputedStyle(td).backgroundColor })));
      const scaled = cells.filter((c) => Number.isFinite(c.q));
      expect(scaled.length, col).toBeGreaterThanOrEqual(5);
      const best = scaled.reduce((a, b) => (b.q > a.q ? b : a));
      const worst = scaled.reduce((a, b) => (b.q < a.q ? b : a));
      expect(best.q).toBe(1);
      expect(worst.q).toBe(0);
      expect(best.bg).not.toBe(worst.bg);
    }
  });

  test('the columns menu: run details start hidden, and a group can be hidden and shown again', async () => {
    const header = (col: string) => page().locator(`.ht_clone_top th[data-col="${col}"]`);
    await expect(header('best_epoch').count()).resolves.toBe(0);
    await expect(header('notes').count()).resolves.toBe(1);
    await page().getByTestId('columns-button').click();
    const notes = page().locator('[data-testid="columns-popup"] [data-group="notes"] input');
    await notes.uncheck();
    await expect.poll(() => header('notes').count()).toBe(0);
    await notes.check();
    await expect.poll(() => header('notes').count()).toBe(1);
    await page().getByTestId('columns-button').click();
    await expect(page().getByTestId('columns-popup').count()).resolves.toBe(0);
  });

  test('selecting rows overlays their learning curves, with a legend naming them', async () => {
    // The panel starts closed (no charts exist until it is opened).
    await expect(page().locator('[data-testid="compare"] canvas').count()).resolves.toBe(0);
    await page().getByTestId('compare-toggle').click();
    await cell('c-0.003', 'lr').click();
    await cell('c-3', 'lr').click({ modifiers: ['Shift'] });
    const legend = page().locator('[data-testid="compare-curves"] .u-legend .u-series .u-label');
    await expect.poll(() => legend.allTextContents()).toEqual(['circle lr 0.003', 'circle lr 0.03', 'circle lr 0.3', 'circle lr 3']);
    const px = await canvasPixels('[data-testid="compare-curves"] canvas');
    expect(px.coloured).toBeGreaterThan(200);
    expect(await screenshot('[data-testid="compare-curves"]', 'compare-curves')).toBeGreaterThan(1000);
  });

  test('the scatter plots every finished run: learning rate against test accuracy on a log axis', async () => {
    await expect(page().getByTestId('scatter-x').inputValue()).resolves.toBe('lr');
    await expect(page().getByTestId('scatter-y').inputValue()).resolves.toBe('test_acc');
    await expect(page().getByTestId('scatter-log').isChecked()).resolves.toBe(true);
    await expect(page().getByTestId('scatter-count').textContent()).resolves.toBe('6 finished runs');
    const px = await canvasPixels('[data-testid="compare-scatter"] canvas');
    expect(px.coloured).toBeGreaterThan(50);
    // Another pair of axes redraws the chart.
    await page().getByTestId('scatter-y').selectOption('train_loss');
    await expect.poll(async () => (await canvasPixels('[data-testid="compare-scatter"] canvas')).coloured).toBeGreaterThan(50);
    expect(await screenshot('[data-testid="compare-scatter"]', 'compare-scatter')).toBeGreaterThan(1000);
  });

  test('brushing an axis of the parallel coordinates filters the grid; clearing restores it', async () => {
    await expect.poll(visible).toEqual(IDS);
    const canvas = page().getByTestId('parallel-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const axes = JSON.parse((await canvas.getAttribute('data-axes'))!) as { key: string; x: number; top: number; bottom: number }[];
    expect(axes.map((a) => a.key)).toEqual(expect.arrayContaining(['lr', 'test_acc']));
    // What the lines' colours mean (the first metric axis, as parallel.ts colours them).
    await expect(page().getByTestId('parallel-colour').textContent()).resolves.toBe('Each line is a run, coloured by its test accuracy: blue is better, orange is worse.');
    expect(await screenshot('[data-testid="compare-parallel"]', 'compare-parallel')).toBeGreaterThan(1000);

    // Keep the top of the learning-rate axis (log scale 0.003..10): the three largest rates.
    const lr = axes.find((a) => a.key === 'lr')!;
    const box = (await canvas.boundingBox())!;
    await page().mouse.move(box.x + lr.x, box.y + lr.top - 2);
    await page().mouse.down();
    await page().mouse.move(box.x + lr.x, box.y + (lr.top + lr.bottom) / 2, { steps: 5 });
    await page().mouse.up();
    await expect.poll(visible).toEqual(['c-0.3', 'c-3', 'c-10']);
    await expect(canvas.getAttribute('data-kept')).resolves.toBe('3');
    // The panel says how many runs the ranges keep (the grid now shows 3 of its 6 rows).
    await expect(page().getByTestId('parallel-kept').textContent()).resolves.toBe('3 of 6 finished runs inside the ranges');
    expect(await screenshot('[data-testid="compare-parallel"]', 'compare-parallel-brushed')).toBeGreaterThan(1000);
    expect(await screenshot('.ss-grid', 'compare-grid-filtered')).toBeGreaterThan(500);

    await page().getByTestId('parallel-clear').click();
    await expect.poll(visible).toEqual(IDS);
    await expect(page().getByTestId('parallel-kept').count()).resolves.toBe(0);

    // A click on an axis (no drag) clears its brush too.
    await page().mouse.move(box.x + lr.x, box.y + lr.top + 5);
    await page().mouse.down();
    await page().mouse.move(box.x + lr.x, box.y + lr.bottom - 5, { steps: 3 });
    await page().mouse.up();
    await expect.poll(async () => (await visible()).length).toBeLessThan(6);
    await page().mouse.click(box.x + lr.x, box.y + lr.top + 20);
    await expect.poll(visible).toEqual(IDS);
    expect(pageErrors()).toEqual([]);
  });

  /** Type a row's name: the frozen name column is drawn by the inline-start overlay, over the master's. */
  async function rename(id: string, name: string): Promise<void> {
    await page().locator(`.ht_clone_inline_start td[data-row-id="${id}"][data-col="name"]`).dblclick();
    const editor = page().locator('.handsontableInputHolder:not(.ht_editor_hidden) textarea.handsontableInput');
    await editor.waitFor({ state: 'visible' });
    await page().keyboard.press('ControlOrMeta+A');
    await page().keyboard.type(name);
    await page().keyboard.press('Enter');
  }

  test('pointing at a line of the parallel coordinates names its run and lists its values, as text', async () => {
    // A name with markup in it: the tooltip shows it as it was typed.
    const markup = '<img src=x onerror="window.__tipXss=1">lr 0.003';
    await rename('c-0.003', markup);
    await expect.poll(() => page().evaluate(() => window.__sweepsheet!.rows().find((r) => r.id === 'c-0.003')!.cells.name)).toBe(markup);
    const canvas = page().getByTestId('parallel-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const tip = page().getByTestId('parallel-tip');
    await expect(tip.isHidden()).resolves.toBe(true);
    const axes = JSON.parse((await canvas.getAttribute('data-axes'))!) as { key: string; x: number; top: number; bottom: number }[];
    // The smallest learning rate (0.003) is the bottom of its log axis, and only c-0.003 is there.
    const lr = axes.find((a) => a.key === 'lr')!;
    const box = (await canvas.boundingBox())!;
    await page().mouse.move(box.x + lr.x + 2, box.y + lr.bottom - 1);
    await expect.poll(() => canvas.getAttribute('data-hovered')).toBe('c-0.003');
    await tip.waitFor({ state: 'visible' });
    const lines = await tip.evaluate((el) => [...el.children].map((c) => c.textContent));
    expect(lines[0]).toBe(`${markup} (row c-0.003)`);
    expect(lines).toContain('learning rate: 0.003');
    expect(lines.some((l) => /^test accuracy: 0(\.\d+)?$|^test accuracy: 1$/.test(l ?? ''))).toBe(true);
    expect(await tip.locator('img').count()).toBe(0);
    expect(await page().evaluate(() => (window as unknown as { __tipXss?: number }).__tipXss)).toBeUndefined();
    // The tooltip stays inside the chart, beside the pointer; the hovered line is drawn on top.
    const t = (await tip.boundingBox())!;
    expect(t.x).toBeGreaterThanOrEqual(box.x - 1);
    expect(t.x + t.width).toBeLessThanOrEqual(box.x + box.width + 1);
    expect(t.y + t.height).toBeLessThanOrEqual(box.y + box.height + 1);
    expect(await screenshot('[data-testid="compare-parallel"]', 'compare-parallel-hover')).toBeGreaterThan(1000);
    // Away from every line, and off the canvas, the tooltip goes.
    await page().mouse.move(box.x + 2, box.y + 2);
    await expect.poll(() => canvas.getAttribute('data-hovered')).toBe('');
    await expect(tip.isHidden()).resolves.toBe(true);
    await page().mouse.move(box.x + lr.x + 2, box.y + lr.bottom - 1);
    await expect.poll(() => canvas.getAttribute('data-hovered')).toBe('c-0.003');
    await page().mouse.move(box.x + box.width / 2, box.y + box.height + 40);
    await expect.poll(() => tip.isHidden()).toBe(true);
    await rename('c-0.003', 'circle lr 0.003');
    await expect.poll(() => page().evaluate(() => window.__sweepsheet!.rows().find((r) => r.id === 'c-0.003')!.cells.name)).toBe('circle lr 0.003');
    expect(pageErrors()).toEqual([]);
  });

  test('in Korean, the comparison and the grid\'s own columns speak Korean', async () => {
    // The overlaid curves' x axis, drawn by uPlot on its canvas (the chart keeps its label in data-x-label).
    const xLabel = () => page().locator('[data-testid="compare-curves"] .ss-compare-chart').getAttribute('data-x-label');
    await expect(xLabel()).resolves.toBe('epoch');
    await page().getByTestId('language').selectOption('ko');
    await expect.poll(() => page().locator('[data-testid="compare"] h2').textContent()).toBe('▾ 실행 비교');
    // The open chart is redrawn in Korean (it kept 'epoch' until other rows were selected).
    await expect.poll(xLabel).toBe('에포크');
    await expect(page().locator('[data-testid="compare-curves"] h3').textContent()).resolves.toBe('선택한 행의 학습 곡선');
    await expect.poll(() => page().locator('.ht_clone_top th[data-col="curve"] .colHeader').textContent()).toBe('곡선');
    await expect(cell('c-10', 'status').getAttribute('title')).resolves.toMatch(/^에포크 \d+에서 발산했습니다\. 가능한 원인: /);
    expect(await screenshot('[data-testid="compare"]', 'compare-ko')).toBeGreaterThan(1000);
    // The parallel coordinates' tooltip too.
    const canvas = page().getByTestId('parallel-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const lr = (JSON.parse((await canvas.getAttribute('data-axes'))!) as { key: string; x: number; bottom: number }[]).find((a) => a.key === 'lr')!;
    const box = (await canvas.boundingBox())!;
    await page().mouse.move(box.x + lr.x + 2, box.y + lr.bottom - 1);
    const tip = page().getByTestId('parallel-tip');
    await tip.waitFor({ state: 'visible' });
    const lines = await tip.evaluate((el) => [...el.children].map((c) => c.textContent));
    expect(lines[0]).toBe('circle lr 0.003 (행 c-0.003)');
    expect(lines).toContain('학습률: 0.003');
    await page().mouse.move(box.x + box.width / 2, box.y + box.height + 40);
    await page().getByTestId('language').selectOption('en');
    await expect.poll(() => page().locator('[data-testid="compare"] h2').textContent()).toBe('▾ Compare runs');
    await expect.poll(xLabel).toBe('epoch');
  });

  test('a row that retrains redraws its sparkline and thumbnail from the new run', async () => {
    const before = await thumbnail('xor');
    const lossBefore = await history('xor', 'loss');
    await typeIntoCell(page(), 'xor', 'epochs', '10');
    await page().waitForFunction(() => {
      const r = window.__sweepsheet!.rows().find((x) => x.id === 'xor')!;
      return r.status.state === 'done' && r.result?.history.length === 10;
    }, undefined, { timeout: TRAIN_TIMEOUT, polling: 200 });
    await expect.poll(async () => (await sparkline('xor')).loss.length).toBe(10);
    const after = await sparkline('xor');
    const lossAfter = await history('xor', 'loss');
    expect(lossAfter).not.toEqual(lossBefore.slice(0, lossAfter.length));
    expectDrawn(after.loss, lossAfter, after, 'xor retrained');
    await expect(cell('xor', 'curve').getAttribute('title')).resolves.toMatch(/over 10 epochs$/);
    await expect.poll(async () => (await thumbnail('xor')).src).not.toBe(before.src);
    const thumb = await thumbnail('xor');
    expect(thumb.disagree).toBe(0);
    expect(thumb.agree).toBe(thumb.sure[0] + thumb.sure[1]);
    expect(pageErrors()).toEqual([]);
  }, TRAIN_TIMEOUT + 60_000);
});
