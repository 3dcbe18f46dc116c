/**
 * The app in chromium, end to end: the example sheet trains in real workers, one edit retrains
 * one row only, a bad cell shows the engine's message, sorting by a header orders the rows, and
 * selecting a cell shows its row's details. Steps run in order and share one page, as a person
 * would use it. A second page opens the Iris sheet, whose data comes from a prepared file.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, PROJECT_ROOT, gridCaughtUp, gridDrawn, startApp } from '../helpers/browser.ts';

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
  // The grid redraws at later frames: let it catch up with the engine.
  await gridCaughtUp(app.page);
}

async function testAccTexts(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await snapshot()) out.set(r.id, (await cell(r.id, 'test_acc').textContent()) ?? '');
  return out;
}

/** Type into a cell through the grid's own editor: double-click, replace the text, Enter. */
async function typeInto(id: string, col: string, text: string): Promise<void> {
  await cell(id, col).dblclick();
  // Each editor kind (text, dropdown) keeps its own textarea: type into the open one.
  const editor = app.page.locator('.handsontableInputHolder:not(.ht_editor_hidden) textarea.handsontableInput');
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
    // At every change of the engine, not on a timer: a toy row queues, trains and ends within a
    // few ms on a fast machine, between two polls of a 10 ms timer.
    const look = () => {
      for (const r of window.__sweepsheet!.rows()) {
        if (r.id === target) {
          if (watch.targetStates.at(-1) !== r.status.state) watch.targetStates.push(r.status.state);
        } else if ((r.status.state !== 'done' && r.status.state !== 'diverged') || r.result?.testAcc !== before.get(r.id)) {
          watch.violations.push(`${r.id}: ${r.status.state} ${r.result?.testAcc}`);
        }
      }
    };
    const watch = { violations: [] as string[], targetStates: [] as string[], stop: window.__sweepsheet!.subscribe(look) };
    look();
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

/**
 * Scroll the detail panel's history table until line `epoch` is in the DOM (the table keeps only
 * the lines near its view), and return the epochs of the lines it then holds, in order.
 */
async function historyShowing(epoch: number): Promise<number[]> {
  await app.page.evaluate((e) => {
    const scroller = document.querySelector('[data-testid="detail-history"]')!.parentElement!;
    const line = document.querySelector<HTMLElement>('[data-testid="detail-epoch"]')!;
    scroller.scrollTop = (e - 1) * line.offsetHeight;
  }, epoch);
  await app.page.waitForFunction((e) => document.querySelector(`[data-testid="detail-epoch"][data-epoch="${e}"]`) !== null, epoch);
  return app.page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-testid="detail-epoch"]')].map((tr) => Number(tr.dataset.epoch)));
}

/** Consecutive epochs, as the history table's window must hold. */
const consecutive = (epochs: number[]) => epochs.every((e, i) => i === 0 || e === epochs[i - 1]! + 1);

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
    // One worker fewer than the machine has threads (the page keeps one), at least one.
    const threads = await app.page.evaluate(() => navigator.hardwareConcurrency || 2);
    await expect(app.page.getByTestId('workers-count').inputValue()).resolves.toBe(String(Math.max(1, threads - 1)));
    await expect(app.page.getByTestId('workers').textContent()).resolves.toMatch(/ workers? training in the background$/);
    await expect(app.page.getByTestId('row-detail').textContent()).resolves.toMatch(/^Select a cell/);
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
    // The edited row's cells are redrawn at the next frame (the grid holds the edit's render).
    await expect.poll(() => cell(target, 'lr').textContent()).toBe(newLr);
    // The page's own watch, not a poll from here: a small row may train and finish before a round
    // trip from the test sees it queued or running.
    await app.page.waitForFunction(() => {
      const w = window as unknown as { __watch: { targetStates: string[] } };
      return w.__watch.targetStates.some((s) => s === 'queued' || s === 'running');
    }, undefined, { timeout: 10_000, polling: 10 });
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
    await gridDrawn(app.page);
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

  test('every header label reads whole, and the status column fits a running row', async () => {
    const cut = await app.page.$$eval('.ht_clone_top thead th[data-col]', (ths) =>
      ths.flatMap((th) => {
        const label = th.querySelector<HTMLElement>('.colHeader');
        if (!label) return [`${th.dataset.col}: no label`];
        const text = document.createRange();
        text.selectNodeContents(label);
        // Room for the label, its padding and the 16 px arrow that appears beside it once sorted.
        const needed = text.getBoundingClientRect().width + 6 + 16;
        return label.scrollWidth > label.clientWidth || needed > th.clientWidth
          ? [`${th.dataset.col}: "${label.textContent}" needs ${Math.ceil(needed)} px, has ${th.clientWidth}`]
          : [];
      }),
    );
    expect(cut).toEqual([]);
    const fits = await app.page.$eval('.ht_master td[data-col="status"]', (td) => {
      const probe = document.createElement('span');
      probe.className = 'ss-status-text';
      probe.textContent = 'running 100% (epoch 500/500)';
      td.append(probe);
      // The text's width: the status text's box is as wide as its cell.
      const range = document.createRange();
      range.selectNodeContents(probe);
      const width = range.getBoundingClientRect().width;
      probe.remove();
      return { width, room: td.clientWidth - 8 };
    });
    expect(fits.width).toBeLessThanOrEqual(fits.room);
  });

  test('clicking a cell of a finished row shows its model, run and every epoch', async () => {
    const detail = app.page.getByTestId('row-detail');
    // The grid is still sorted by test acc from the step before: the click must find the row by id.
    await cell('spiral-deep', 'noise').click();
    await app.page.waitForFunction(() => document.querySelector('[data-testid="row-detail"]')?.getAttribute('data-row-id') === 'spiral-deep');
    const result = await app.page.evaluate(() => {
      const r = window.__sweepsheet!.rows().find((x) => x.id === 'spiral-deep')!;
      return { state: r.status.state, epochsRun: r.result!.epochsRun, bestEpoch: r.result!.bestEpoch };
    });
    expect(SETTLED.has(result.state)).toBe(true);
    await expect(detail.getByTestId('detail-name').textContent()).resolves.toBe('spiral, three hidden layers');
    await expect(detail.getByTestId('detail-status').textContent()).resolves.toBe(await cell('spiral-deep', 'status').textContent());
    const layers = await detail.getByTestId('detail-layer').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(layers.map((l) => l[0])).toEqual(['1', '2', '3', '4']);
    expect(layers.map((l) => l[1])).toEqual(['dense', 'dense', 'dense', expect.stringMatching(/^dense \(output: softmax, 2 classes\)$/)]);
    expect(layers.map((l) => l[2])).toEqual(['16', '16', '16', '2']);
    expect(layers.map((l) => l[3])).toEqual(['48', '272', '272', '34']);
    await expect(detail.getByTestId('detail-total').textContent()).resolves.toBe('626');
    await expect(detail.getByTestId('detail-history').getAttribute('data-live')).resolves.toBe('no');
    await expect(detail.getByTestId('detail-history').getAttribute('data-epochs')).resolves.toBe(String(result.epochsRun));
    // The last line and the best one can be scrolled to; the lines in the DOM are always a consecutive run.
    const atEnd = await historyShowing(result.epochsRun);
    expect(consecutive(atEnd) && atEnd.at(-1)).toBe(result.epochsRun);
    expect(consecutive(await historyShowing(result.bestEpoch))).toBe(true);
    await expect(detail.locator('[data-testid="detail-epoch"].ss-best td').first().textContent()).resolves.toBe(String(result.bestEpoch));
    expect((await historyShowing(1))[0]).toBe(1);
    // The first epoch has a loss and an accuracy; without a validation split those cells are blank.
    const first = await detail.getByTestId('detail-epoch').first().evaluate((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(first[0]).toBe('1');
    expect(first[1]).toMatch(NUMBER);
    expect(first[2]).toMatch(NUMBER);
    expect(first.slice(3, 5)).toEqual(['', '']);
    expect(first[5]).toBe('0.01');
    await expect(detail.locator('[data-field="backend"]').textContent()).resolves.toMatch(/^(webgl|wasm|cpu) — \S/);
    await expect(detail.locator('[data-field="epochs_run"]').textContent()).resolves.toBe(String(result.epochsRun));
    await app.page.screenshot({ path: `${OUT}/app-detail.png`, fullPage: true });

    // Another row replaces it; a diverged row tells why.
    await cell('circle-lr-3', 'layers').click();
    await app.page.waitForFunction(() => document.querySelector('[data-testid="row-detail"]')?.getAttribute('data-row-id') === 'circle-lr-3');
    const state = (await snapshot()).find((r) => r.id === 'circle-lr-3')!.state;
    if (state === 'diverged') await expect(detail.getByTestId('detail-status').textContent()).resolves.toMatch(/^diverged at epoch \d+ — .*learning rate/);
    await expect(detail.getByTestId('detail-total').textContent()).resolves.toBe('114');
  });

  test('a running row shows its losses so far, then its whole history', async () => {
    const detail = app.page.getByTestId('row-detail');
    // The fused dense trainer runs this row's 80 epochs of batch 16 in well under a second, and
    // even 300 epochs of one sample per step in 0.64 s on a fast machine: wider layers, one sample
    // per step and 300 epochs keep it training for seconds, long enough to look at it live.
    const layers = (await app.page.evaluate(() => window.__sweepsheet!.rows().find((r) => r.id === 'spiral-deep')!.cells.layers)) ?? '';
    await typeInto('spiral-deep', 'layers', 'dense(64, relu) dense(64, relu) dense(64, relu)');
    await typeInto('spiral-deep', 'batch_size', '1');
    await typeInto('spiral-deep', 'epochs', '300');
    // Enter moved the selection down a row: select the spiral again while it trains.
    await cell('spiral-deep', 'noise').click();
    await app.page.waitForFunction(() => {
      const table = document.querySelector('[data-testid="detail-history"]');
      return table?.getAttribute('data-live') === 'yes' && table.querySelectorAll('[data-testid="detail-epoch"]').length >= 2;
    }, undefined, { timeout: 60_000, polling: 20 });
    await expect(detail.getByTestId('detail-status').textContent()).resolves.toMatch(/^running \d+% \(epoch \d+\/300\)$/);
    await expect(detail.getByTestId('detail-history-title').textContent()).resolves.toMatch(/^Live: \d+ epochs so far/);
    const live = await detail.getByTestId('detail-epoch').first().evaluate((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(live[0]).toBe('1');
    expect(live[1]).toMatch(NUMBER);
    await waitUntilSettled();
    const epochsRun = await app.page.evaluate(() => window.__sweepsheet!.rows().find((x) => x.id === 'spiral-deep')!.result!.epochsRun);
    await app.page.waitForFunction(() => document.querySelector('[data-testid="detail-history"]')?.getAttribute('data-live') === 'no');
    await expect(detail.getByTestId('detail-history').getAttribute('data-epochs')).resolves.toBe(String(epochsRun));
    expect((await historyShowing(epochsRun)).at(-1)).toBe(epochsRun);
    await typeInto('spiral-deep', 'layers', layers);
    await waitUntilSettled();
  });

  test('the workers menu: two workers train two rows at once, and the choice is kept', async () => {
    await app.page.getByTestId('workers-count').selectOption('2');
    await expect(app.page.getByTestId('workers').textContent()).resolves.toMatch(/ workers training in the background$/);
    // Two long rows (one sample per step), started together by Run stale: with two workers both
    // train at the same time. Counted at every engine change: on a fast machine a row of 300
    // epochs of XOR trains in well under a second, and typed one after the other in auto mode the
    // first could end before the second was typed.
    await app.page.getByTestId('auto-run').uncheck();
    await typeInto('xor-mlp', 'batch_size', '1');
    await typeInto('xor-mlp', 'epochs', '300');
    await typeInto('spiral-deep', 'epochs', '301');
    await app.page.evaluate(() => {
      const w = window as unknown as { __mostRunning: number; __stopCounting: () => void };
      w.__mostRunning = 0;
      w.__stopCounting = window.__sweepsheet!.subscribe(() => {
        // Training, not only handed to the pool: a row counts once its worker has reported progress.
        w.__mostRunning = Math.max(w.__mostRunning, window.__sweepsheet!.rows().filter((r) => r.status.state === 'running' && r.status.fraction > 0).length);
      });
    });
    await app.page.getByTestId('run-stale').click();
    await app.page.waitForFunction(() => (window as unknown as { __mostRunning: number }).__mostRunning === 2, undefined, { timeout: 60_000, polling: 20 });
    await app.page.evaluate(() => (window as unknown as { __stopCounting: () => void }).__stopCounting());
    await app.page.getByTestId('auto-run').check();
    await expect(app.page.evaluate(() => localStorage.getItem('sweepsheet.workers'))).resolves.toBe('2');
    // The course's values again: their results come back from the cache.
    await typeInto('xor-mlp', 'batch_size', '16');
    await typeInto('xor-mlp', 'epochs', '40');
    await typeInto('spiral-deep', 'epochs', '300');
    await waitUntilSettled();
    // Back to one: the page trains on, one row at a time.
    await app.page.getByTestId('workers-count').selectOption('1');
    await expect(app.page.getByTestId('workers').textContent()).resolves.toMatch(/ worker training in the background$/);
    await expect(app.page.evaluate(() => localStorage.getItem('sweepsheet.workers'))).resolves.toBe('1');
    expect(app.pageErrors).toEqual([]);
  });

  test('selecting an invalid row shows its cell errors', async () => {
    const id = 'circle-lr-0.03';
    const detail = app.page.getByTestId('row-detail');
    await typeInto(id, 'lr', 'abc');
    await typeInto(id, 'batch_size', '0');
    await cell(id, 'optimizer').click();
    await app.page.waitForFunction((id) => {
      const panel = document.querySelector('[data-testid="row-detail"]');
      return panel?.getAttribute('data-row-id') === id && panel.querySelectorAll('[data-testid="detail-error"]').length === 2;
    }, id);
    const errors = await detail.getByTestId('detail-error').evaluateAll((trs) =>
      trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field, td.textContent]))));
    expect(errors).toEqual([
      { column: 'lr', message: '"abc" is not a number', expected: expect.stringMatching(/^a number above 0/) },
      { column: 'batch_size', message: '0 is out of range', expected: 'a whole number from 1 to 4096' },
    ]);
    await expect(detail.getByTestId('detail-layers').count()).resolves.toBe(0);
    await expect(detail.getByTestId('detail-status').textContent()).resolves.toMatch(/^invalid — lr: /);
    await expect(detail.getByTestId('detail-stale').count()).resolves.toBe(1);
    await app.page.screenshot({ path: `${OUT}/app-detail-invalid.png`, fullPage: true });

    await typeInto(id, 'lr', '0.03');
    await typeInto(id, 'batch_size', '16');
    await waitUntilSettled();
    await cell(id, 'optimizer').click();
    await expect(detail.getByTestId('detail-total').textContent()).resolves.toBe('114');
    await expect(detail.getByTestId('detail-error').count()).resolves.toBe(0);
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
    // The grid draws the engine's rows at its next frame pass.
    await app.page.waitForFunction((id) => document.querySelector(`.ht_master td[data-row-id="${id}"][data-col="notes"]`)?.textContent === 'boldpasted', id, { timeout: 5_000 });
    await expect(cell(id, 'notes').textContent()).resolves.toBe('boldpasted');
    // (The grid's own boundary thumbnails are images too: BMP data URLs of our making.)
    await expect(app.page.locator('.ss-grid img:not([src^="data:image/bmp;base64,"]), .ss-grid b').count()).resolves.toBe(0);
    await expect(app.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    // A notes cell never retrains.
    expect((await snapshot()).every((r) => SETTLED.has(r.state))).toBe(true);
  });

  test('a pasted note longer than a cell holds is cut, and the page says so', async () => {
    const id = ids[1]!;
    await cell(id, 'notes').click();
    // 2,600 characters: a page of notes; a cell (and a sheet file) holds 2,000.
    const long = `start ${'lorem ipsum '.repeat(216)}end`;
    await app.page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, long);
    await app.page.waitForFunction((id) => window.__sweepsheet!.rows().find((r) => r.id === id)!.cells.notes?.startsWith('start lorem'), id);
    const kept = await app.page.evaluate((id) => window.__sweepsheet!.rows().find((r) => r.id === id)!.cells.notes!, id);
    expect(kept).toBe(long.slice(0, 2000));
    // Named by the number the grid shows at the row's left (rows may be sorted).
    const row = await app.page.evaluate((id) => document.querySelector(`.ht_master td[data-row-id="${id}"]`)!.closest('tr')!.querySelector('th')!.textContent!.trim(), id);
    expect(row).toMatch(/^\d+$/);
    await expect.poll(() => app.page.getByTestId('sheet-message').textContent())
      .toBe(`the text typed into notes of row ${row} was cut to its first 2,000 characters: a cell holds at most 2,000`);
  });

  test('the Iris sheet trains in the browser from the prepared data file', async () => {
    const page = await app.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
    const dataRequests: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/data/')) dataRequests.push(new URL(r.url()).pathname); });
    try {
      const started = Date.now();
      await page.goto(`${app.url}?sheet=iris`);
      await page.waitForFunction(() => {
        const rows = window.__sweepsheet?.rows() ?? [];
        return rows.length > 0 && rows.every((r) => ['done', 'diverged', 'failed', 'invalid'].includes(r.status.state));
      }, undefined, { timeout: FINISH_TIMEOUT, polling: 100 }).catch(async (e: unknown) => {
        // Say where it stuck: the page's errors, its requests for data and each row's status.
        const states = await page.evaluate(() => window.__sweepsheet?.rows().map((r) => `${r.id}: ${JSON.stringify(r.status)}`) ?? 'no app');
        throw new Error(`${String(e)}\nrows: ${JSON.stringify(states)}\nerrors: ${JSON.stringify(errors)}\ndata: ${JSON.stringify(dataRequests)}`);
      });
      const rows = await page.evaluate(() => window.__sweepsheet!.rows().map((r) => ({
        id: r.id, state: r.status.state, testAcc: r.result?.testAcc ?? NaN, status: r.status,
      })));
      console.log(`[e2e] iris: ${rows.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s, test acc ${rows.map((r) => r.testAcc.toFixed(4)).join(', ')}`);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.state, `${r.id} ${JSON.stringify(r.status)}`).toBe('done');
        expect(r.testAcc, r.id).toBeGreaterThan(0.8);
      }
      expect(dataRequests).toContain('/data/iris.bin');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
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
