/**
 * How the grid follows the engine, in chromium: an edit or a finished run redraws the cells of
 * the rows that changed and leaves every other cell alone (Handsontable's full render clears the
 * class of every cell on screen, so a marker class on the other rows' cells survives only if they
 * were not redrawn), and the column groups follow the rows' settings as they are typed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, gridCaughtUp, gridDrawn, startApp, typeIntoCell } from '../helpers/browser.ts';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ width: 2400, height: 900 });
  await app.page.goto(`${app.url}?sheet=e2e-sweeps`);
  await settled();
});

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;
const cell = (id: string, col: string) => page().locator(`.ht_master td[data-row-id="${id}"][data-col="${col}"]`);

async function settled(): Promise<void> {
  await page().waitForFunction(() => {
    const all = window.__sweepsheet?.rows() ?? [];
    return all.length === 3 && all.every((r) => r.status.state === 'done');
  }, undefined, { timeout: 90_000, polling: 100 });
  await gridCaughtUp(page());
}

const typeInto = (id: string, col: string, text: string) => typeIntoCell(page(), id, col, text);

/** Put a marker class on every cell of these rows; returns how many cells got it. */
function mark(ids: readonly string[]): Promise<number> {
  return page().evaluate((rowIds) => {
    let n = 0;
    for (const id of rowIds) {
      for (const td of document.querySelectorAll(`.ht_master td[data-row-id="${id}"]`)) { td.classList.add('probe-kept'); n++; }
    }
    return n;
  }, ids);
}

function marked(id: string): Promise<number> {
  return page().evaluate((rowId) => document.querySelectorAll(`.ht_master td[data-row-id="${rowId}"].probe-kept`).length, id);
}

describe('the grid redraws what changed', () => {
  test('an edit redraws its own row, with the new value and state, and leaves the other rows untouched', async () => {
    await page().getByTestId('auto-run').uncheck();
    const others = await mark(['toy-b', 'toy-c']);
    expect(others).toBeGreaterThan(20);
    await mark(['toy-a']);
    await typeInto('toy-a', 'seed', '7');
    await page().waitForFunction(() => document.querySelector('.ht_master td[data-row-id="toy-a"][data-col="status"]')?.getAttribute('data-state') === 'stale');
    // Status cells are drawn first; the row's other cells may come a frame later.
    await gridDrawn(page());
    await expect(cell('toy-a', 'seed').textContent()).resolves.toBe('7');
    await expect(cell('toy-a', 'test_acc').getAttribute('class')).resolves.toMatch(/\bss-stale\b/);
    await expect(marked('toy-b')).resolves.toBe(others / 2);
    await expect(marked('toy-c')).resolves.toBe(others / 2);
  });

  test('a run finishing redraws its row; the other rows keep their cells, only metric colours are repainted', async () => {
    const others = await mark(['toy-b', 'toy-c']);
    await page().getByTestId('run-stale').click();
    await settled();
    await expect(cell('toy-a', 'test_acc').getAttribute('class')).resolves.not.toMatch(/\bss-stale\b/);
    // The metric columns are repainted for a new colour scale; every other cell of the other rows stays.
    const kept = await page().evaluate(() => [...document.querySelectorAll<HTMLElement>('.ht_master td[data-row-id="toy-b"]:not(.probe-kept)')].map((td) => td.dataset.col));
    const metrics = new Set(['train_loss', 'test_loss', 'train_acc', 'test_acc', 'val_loss', 'val_acc', 'test_mae', 'seconds']);
    expect(kept.every((c) => metrics.has(c ?? ''))).toBe(true);
    await expect(marked('toy-c')).resolves.toBeGreaterThan(others / 2 - metrics.size);
    // The repainted metric cells carry the new scale (a frame after the pass): a colour and the rank among the finished runs,
    // which the pointer over the cell shows as its tooltip.
    await page().waitForFunction(() => document.querySelector<HTMLElement>('.ht_master td[data-row-id="toy-b"][data-col="test_acc"]')?.dataset.of === '3', undefined, { timeout: 5_000 });
    await expect(cell('toy-b', 'test_acc').getAttribute('data-quality')).resolves.toMatch(/^[01]\.\d{3}$/);
    await cell('toy-b', 'test_acc').hover();
    await expect(cell('toy-b', 'test_acc').getAttribute('title')).resolves.toMatch(/ of 3 finished runs/);
  });

  test('typing a validation split shows the validation columns, and taking it back hides them', async () => {
    const valHeader = page().locator('.ht_clone_top th[data-col="val_acc"]');
    await expect(valHeader.count()).resolves.toBe(0);
    // The split is a callback setting, hidden while every row has the default: show that group.
    await page().getByTestId('columns-button').click();
    await page().locator('[data-testid="columns-popup"] [data-group="callbacks"] input').check();
    await page().getByTestId('columns-button').click();
    await cell('toy-b', 'val_split').waitFor({ state: 'attached', timeout: 10_000 });
    await typeInto('toy-b', 'val_split', '0.2');
    await valHeader.first().waitFor({ state: 'attached', timeout: 10_000 });
    await typeInto('toy-b', 'val_split', '0');
    await page().waitForFunction(() => document.querySelector('.ht_clone_top th[data-col="val_acc"]') === null, undefined, { timeout: 10_000 });
    await page().getByTestId('auto-run').check();
  });

  test('Ctrl+Z after the edited row was re-sorted undoes that row, not the one now in its place', async () => {
    // Handsontable's undo history records an edit by its visual row. Sorted by params, an edit of the
    // layers moves its row at once (its parameter count changes), and Ctrl+Z wrote the old text into
    // the row that took its place: toy-a kept dense(64, relu) and the teacher's undo went elsewhere.
    const order = () => page().$$eval('.ht_master tbody td[data-col="layers"]', (tds) => tds.map((td) => (td as HTMLElement).dataset.rowId));
    const layers = () => page().evaluate(() => Object.fromEntries(window.__sweepsheet!.rows().map((r) => [r.id, r.cells.layers])));
    await page().locator('.ht_clone_top th[data-col="params"] .colHeader').click();
    await expect.poll(order).toEqual(['toy-a', 'toy-b', 'toy-c']);
    // Different layers in the other rows, so a misdirected undo shows.
    await typeInto('toy-b', 'layers', 'dense(5, relu)');
    await settled();
    await typeInto('toy-c', 'layers', 'dense(6, relu)');
    await settled();
    await expect.poll(order).toEqual(['toy-a', 'toy-b', 'toy-c']);
    await typeInto('toy-a', 'layers', 'dense(64, relu)');
    await expect.poll(order).toEqual(['toy-b', 'toy-c', 'toy-a']);
    await page().keyboard.press('ControlOrMeta+Z');
    await expect.poll(layers).toEqual({ 'toy-a': 'dense(4, relu)', 'toy-b': 'dense(5, relu)', 'toy-c': 'dense(6, relu)' });
    await expect.poll(order).toEqual(['toy-a', 'toy-b', 'toy-c']);
    // Redo follows the row as well; then the two earlier edits are undone on their own rows.
    await page().keyboard.press('ControlOrMeta+Y');
    await expect.poll(layers).toEqual({ 'toy-a': 'dense(64, relu)', 'toy-b': 'dense(5, relu)', 'toy-c': 'dense(6, relu)' });
    await expect.poll(order).toEqual(['toy-b', 'toy-c', 'toy-a']);
    await page().keyboard.press('ControlOrMeta+Z');
    await page().keyboard.press('ControlOrMeta+Z');
    await page().keyboard.press('ControlOrMeta+Z');
    await expect.poll(layers).toEqual({ 'toy-a': 'dense(4, relu)', 'toy-b': 'dense(4, relu)', 'toy-c': 'dense(4, relu)' });
    expect(app.pageErrors).toEqual([]);
  });
});
