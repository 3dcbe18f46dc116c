/**
 * What the grid draws frame by frame while a row trains, in chromium: the status cell's progress
 * bar is the cell's own background (one custom property, no elements of its own), the status,
 * chart and result cells are not clipped (a clipped cell's paint makes chromium re-layerize the
 * page when it changes size), and a finished run's cells all show its results within a couple
 * of frames of the engine reporting it (the numbers first, the charts within three frames more).
 * A running status fits its column (never ss-clip), and each result and chart cell is a stacking
 * context of its own: a clip appearing, or a result or chart appearing in the row's shared paint,
 * makes chromium re-layerize the whole page.
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
    // Each frame, read toy-a's cells against the engine's row.
    await page().evaluate(() => {
      const log = { progress: [] as FrameLog['progress'], doneAt: -1, shownAt: -1, frame: 0 };
      (window as unknown as { __frames: FrameLog }).__frames = log;
      const td = (col: string) => document.querySelector<HTMLElement>(`.ht_master td[data-row-id="toy-a"][data-col="${col}"]`);
      const tick = () => {
        log.frame++;
        const row = window.__sweepsheet!.rows().find((r) => r.id === 'toy-a')!;
        const status = td('status');
        if (row.status.state === 'running' && status) {
          log.progress.push({
            value: status.style.getPropertyValue('--ss-progress'), elements: status.querySelectorAll('*').length, hasClass: status.classList.contains('ss-has-progress'),
            clipped: status.classList.contains('ss-clip'), fits: status.scrollWidth <= status.clientWidth, text: status.textContent ?? '',
          });
        }
        if (row.status.state === 'done' && log.progress.length > 0) {
          if (log.doneAt < 0) log.doneAt = log.frame;
          const acc = td('test_acc')?.textContent ?? '';
          const shown = status?.dataset.state === 'done' && acc === row.result!.testAcc.toFixed(4)
            && td('train_loss')?.textContent !== ''
            // The sparkline (drawn a few frames after the numbers at most) has every epoch of the run.
            && (td('curve')?.querySelector('svg path[data-line="loss"]')?.getAttribute('d')?.match(/[ML]/g)?.length ?? 0) === row.result!.epochsRun;
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
    expect(log.shownAt - log.doneAt).toBeLessThanOrEqual(4);
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
});
