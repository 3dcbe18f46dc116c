/**
 * The comparison panel while rows train, in chromium (fixtures/e2e-compare.sheet.json: six fast
 * toy rows that really train). The scatter and the parallel coordinates are rebuilt in a task after
 * the frame in which runs finish, and not at all while scrolled out of sight: this checks that they
 * catch up with every finished run, and that a chart out of view is redrawn once it is back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, startApp, typeIntoCell } from '../helpers/browser.ts';

/** About 20 s on an idle 2-core machine; generous for one shared with other jobs. */
const TRAIN_TIMEOUT = 540_000;

let app: AppHarness;

beforeAll(async () => {
  // Tall enough for the whole panel; the second test shortens it to scroll the panel out of sight.
  app = await startApp({ width: 1400, height: 1400 });
});

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;
const parallel = () => page().getByTestId('parallel-canvas');

/** Non-transparent pixels of a canvas. */
async function drawnPixels(selector: string): Promise<number> {
  return page().$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
}

async function allFinished(): Promise<void> {
  await page().waitForFunction(() => {
    const rows = window.__sweepsheet?.rows() ?? [];
    return rows.length === 6 && rows.every((r) => (r.status.state === 'done' || r.status.state === 'diverged') && r.parsed.ok && r.resultKey === r.parsed.key);
  }, undefined, { timeout: TRAIN_TIMEOUT, polling: 200 });
}

describe('the comparison panel while rows train', () => {
  test('opened before any run finished, the scatter and parallel coordinates catch up with all six', async () => {
    await page().goto(`${app.url}?sheet=e2e-compare`, { timeout: 120_000 });
    await page().locator('.ht_master td[data-row-id="c-0.003"][data-col="lr"]').click();
    await page().getByTestId('compare-toggle').click();
    await parallel().waitFor({ state: 'attached' });
    await page().getByTestId('compare').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await allFinished();
    await expect.poll(() => parallel().getAttribute('data-runs'), { timeout: 10_000 }).toBe('6');
    await expect.poll(() => page().getByTestId('scatter-count').textContent()).toBe('6 finished runs');
    await expect.poll(() => page().locator('[data-testid="compare-curves"] .u-legend .u-series .u-label').allTextContents()).toEqual(['circle lr 0.003']);
    expect(await drawnPixels('[data-testid="parallel-canvas"]')).toBeGreaterThan(1000);
    expect(await drawnPixels('[data-testid="compare-scatter"] canvas')).toBeGreaterThan(200);
    expect(app.pageErrors.filter((e) => !e.startsWith('console.error: Failed to load resource'))).toEqual([]);
  }, TRAIN_TIMEOUT + 60_000);

  test('out of sight the parallel coordinates are not redrawn; back in view they show the retrained run', async () => {
    await page().setViewportSize({ width: 1400, height: 600 });
    await page().evaluate(() => window.scrollTo(0, 0));
    const below = await parallel().evaluate((el) => el.getBoundingClientRect().top - window.innerHeight);
    expect(below).toBeGreaterThan(300);
    // The observer reports the scroll asynchronously; let it settle before counting.
    await page().waitForTimeout(500);
    const drawsBefore = Number(await parallel().getAttribute('data-draws'));
    const axesBefore = await parallel().getAttribute('data-axes');

    // A new learning rate retrains one row: its run leaves the plot and comes back with a new result.
    await typeIntoCell(page(), 'c-0.03', 'lr', '0.05');
    await page().waitForFunction(() => window.__sweepsheet!.rows().find((r) => r.id === 'c-0.03')?.cells.lr === '0.05', undefined, { timeout: 60_000 });
    await allFinished();
    await expect.poll(() => page().getByTestId('scatter-count').textContent()).toBe('6 finished runs');
    expect(Number(await parallel().getAttribute('data-draws'))).toBe(drawsBefore);

    await parallel().scrollIntoViewIfNeeded();
    await expect.poll(async () => Number(await parallel().getAttribute('data-draws')), { timeout: 10_000 }).toBeGreaterThan(drawsBefore);
    await expect(parallel().getAttribute('data-runs')).resolves.toBe('6');
    expect(JSON.parse((await parallel().getAttribute('data-axes'))!).map((a: { key: string }) => a.key))
      .toEqual(JSON.parse(axesBefore!).map((a: { key: string }) => a.key));
    expect(await drawnPixels('[data-testid="parallel-canvas"]')).toBeGreaterThan(1000);
  }, TRAIN_TIMEOUT + 60_000);
});
