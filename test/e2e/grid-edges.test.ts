/**
 * The grid at the edges of the window, in chromium with classic scrollbars (Playwright hides them
 * by default; people on Windows and Linux see them): a cell half under the frozen name column, and
 * the header help opened near the right edge. The page is narrower than the grid, so the window
 * scrolls it horizontally, as on a laptop. Steps share one page.
 */
import { type Browser, type Page, chromium } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PROJECT_ROOT, startDevServer, twoFrames } from '../helpers/browser.ts';

const OUT = `${PROJECT_ROOT}/test-results`;

/** Three 5-epoch XOR rows. */
const SHEET = '?sheet=e2e-sweeps';
const POLL = { timeout: 30_000 };

let server: ViteDevServer;
let browser: Browser;
let page: Page;
let url: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  ({ server, url } = await startDevServer());
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--hide-scrollbars'] });
  page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

const masterCell = (id: string, col: string) => page.locator(`.ht_master td[data-row-id="${id}"][data-col="${col}"]`);
/** The right edge of the frozen name column, where the scrolled cells disappear under it. */
const frozenRight = () => page.evaluate(() => document.querySelector('.ht_clone_inline_start td[data-col="name"]')!.getBoundingClientRect().right);
const scrollX = () => page.evaluate(() => window.scrollX);
/** The cell the grid has selected (the editor opens on it). */
const current = () => page.evaluate(() => {
  const td = document.querySelector<HTMLElement>('.ht_master td.current');
  return td ? `${td.dataset.rowId}/${td.dataset.col}` : null;
});

describe('the grid at the window\'s edges', () => {
  test('opens the sheet', async () => {
    page.setDefaultTimeout(120_000);
    await page.goto(`${url}${SHEET}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.ht_clone_top th[data-col="lr"]').waitFor({ timeout: 240_000 });
    await page.waitForFunction(() => {
      const rows = window.__sweepsheet?.rows() ?? [];
      return rows.length === 3 && rows.every((r) => r.status.state === 'done');
    }, undefined, { timeout: 120_000, polling: 100 });
    // The page is narrower than the grid: the window scrolls it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(true);
  });

  test('a double-click on a cell half under the frozen name column edits that cell', async () => {
    // Scroll so that toy-b's lr is 60 % under the name column. The frozen column's edge moves once
    // the page scrolls (the page's margin goes out of view) and the column is pinned again only
    // after the scroll event, some frames later: measure after two frames, and scroll again until
    // the cell sits where it should.
    const frames = () => twoFrames(page);
    const halfUnder = async () => {
      await frames();
      const lr = (await masterCell('toy-b', 'lr').boundingBox())!;
      const edge = await frozenRight();
      // What was measured, so that a timeout says where the cell was.
      const at = { halfUnder: lr.x < edge - lr.width * 0.5 && lr.x + lr.width > edge + 20, x: lr.x, width: lr.width, edge };
      if (!at.halfUnder) await page.evaluate((dx) => window.scrollBy(dx, 0), lr.x - edge + lr.width * 0.6);
      return at;
    };
    await expect.poll(halfUnder, POLL).toMatchObject({ halfUnder: true });
    const box = (await masterCell('toy-b', 'lr').boundingBox())!;
    const edge = await frozenRight();
    expect(box.x).toBeLessThan(edge - box.width * 0.5);
    expect(box.x + box.width).toBeGreaterThan(edge + 20);
    const x = (edge + box.x + box.width) / 2;
    const y = box.y + box.height / 2;
    // A click on its visible part selects it and leaves the grid where it is (Handsontable scrolled
    // it whole into view between the two clicks of a double-click).
    const before = await scrollX();
    await page.mouse.click(x, y);
    expect(await current()).toBe('toy-b/lr');
    expect(await scrollX()).toBe(before);
    // The double-click opens the editor on it, with its text, and scrolls it whole into view.
    await page.mouse.click(x, y, { clickCount: 2 });
    const textarea = page.locator('.handsontableInputHolder:not(.ht_editor_hidden) textarea.handsontableInput');
    await textarea.waitFor({ state: 'visible' });
    expect(await current()).toBe('toy-b/lr');
    expect(await textarea.inputValue()).toBe(await page.evaluate(() => window.__sweepsheet!.rows().find((r) => r.id === 'toy-b')!.cells.lr));
    await expect.poll(async () => (await masterCell('toy-b', 'lr').boundingBox())!.x, POLL).toBeGreaterThanOrEqual(edge - 1);
    await page.keyboard.press('Escape');
    // A cell wholly out of view is still scrolled in by a click (here: by the keyboard, from lr).
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await current()).toBe('toy-b/layers');
    await expect.poll(async () => (await masterCell('toy-b', 'layers').boundingBox())!.x, POLL).toBeGreaterThanOrEqual(edge - 1);
    expect(pageErrors).toEqual([]);
  });

  test('the header help opened at the right edge stays whole inside the window, off the scrollbar', async () => {
    await page.keyboard.press('Escape');
    // The page is taller than the window: a classic vertical scrollbar takes the window's right edge.
    const view = () => page.evaluate(() => ({ inner: window.innerWidth, client: document.documentElement.clientWidth, height: document.documentElement.clientHeight }));
    const v = await view();
    expect(v.client).toBeLessThan(v.inner);
    // The last column's "?" at the right edge of the window.
    await page.evaluate(() => window.scrollTo(document.documentElement.scrollWidth, 0));
    const button = page.locator('.ht_clone_top th[data-col="backend"] .ss-help-button');
    await expect.poll(async () => (await button.boundingBox())!.x, POLL).toBeGreaterThan(v.client - 60);
    await button.click();
    const help = page.getByTestId('header-help');
    await expect.poll(() => help.getAttribute('data-col'), POLL).toBe('backend');
    const inside = async () => {
      const b = (await help.boundingBox())!;
      return b.x >= 0 && b.x + b.width <= v.client && b.y >= 0 && b.y + b.height <= v.height;
    };
    await expect.poll(inside, POLL).toBe(true);
    await page.screenshot({ path: `${OUT}/grid-edges-help-right.png` });
    // The window narrows while it is open: the toolbar wraps and the header moves down. The popover
    // is placed again from where its "?" is now: whole inside, below the "?", not over the header.
    const headerBefore = (await button.boundingBox())!;
    await page.setViewportSize({ width: 700, height: 600 });
    const narrow = await view();
    await expect.poll(async () => (await button.boundingBox())?.y ?? 0, POLL).toBeGreaterThan(headerBefore.y + 20);
    await expect.poll(async () => {
      const b = (await help.boundingBox())!;
      const q = (await button.boundingBox())!;
      return { inside: b.x >= 0 && b.x + b.width <= narrow.client, below: b.y >= q.y + q.height };
    }, POLL).toEqual({ inside: true, below: true });
    await page.setViewportSize({ width: 1000, height: 600 });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // A "?" near the bottom of the window: the popover opens above it rather than below the fold.
    await page.setViewportSize({ width: 1000, height: 260 });
    // At the top of the page, the header row is near the bottom of a 260 px window.
    await page.evaluate(() => window.scrollTo(0, 0));
    const lr = page.locator('.ht_clone_top th[data-col="lr"] .ss-help-button');
    await expect.poll(async () => (await lr.boundingBox())?.y ?? 0, POLL).toBeGreaterThan(130);
    await lr.click();
    await expect.poll(() => help.getAttribute('data-col'), POLL).toBe('lr');
    const small = await view();
    await expect.poll(async () => {
      const b = (await help.boundingBox())!;
      return b.y >= 0 && b.y + b.height <= small.height && b.x + b.width <= small.client;
    }, POLL).toBe(true);
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1000, height: 600 });
    expect(pageErrors).toEqual([]);
  });
});
