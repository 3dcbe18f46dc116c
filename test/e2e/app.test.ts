/**
 * The app in chromium, end to end: the example sheet trains in real workers, one edit retrains
 * one row only, a bad cell shows the engine's message, and sorting by a header orders the rows.
 * Steps run in order and share one page, as a person would use it.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, PROJECT_ROOT, startApp } from '../helpers/browser.ts';

const OUT = `${PROJECT_ROOT}/test-output`;
const FINISH_TIMEOUT = 240_000;
const SETTLED = new Set(['done', 'diverged']);
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

interface Snap { id: string; state: string; stale: boolean; lr: string; notes: string }

let app: AppHarness;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

/** The master table only: Handsontable's overlays clone headers, and we want each cell once. */
const cell = (id: string, col: string) => app.page.locator(`.ht_master td[data-row-id="${id}"][data-col="${col}"]`);

async function snapshot(): Promise<Snap[]> {
  return app.page.evaluate(() =>
    window.__sweepsheet!.rows().map((r) => ({
      id: r.id,
      state: r.status.state,
      stale: r.result !== null && (!r.parsed.ok || r.resultKey !== r.parsed.key),
      lr: r.cells.lr ?? '',
      notes: r.cells.notes ?? '',
    })),
  );
}

async function waitUntilSettled(timeout = FINISH_TIMEOUT): Promise<void> {
  await app.page.waitForFunction(
    () => {
      const rows = window.__sweepsheet?.rows() ?? [];
      return rows.length > 0 && rows.every((r) => r.status.state === 'done' || r.status.state === 'diverged');
    },
    undefined,
    { timeout, polling: 100 },
  );
  // The grid redraws once per frame: let it catch up with the engine.
  await app.page.waitForFunction(() => {
    const rows = window.__sweepsheet!.rows();
    return rows.every((r) => document.querySelector(`.ht_master td[data-row-id="${r.id}"][data-col="status"]`)?.getAttribute('data-state') === r.status.state);
  });
}

async function testAccTexts(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await snapshot()) out.set(r.id, (await cell(r.id, 'test_acc').textContent()) ?? '');
  return out;
}

/** Type into a cell through the grid's own editor: double-click, replace the text, Enter. */
async function typeInto(id: string, col: string, text: string): Promise<void> {
  await cell(id, col).dblclick();
  const editor = app.page.locator('textarea.handsontableInput');
  await editor.waitFor({ state: 'visible' });
  await app.page.keyboard.press('ControlOrMeta+A');
  await app.page.keyboard.type(text);
  await app.page.keyboard.press('Enter');
}

/**
 * Record in the page, every 10 ms, any row other than `target` that leaves done/diverged or
 * whose test accuracy changes, and every state `target` passes through.
 */
async function watchRows(target: string): Promise<void> {
  await app.page.evaluate((target) => {
    const w = window as unknown as { __watch: { violations: string[]; targetStates: string[]; stop: () => void } };
    const before = new Map(window.__sweepsheet!.rows().map((r) => [r.id, r.result?.testAcc]));
    const watch = { violations: [] as string[], targetStates: [] as string[], stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
      for (const r of window.__sweepsheet!.rows()) {
        if (r.id === target) {
          if (watch.targetStates.at(-1) !== r.status.state) watch.targetStates.push(r.status.state);
        } else if ((r.status.state !== 'done' && r.status.state !== 'diverged') || r.result?.testAcc !== before.get(r.id)) {
          watch.violations.push(`${r.id}: ${r.status.state} ${r.result?.testAcc}`);
        }
      }
    }, 10);
    w.__watch = watch;
  }, target);
}

async function stopWatching(): Promise<{ violations: string[]; targetStates: string[] }> {
  return app.page.evaluate(() => {
    const w = (window as unknown as { __watch: { violations: string[]; targetStates: string[]; stop: () => void } }).__watch;
    w.stop();
    return { violations: w.violations, targetStates: w.targetStates };
  });
}

describe('Sweepsheet in chromium', () => {
  let ids: string[] = [];
  let target = '';

  test('loads the example sheet: six rows appear', async () => {
    const started = Date.now();
    await app.page.goto(app.url);
    await app.page.locator('.ht_master td[data-col="status"]').first().waitFor();
    ids = (await snapshot()).map((r) => r.id);
    expect(ids).toHaveLength(6);
    for (const id of ids) await expect(cell(id, 'status').count()).resolves.toBe(1);
    await expect(app.page.locator('h1').textContent()).resolves.toMatch(/XOR/);
    await expect(app.page.getByTestId('workers').textContent()).resolves.toMatch(/^\d+ workers? /);
    await app.page.screenshot({ path: `${OUT}/app-loaded.png`, fullPage: true });

    await waitUntilSettled();
    const seconds = (Date.now() - started) / 1000;
    console.log(`[e2e] example sheet: all ${ids.length} rows finished ${seconds.toFixed(1)} s after page load`);
    await app.page.screenshot({ path: `${OUT}/app-finished.png`, fullPage: true });
    expect(app.pageErrors).toEqual([]);
  });

  test('every finished row shows its numbers', async () => {
    const rows = await snapshot();
    expect(rows.every((r) => SETTLED.has(r.state))).toBe(true);
    expect(rows.some((r) => r.state === 'done')).toBe(true);
    for (const r of rows.filter((x) => x.state === 'done')) {
      for (const col of ['train_loss', 'train_acc', 'test_loss', 'test_acc', 'time']) {
        expect(await cell(r.id, col).textContent(), `${r.id} ${col}`).toMatch(NUMBER);
      }
      expect(await cell(r.id, 'backend').textContent()).toMatch(/^(webgl|wasm|cpu)$/);
      await expect(cell(r.id, 'status').textContent()).resolves.toBe('done');
    }
    for (const r of rows.filter((x) => x.state === 'diverged')) {
      await expect(cell(r.id, 'status').textContent()).resolves.toMatch(/^diverged at epoch \d+ — /);
    }
  });

  test('editing one learning rate retrains that row only', async () => {
    const rows = await snapshot();
    target = rows.find((r) => r.id === 'xor-mlp' && r.state === 'done')?.id ?? rows.find((r) => r.state === 'done')!.id;
    const before = await testAccTexts();
    const newLr = rows.find((r) => r.id === target)!.lr === '0.01' ? '0.02' : '0.01';
    await watchRows(target);
    await typeInto(target, 'lr', newLr);
    await expect(cell(target, 'lr').textContent()).resolves.toBe(newLr);
    await app.page.waitForFunction((id) => {
      const s = window.__sweepsheet!.rows().find((r) => r.id === id)!.status.state;
      return s === 'queued' || s === 'running';
    }, target, { timeout: 10_000, polling: 10 });
    await waitUntilSettled();
    const watched = await stopWatching();
    expect(watched.violations).toEqual([]);
    expect(watched.targetStates.some((s) => s === 'queued' || s === 'running')).toBe(true);
    const after = await snapshot();
    expect(after.find((r) => r.id === target)).toMatchObject({ lr: newLr, stale: false });
    const accAfter = await testAccTexts();
    for (const id of ids) if (id !== target) expect(accAfter.get(id), id).toBe(before.get(id));
    expect(accAfter.get(target)).toMatch(NUMBER);
  });

  test('a bad learning rate shows the engine message and touches no other row', async () => {
    const goodLr = (await snapshot()).find((r) => r.id === target)!.lr;
    const before = await testAccTexts();
    await watchRows(target);
    await typeInto(target, 'lr', 'abc');
    const status = cell(target, 'status');
    await app.page.waitForFunction((id) => document.querySelector(`.ht_master td[data-row-id="${id}"][data-col="status"]`)?.getAttribute('data-state') === 'invalid', target);
    await expect(status.textContent()).resolves.toMatch(/^invalid — lr: "abc" is not a number \(expected /);
    await expect(cell(target, 'lr').getAttribute('class')).resolves.toMatch(/\bss-invalid\b/);
    await expect(cell(target, 'lr').getAttribute('title')).resolves.toMatch(/^lr: /);
    // The old numbers stay, marked stale, until a valid setting replaces them.
    await expect(cell(target, 'test_acc').getAttribute('class')).resolves.toMatch(/\bss-stale\b/);
    await app.page.screenshot({ path: `${OUT}/app-invalid.png`, fullPage: true });

    await typeInto(target, 'lr', goodLr);
    await waitUntilSettled();
    const watched = await stopWatching();
    expect(watched.violations).toEqual([]);
    expect(watched.targetStates).toContain('invalid');
    const accAfter = await testAccTexts();
    for (const id of ids) if (id !== target) expect(accAfter.get(id), id).toBe(before.get(id));
    await expect(cell(target, 'lr').getAttribute('class')).resolves.not.toMatch(/\bss-invalid\b/);
  });

  test('clicking the test acc header sorts the rows, and edits still reach the right row', async () => {
    const header = app.page.locator('.ht_clone_top th[data-col="test_acc"] .colHeader');
    const visibleAcc = async () =>
      app.page.$$eval('.ht_master tbody tr', (trs) =>
        trs.map((tr) => {
          const ids = new Set([...tr.querySelectorAll('td[data-row-id]')].map((td) => td.getAttribute('data-row-id')));
          return { ids: [...ids], acc: tr.querySelector('td[data-col="test_acc"]')?.textContent ?? '' };
        }),
      );
    const check = async (order: 'asc' | 'desc') => {
      const shown = await visibleAcc();
      expect(shown).toHaveLength(ids.length);
      // Every cell of a grid row belongs to the same engine row.
      for (const r of shown) expect(r.ids).toHaveLength(1);
      const values = shown.map((r) => (r.acc === '' ? null : Number(r.acc)));
      const present = values.filter((v): v is number => v !== null && !Number.isNaN(v));
      const expected = [...present].sort((a, b) => (order === 'asc' ? a - b : b - a));
      expect(present).toEqual(expected);
      // Rows without a value come last in both directions.
      expect(values.slice(present.length).every((v) => v === null || Number.isNaN(v))).toBe(true);
      return shown;
    };
    await header.click();
    await check('asc');
    await header.click();
    const shown = await check('desc');
    await app.page.screenshot({ path: `${OUT}/app-sorted.png`, fullPage: true });

    // A notes edit on the top visual row lands on that row's id and retrains nothing.
    const top = shown[0]!.ids[0]!;
    const acc = await testAccTexts();
    await typeInto(top, 'notes', 'best so far');
    await app.page.waitForFunction((id) => window.__sweepsheet!.rows().find((r) => r.id === id)!.cells.notes === 'best so far', top);
    const rows = await snapshot();
    expect(rows.filter((r) => r.notes === 'best so far').map((r) => r.id)).toEqual([top]);
    expect(rows.every((r) => SETTLED.has(r.state))).toBe(true);
    expect(await testAccTexts()).toEqual(acc);
    expect(app.pageErrors).toEqual([]);
  });

  test('pasted HTML lands as text: no markup, no script', async () => {
    const id = ids[0]!;
    await cell(id, 'notes').click();
    const payload = '<table><tr><td><b>bold</b><img src="x" onerror="window.__pwned = 1">pasted</td></tr></table>';
    await app.page.evaluate((html) => {
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', 'plain fallback');
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, payload);
    await app.page.waitForFunction((id) => window.__sweepsheet!.rows().find((r) => r.id === id)!.cells.notes === 'boldpasted', id);
    await expect(cell(id, 'notes').textContent()).resolves.toBe('boldpasted');
    await expect(app.page.locator('.ss-grid img, .ss-grid b').count()).resolves.toBe(0);
    await expect(app.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    // A notes cell never retrains.
    expect((await snapshot()).every((r) => SETTLED.has(r.state))).toBe(true);
  });

  test('an unknown ?sheet= name shows a message instead of a grid', async () => {
    const page = await app.context.newPage();
    try {
      await page.goto(`${app.url}?sheet=no-such-sheet`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toMatch(/no sheet "no-such-sheet".*lesson-xor-lr/);
      await expect(page.locator('.ss-grid').count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });
});
