/**
 * What the grid draws frame by frame while a row trains, in chromium: the status cell's progress
 * bar is the cell's own background (one custom property, no elements of its own), the status,
 * chart and result cells are not clipped (a clipped cell's paint makes chromium re-layerize the
 * page when it changes size), and a finished run's cells all show its results within a few
 * frames of the engine reporting it (while runs stream in the grid draws every STREAM_GAP_MS, 3
 * frames; the numbers first, the charts within three frames more).
 * A running status fits its column (never ss-clip), and each result and chart cell is a stacking
 * context of its own: a clip appearing, or a result or chart appearing in the row's shared paint,
 * makes chromium re-layerize the whole page. For the same reason a row's chart cells hold the
 * same elements from queued to done: the curve cell one <svg> whose lines are never empty (an
 * invisible stub before the first epoch), the boundary cell none (its thumbnail is its background).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, startApp, typeIntoCell } from '../helpers/browser.ts';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ width: 2400, height: 900 });
  await app.page.goto(`${app.url}?sheet=e2e-sweeps`);
  await app.page.waitForFunction(() => {
    const all = window.__sweepsheet?.rows() ?? [];
    return all.length === 3 && all.every((r) => r.status.state === 'done');
  }, undefined, { timeout: 90_000, polling: 100 });
});

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;

interface FrameLog {
  /** Per frame while toy-a trained: its status cell's progress, and how many elements the cell held. */
  progress: { value: string; elements: number; hasClass: boolean; clipped: boolean; fits: boolean; text: string }[];
  /** The frame at which the engine first reported toy-a done, and the one at which every cell showed it. */
  doneAt: number;
  shownAt: number;
  frame: number;
}

describe('the grid frame by frame', () => {
  test('a training row shows its progress as a background; its finished results show within a few frames', async () => {
    // Batches of 4 through wider layers make the 500-epoch run below last seconds, so the status
    // shows epochs past 100: with batches of 32 through dense(4) the fused trainer could pass
    // from epoch 99 to the end between two shown progress updates on an idle machine.
    await typeIntoCell(page(), 'toy-a', 'batch_size', '4');
    await typeIntoCell(page(), 'toy-a', 'layers', 'dense(128, relu), dense(128, relu)');
    await page().waitForFunction(() => {
      const row = window.__sweepsheet!.rows().find((r) => r.id === 'toy-a');
      return row?.status.state === 'done' && row.resultKey !== null && row.cells.batch_size === '4' && (row.cells.layers ?? '').startsWith('dense(128');
    }, undefined, { timeout: 60_000, polling: 100 });
    // Each frame, read toy-a's cells against the engine's row.
    // The page imports by URL (Vite serves TypeScript); a plain script, so vitest's transform of import() stays out of it.
    await page().addScriptTag({ content: 'window.__imp = (u) => import(u);' });
    await page().evaluate(async () => {
      const imp = (window as unknown as { __imp: (url: string) => Promise<unknown> }).__imp;
      // The sparkline's path as the grid draws it for a row's finished run (pure: grid-svg.ts, grid-charts.ts).
      const svg = await imp('/src/ui/grid-svg.ts') as typeof import('../../src/ui/grid-svg.ts');
      const curves = await imp('/src/ui/grid-charts.ts') as typeof import('../../src/ui/grid-charts.ts');
      const log = { progress: [] as FrameLog['progress'], doneAt: -1, shownAt: -1, frame: 0 };
      (window as unknown as { __frames: FrameLog }).__frames = log;
      const td = (col: string) => document.querySelector<HTMLElement>(`.ht_master td[data-row-id="toy-a"][data-col="${col}"]`);
      // The text's own width against its box (a layout root: its overflow is not the cell's scroll width).
      const fits = (cell: HTMLElement) => {
        const box = cell.querySelector<HTMLElement>('.ss-status-text');
        if (!box) return false;
        const range = document.createRange();
        range.selectNodeContents(box);
        return range.getBoundingClientRect().width <= box.clientWidth;
      };
      const tick = () => {
        log.frame++;
        const row = window.__sweepsheet!.rows().find((r) => r.id === 'toy-a')!;
        const status = td('status');
        if (row.status.state === 'running' && status) {
          log.progress.push({
            value: status.style.getPropertyValue('--ss-progress'), elements: status.querySelectorAll('*').length, hasClass: status.classList.contains('ss-has-progress'),
            clipped: status.classList.contains('ss-clip'), fits: fits(status), text: status.textContent ?? '',
          });
        }
        if (row.status.state === 'done' && log.progress.length > 0) {
          if (log.doneAt < 0) log.doneAt = log.frame;
          const acc = td('test_acc')?.textContent ?? '';
          const shown = status?.dataset.state === 'done' && acc === row.result!.testAcc.toFixed(4)
            && td('train_loss')?.textContent !== ''
            // The sparkline (drawn a few frames after the numbers at most) is the finished run's whole curve.
            && td('curve')?.querySelector('svg path[data-line="loss"]')?.getAttribute('d') === svg.sparklinePaths(curves.lossCurve(row), { width: 84, height: 20 }).loss;
          if (shown && log.shownAt < 0) log.shownAt = log.frame;
        }
        if (log.shownAt < 0) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    // From epoch 100 on the status is at its longest (`running 20% (epoch 100/500)`): it used to
    // cross into ss-clip there, and a clip appearing re-layerizes the page.
    await typeIntoCell(page(), 'toy-a', 'epochs', '500');
    await page().waitForFunction(() => (window as unknown as { __frames: FrameLog }).__frames.shownAt >= 0, undefined, { timeout: 60_000, polling: 100 });
    const log = await page().evaluate(() => (window as unknown as { __frames: FrameLog }).__frames);
    expect(log.progress.length).toBeGreaterThan(0);
    for (const p of log.progress.filter((x) => x.value !== '')) {
      expect(p.hasClass).toBe(true);
      // Only the status text: the bar is painted by the cell's background.
      expect(p.elements).toBe(1);
      expect(Number(p.value)).toBeGreaterThanOrEqual(0);
      expect(Number(p.value)).toBeLessThanOrEqual(1);
      // A running status fits its column whole, so it is never clipped.
      expect({ text: p.text, clipped: p.clipped, fits: p.fits }).toEqual({ text: p.text, clipped: false, fits: true });
    }
    expect(log.progress.some((p) => /epoch \d{3}\/500/.test(p.text))).toBe(true);
    expect(log.progress.some((p) => p.value !== '')).toBe(true);
    // While runs stream in, the grid draws at most every STREAM_GAP_MS (50 ms, 3 frames): the pass
    // that sees the run done may wait that long, then the numbers and within 3 frames the charts:
    // 7 frames on an idle machine. The gap is a timer, which a loaded machine (CI runs the unit
    // tests beside this file) fires late while frames go on (8 seen): 12 frames, 0.2 s, still
    // tells a bounded delay from a chart that waits for the next engine change.
    expect(log.shownAt - log.doneAt).toBeLessThanOrEqual(12);
  });

  test('status, chart and result cells are not clipped; input cells are', async () => {
    const overflow = await page().evaluate(() => Object.fromEntries(['name', 'status', 'curve', 'test_acc', 'train_loss'].map((col) => {
      const td = document.querySelector(`.ht_master td[data-row-id="toy-b"][data-col="${col}"]`)!;
      return [col, getComputedStyle(td).overflowX];
    })));
    expect(overflow).toEqual({ name: 'hidden', status: 'visible', curve: 'visible', test_acc: 'visible', train_loss: 'visible' });
  });

  test('each result and chart cell paints on its own, over its own background, so a result or a chart appearing changes only that cell', async () => {
    const cells = await page().evaluate(() => ['status', 'curve', 'boundary', 'test_acc', 'train_loss'].map((col) => {
      const td = document.querySelector(`.ht_master td[data-row-id="toy-b"][data-col="${col}"]`)!;
      const style = getComputedStyle(td);
      return { col, isolation: style.isolation, background: style.backgroundColor };
    }));
    expect(cells.map((c) => [c.col, c.isolation])).toEqual([['status', 'auto'], ['curve', 'isolate'], ['boundary', 'isolate'], ['test_acc', 'isolate'], ['train_loss', 'isolate']]);
    // An isolated cell with no background of its own would paint nothing while empty, and its first text would still add a piece of paint.
    for (const c of cells.slice(1)) expect(c.background).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^transparent$/);
  });

  test('a sweep of runs of a few milliseconds shows its mean time ± sd to the millisecond, not as 0.0 ± 0.0', async () => {
    await typeIntoCell(page(), 'toy-c', 'seed', '1..2');
    await page().waitForFunction(() => {
      const all = window.__sweepsheet!.rows();
      const kids = all.filter((r) => r.parent === 'toy-c');
      return kids.length === 2 && kids.every((r) => r.status.state === 'done');
    }, undefined, { timeout: 90_000, polling: 100 });
    const seconds = await page().evaluate(() => window.__sweepsheet!.rows().filter((r) => r.parent === 'toy-c').map((r) => r.result!.seconds));
    const mean = (seconds[0]! + seconds[1]!) / 2;
    const cell = page().locator('.ht_master td[data-row-id="toy-c"][data-col="time"]');
    await expect.poll(() => cell.textContent()).toMatch(/ ± /);
    const text = (await cell.textContent())!;
    // Five epochs of XOR train in milliseconds: three decimals under a second, as a plain row's time.
    const digits = mean < 1 ? 3 : mean < 10 ? 2 : 1;
    expect(text).toMatch(new RegExp(`^\\d+\\.\\d{${digits}} ± \\d+\\.\\d{${digits}}$`));
    expect(Math.abs(Number(text.split(' ± ')[0]) - mean)).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-9);
  });

  // Last: it opens another sheet.
  test('a fresh row\'s chart cells hold the same elements from queued to done: one <svg> whose lines are never empty, and the thumbnail as a background', async () => {
    const ids = ['fresh-1', 'fresh-2', 'fresh-3'];
    const rows = ids.map((id, i) => ({
      id, cells: { name: id, dataset: 'xor', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03', batch_size: '4', epochs: '150', seed: String(i + 1), val_split: '0' },
    }));
    const sheet = JSON.stringify({ format: 'sweepsheet', version: 1, title: 'fresh rows', description: '', rows });
    // Each frame, per fresh row on screen: its state, which <svg> its curve cell holds, what else the chart cells hold.
    await page().evaluate((wanted) => {
      const svgs: Element[] = [];
      const log: { id: string; state: string; curve: string; svg: number; emptyLines: number; boundaryElements: number; thumb: boolean }[] = [];
      (window as unknown as { __charts: typeof log }).__charts = log;
      const tick = () => {
        for (const r of window.__sweepsheet!.rows()) {
          if (!wanted.includes(r.id)) continue;
          const curve = document.querySelector(`.ht_master td[data-row-id="${r.id}"][data-col="curve"]`);
          const boundary = document.querySelector<HTMLElement>(`.ht_master td[data-row-id="${r.id}"][data-col="boundary"]`);
          if (!curve || !boundary) continue;
          const svg = curve.firstElementChild;
          if (svg && !svgs.includes(svg)) svgs.push(svg);
          log.push({
            id: r.id, state: r.status.state, curve: [...curve.children].map((c) => c.tagName.toLowerCase()).join(','), svg: svg ? svgs.indexOf(svg) : -1,
            emptyLines: [...curve.querySelectorAll('path')].filter((p) => (p.getAttribute('d') ?? '') === '').length,
            boundaryElements: boundary.childElementCount, thumb: /url\("data:image\/bmp;base64,/.test(getComputedStyle(boundary).backgroundImage),
          });
        }
        const done = log.filter((e) => e.state === 'done' && e.thumb).map((e) => e.id);
        if (!wanted.every((id) => done.includes(id))) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, ids);
    await page().getByTestId('file-input').setInputFiles({ name: 'fresh.sheet.json', mimeType: 'application/json', buffer: Buffer.from(sheet) });
    await page().waitForFunction((wanted) => {
      const log = (window as unknown as { __charts: { id: string; state: string; thumb: boolean }[] }).__charts;
      return wanted.every((id) => log.some((e) => e.id === id && e.state === 'done' && e.thumb));
    }, ids, { timeout: 120_000, polling: 100 });
    const log = await page().evaluate(() => (window as unknown as { __charts: { id: string; state: string; curve: string; svg: number; emptyLines: number; boundaryElements: number; thumb: boolean }[] }).__charts);
    for (const id of ids) {
      const frames = log.filter((e) => e.id === id);
      // Seen before it trained (queued, or running before its first epoch), not only once done.
      expect(frames.some((e) => e.state === 'queued' || e.state === 'running'), `${id} seen before done`).toBe(true);
      expect(new Set(frames.map((e) => e.curve)), `${id} curve cell`).toEqual(new Set(['svg']));
      expect(new Set(frames.map((e) => e.svg)).size, `${id} one svg throughout`).toBe(1);
      // A line is never empty (an invisible stub before its first point): a path appearing is a new piece of paint.
      expect(Math.max(...frames.map((e) => e.emptyLines)), `${id} empty lines`).toBe(0);
      expect(Math.max(...frames.map((e) => e.boundaryElements)), `${id} boundary cell elements`).toBe(0);
    }
  });

  // Opens another sheet too.
  test('many rows changed at once are redrawn over several frames, a bounded number of cells in each, each cell once a frame, none lost', async () => {
    const n = 40;
    // Every row's learning rate reads the whole noise column: one edit changes every row's spec.
    const rows = Array.from({ length: n }, (_, i) => ({
      id: `m${i + 1}`,
      cells: { name: `m${i + 1}`, dataset: 'xor', noise: '0.1', layers: 'dense(4, relu)', optimizer: 'adam', lr: '=MAX(noise) / 4', batch_size: '32', epochs: '3', seed: String(i + 1), val_split: '0' },
    }));
    const sheet = JSON.stringify({ format: 'sweepsheet', version: 1, title: 'many rows', description: '', rows });
    await page().getByTestId('file-input').setInputFiles({ name: 'many.sheet.json', mimeType: 'application/json', buffer: Buffer.from(sheet) });
    const allDone = (count: number) => page().waitForFunction((k) => {
      const all = window.__sweepsheet?.rows() ?? [];
      return all.length === k && all.every((r) => r.status.state === 'done' && r.id.startsWith('m'));
    }, count, { timeout: 180_000, polling: 100 });
    await allDone(n);
    // Per frame, the grid cells whose classes, inline style or content changed (what gets restyled, laid out, repainted);
    // and the cells whose text or class changed twice in one callback (records are delivered after each
    // animation-frame callback): a cell drawn with an older value and then with the newest in one frame.
    await page().evaluate(() => {
      const frames: number[] = [];
      const twice: string[] = [];
      let cells = new Set<Node>();
      const cellOf = (node: Node) => (node instanceof Element ? node : node.parentElement)?.closest('td');
      new MutationObserver((records) => {
        const changes = new Map<Node, number>();
        for (const r of records) {
          if (r.type === 'characterData' || (r.type === 'attributes' && r.attributeName === 'class')) changes.set(r.target, (changes.get(r.target) ?? 0) + 1);
          if (r.type === 'attributes' && r.attributeName !== 'class' && r.attributeName !== 'style') continue;
          const td = cellOf(r.target);
          if (td) cells.add(td);
        }
        for (const [node, n] of changes) {
          const td = cellOf(node);
          // The edited cell's classes change as the editor opens and closes.
          if (n > 1 && td && td.dataset.col !== 'noise') twice.push(`${td.dataset.rowId}/${td.dataset.col}/${node === td ? 'class' : 'text'}`);
        }
      }).observe(document.querySelector('.ht_master tbody')!, { subtree: true, childList: true, characterData: true, attributes: true });
      const tick = () => {
        frames.push(cells.size);
        cells = new Set();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      (window as unknown as { __cellsPerFrame: number[] }).__cellsPerFrame = frames;
      (window as unknown as { __drawnTwice: string[] }).__drawnTwice = twice;
    });
    const lrBefore = await page().locator('.ht_master td[data-row-id="m2"][data-col="lr"]').textContent();
    await typeIntoCell(page(), 'm1', 'noise', '0.2');
    await page().waitForFunction(() => window.__sweepsheet!.rows().some((r) => r.status.state !== 'done'), undefined, { timeout: 30_000, polling: 20 });
    await allDone(n);
    await page().waitForTimeout(500);
    const perFrame = await page().evaluate(() => (window as unknown as { __cellsPerFrame: number[] }).__cellsPerFrame);
    const total = perFrame.reduce((a, b) => a + b, 0);
    // Cells the budget left for the next frame are drawn once, with the pass's fresh values. Drawn before the
    // pass wrote them (the old order), hundreds of left cells were drawn twice here, but the second draw found
    // the same value in every run tried, which this cannot see: it guards the order, it did not catch the old one.
    await expect(page().evaluate(() => (window as unknown as { __drawnTwice: string[] }).__drawnTwice)).resolves.toEqual([]);
    // Every row on screen re-queued at once (status, learning rate, its results now stale): hundreds of cells,
    // which a frame redraws 40 at a time (PATCH_CELLS_PER_FRAME; the colour scales' repaint and the
    // chart cells add a few).
    // (A row whose re-run started and finished between two frames is drawn once, finished.)
    expect(total).toBeGreaterThan(200);
    expect(Math.max(...perFrame)).toBeLessThanOrEqual(70);
    // None lost: every row on screen shows its new learning rate and its new run.
    const shown = await page().evaluate(() => [...document.querySelectorAll<HTMLElement>('.ht_master td[data-col="lr"]')].map((td) => {
      const status = document.querySelector<HTMLElement>(`.ht_master td[data-row-id="${td.dataset.rowId}"][data-col="status"]`);
      return { lr: td.textContent, state: status?.dataset.state };
    }));
    expect(shown.length).toBeGreaterThan(10);
    expect(lrBefore).not.toBe(shown[0]!.lr);
    for (const x of shown) expect(x).toEqual({ lr: shown[0]!.lr, state: 'done' });
  });
});
