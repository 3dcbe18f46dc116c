/**
 * Sheets as files and links, and nothing lost, in chromium with real IndexedDB and real workers:
 * save and reopen; a dropped file opens; a hostile file is refused and the open sheet is untouched;
 * closing the page mid-run and reopening brings back every finished result and queues the
 * interrupted row; a copied link opens the same sheet in a fresh browser profile.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, PROJECT_ROOT, startApp, typeIntoCell } from '../helpers/browser.ts';

const TIMEOUT = 180_000;
let app: AppHarness;

beforeAll(async () => { app = await startApp(); });
afterAll(async () => { await app?.close(); });

type Snap = { id: string; state: string; name: string; lr: string; testAcc: number | null };

const snapshot = (page = app.page): Promise<Snap[]> => page.evaluate(() => window.__sweepsheet!.rows().map((r) => ({
  id: r.id, state: r.status.state, name: r.cells.name ?? '', lr: r.cells.lr ?? '', testAcc: r.result?.testAcc ?? null,
})));

async function waitFor(page: typeof app.page, ok: (rows: Snap[]) => boolean, what: string): Promise<Snap[]> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const rows = await snapshot(page).catch(() => [] as Snap[]);
    if (rows.length > 0 && ok(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(rows)}`);
    await page.waitForTimeout(250);
  }
}

const settled = (r: Snap) => r.state === 'done' || r.state === 'diverged';

describe('files, links and no data loss', () => {
  test('save downloads the sheet; opening that file shows the same rows and results without training', async () => {
    const { page, url } = app;
    await page.goto(`${url}?sheet=xor`);
    const trained = await waitFor(page, (rows) => rows.every(settled), 'the xor sheet to train');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-file').click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    const saved = JSON.parse(text) as { results: Record<string, { provenance: { tfjs: string | null } }> };
    expect(saved).toMatchObject({ format: 'sweepsheet', version: 2 });
    // Each result this page trained is stamped with the installed tfjs' version (read from its package manifest).
    const tfjs = (JSON.parse(readFileSync(`${PROJECT_ROOT}/node_modules/@tensorflow/tfjs/package.json`, 'utf8')) as { version: string }).version;
    expect(Object.values(saved.results).map((r) => r.provenance.tfjs)).toEqual(trained.map(() => tfjs));
    await page.goto(`${url}?sheet=lesson-xor-lr`);
    await waitFor(page, (rows) => rows.length === 6, 'the lesson sheet');
    await page.getByTestId('file-input').setInputFiles({ name: 'xor.sheet.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    const reopened = await waitFor(page, (rows) => rows.length === trained.length && rows.every(settled), 'the saved sheet to open');
    expect(reopened.map((r) => [r.id, r.testAcc])).toEqual(trained.map((r) => [r.id, r.testAcc]));
    await expect.poll(() => page.getByTestId('sheet-message').textContent()).toContain('opened xor.sheet.json');
    // A file too large to keep every curve (file/write.ts drops the oldest results' history first):
    // its rows show their numbers without training, and the detail says the curves were not kept.
    const bare = JSON.parse(text) as { results: Record<string, { epochsRun: number; history: Record<string, number[]> }> };
    for (const r of Object.values(bare.results)) for (const k of Object.keys(r.history)) r.history[k] = [];
    await page.getByTestId('file-input').setInputFiles({ name: 'bare.sheet.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bare)) });
    await expect.poll(() => page.getByTestId('sheet-message').textContent()).toContain('opened bare.sheet.json');
    const noCurves = await waitFor(page, (rows) => rows.length === trained.length && rows.every(settled), 'the sheet without curves to open');
    expect(noCurves.map((r) => [r.id, r.testAcc])).toEqual(trained.map((r) => [r.id, r.testAcc]));
    const first = trained[0]!;
    await page.locator(`.ht_master td[data-row-id="${first.id}"][data-col="lr"]`).click();
    const epochs = Object.values(bare.results)[0]!.epochsRun;
    await expect.poll(() => page.getByTestId('detail-no-epoch').textContent()).toMatch(/^The curves of its \d+ epochs were not kept: the saved sheet had no room for them/);
    expect(epochs).toBeGreaterThan(0);
  }, TIMEOUT);

  test('a hostile file is refused with a message and the open sheet stays as it was', async () => {
    const { page } = app;
    const before = await snapshot();
    const hostile = '{"format":"sweepsheet","version":2,"title":"x","rows":[{"id":"a","cells":{"__proto__":{"polluted":1},"lr":7}}]}';
    await page.getByTestId('file-input').setInputFiles({ name: 'evil.sheet.json', mimeType: 'application/json', buffer: Buffer.from(hostile) });
    await expect.poll(() => page.getByTestId('sheet-message').textContent()).toMatch(/evil\.sheet\.json was not opened: .*rows\[0\]\.cells\.lr.*The open sheet is unchanged/);
    expect(await page.getByTestId('sheet-message').getAttribute('role')).toBe('alert');
    expect(await snapshot()).toEqual(before);
    expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
  }, TIMEOUT);

  test('a sheet file dropped on the page opens', async () => {
    const { page, url } = app;
    const text = readFileSync(new URL('../../fixtures/iris.sheet.json', import.meta.url), 'utf8');
    await page.evaluate(({ text }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'iris.sheet.json', { type: 'application/json' }));
      document.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, { text });
    await waitFor(page, (rows) => rows.map((r) => r.id).join() === 'w5-seed1,w5-seed2,w5-seed3', 'the dropped iris sheet');
    expect(url).toBeTruthy();
    // A dropped CSV is imported into the open sheet, not refused as a sheet file that is not JSON.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['name,seed\r\ndropped,4\r\n'], 'more.csv', { type: 'text/csv' }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    const rows = await waitFor(page, (rows) => rows.length === 4, 'the dropped CSV row');
    expect(rows[3]!.name).toBe('dropped');
    await expect.poll(() => page.getByTestId('sheet-message').textContent()).toBe('imported 1 row from more.csv');
    // Open… takes a CSV the same way (it was read as a sheet file and refused as "not valid JSON").
    await page.getByTestId('file-input').setInputFiles({ name: 'chosen.csv', mimeType: 'text/csv', buffer: Buffer.from('name,seed\nchosen,5\n') });
    const chosen = await waitFor(page, (rows) => rows.length === 5, 'the CSV chosen in Open…');
    expect(chosen[4]!.name).toBe('chosen');
    // An untitled sheet file is headed by its file name, here and in Recent sheets, not by its storage key (file:<name>:<time>).
    const untitled = '{"format":"sweepsheet","version":2,"rows":[{"id":"u","cells":{"dataset":"xor","epochs":"2"}}]}';
    await page.getByTestId('file-input').setInputFiles({ name: 'untitled.sheet.json', mimeType: 'application/json', buffer: Buffer.from(untitled) });
    await waitFor(page, (rows) => rows.map((r) => r.id).join() === 'u', 'the untitled sheet');
    await expect.poll(() => page.locator('.ss-header h1').textContent()).toBe('untitled.sheet.json');
    // Once another sheet is opened, the untitled one is among the recent sheets under the same name.
    await page.getByTestId('file-input').setInputFiles({ name: 'iris.sheet.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await waitFor(page, (rows) => rows.map((r) => r.id).join() === 'w5-seed1,w5-seed2,w5-seed3', 'the iris sheet again');
    const recent = () => page.locator('[data-testid="recent"] option').allTextContents();
    await expect.poll(recent).toContain('untitled.sheet.json');
    expect((await recent()).filter((o) => o.startsWith('file:'))).toEqual([]);
    // Opened again from there, the message names it the same way.
    const untitledId = await page.locator('[data-testid="recent"] option', { hasText: 'untitled.sheet.json' }).getAttribute('value');
    await page.getByTestId('recent').selectOption(untitledId!);
    await expect.poll(() => page.getByTestId('sheet-message').textContent()).toBe('opened untitled.sheet.json');
  }, TIMEOUT);

  test('closing the page mid-run and reopening brings back every finished result and queues the rest again', async () => {
    const { context, url } = app;
    const page = await context.newPage();
    await page.goto(url); // no ?sheet: the sheet last open in this browser, or the example
    await waitFor(page, (rows) => rows.length > 0, 'a sheet');
    // A sheet with a row that is sure to be mid-run: the fused dense trainer finishes the toy rows
    // of the fixtures within a second, so the long row's dropout keeps it on tfjs' own step and
    // its batches of 8 make it seconds long.
    const quick = { name: 'quick', dataset: 'circle', layers: 'dense(4, relu)', epochs: '3', batch_size: '32', seed: '1' };
    const long = { ...quick, name: 'long', layers: 'dense(4, relu) dropout(0.1)', epochs: '150', batch_size: '8' };
    const doc = { format: 'sweepsheet', version: 2, title: 'mid-run', rows: [{ id: 'quick', cells: quick }, { id: 'long', cells: long }] };
    await page.getByTestId('file-input').setInputFiles({ name: 'mid-run.sheet.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    const before = await waitFor(page, (rows) => rows.length === 2 && settled(rows[0]!) && !settled(rows[1]!), 'the quick row done, the long one not');
    await page.waitForTimeout(600); // autosave coalesces for 250 ms
    const sheetId = await page.evaluate(() => window.__sweepsheet!.sheetId());
    await page.close({ runBeforeUnload: true });
    const again = await context.newPage();
    await again.goto(url);
    const after = await waitFor(again, (rows) => rows.length === before.length, 'the sheet to come back');
    expect(await again.evaluate(() => window.__sweepsheet!.sheetId())).toBe(sheetId);
    for (const r of before.filter(settled)) {
      const back = after.find((x) => x.id === r.id)!;
      expect(settled(back), r.id).toBe(true);
      expect(back.testAcc, r.id).toBe(r.testAcc);
    }
    for (const r of before.filter((x) => !settled(x))) {
      expect(['queued', 'running', 'done', 'diverged'], r.id).toContain(after.find((x) => x.id === r.id)!.state);
    }
    await waitFor(again, (rows) => rows.every(settled), 'the interrupted rows to train again');
    await again.close();
  }, TIMEOUT);

  test('another sheet opened mid-run trains on the same workers: the old sheet\'s run is withdrawn, no worker is started', async () => {
    const { page } = app;
    // A row seconds long (batches of 8 through tfjs' own step, see the mid-run test), running.
    const long = { name: 'long', dataset: 'circle', layers: 'dense(4, relu) dropout(0.1)', epochs: '150', batch_size: '8', seed: '3' };
    const first = { format: 'sweepsheet', version: 2, title: 'long run', rows: [{ id: 'long', cells: long }] };
    await page.getByTestId('file-input').setInputFiles({ name: 'long-run.sheet.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(first)) });
    await waitFor(page, (rows) => rows.length === 1 && rows[0]!.id === 'long' && rows[0]!.state === 'running', 'the long row to run');
    const started = await page.evaluate(() => window.__sweepsheet!.workersStarted());
    expect(started).toBeGreaterThan(0);
    const quick = (seed: string) => ({ name: `quick ${seed}`, dataset: 'xor', layers: 'dense(4, tanh)', epochs: '5', batch_size: '16', seed });
    const second = { format: 'sweepsheet', version: 2, title: 'quick rows', rows: [{ id: 'q1', cells: quick('11') }, { id: 'q2', cells: quick('12') }] };
    await page.getByTestId('file-input').setInputFiles({ name: 'quick-rows.sheet.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(second)) });
    const rows = await waitFor(page, (rows) => rows.length === 2 && rows.every(settled), 'the second sheet\'s rows to train');
    expect(rows.map((r) => [r.id, r.state])).toEqual([['q1', 'done'], ['q2', 'done']]);
    // Neither a new pool for the sheet nor a replacement for a worker that ignored the cancel.
    expect(await page.evaluate(() => window.__sweepsheet!.workersStarted())).toBe(started);
    expect(app.pageErrors).toEqual([]);
  }, TIMEOUT);

  test('undo brings back the old value and, from the result cache, its result at once', async () => {
    const { page, url } = app;
    await page.goto(`${url}?sheet=xor`);
    const first = await waitFor(page, (rows) => rows.length === 3 && rows.every(settled), 'the xor sheet');
    const before = first.find((r) => r.id === 'w8-mlp')!;
    const lr = page.locator('.ht_master td[data-row-id="w8-mlp"][data-col="lr"]');
    await lr.dblclick();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('0.05');
    await page.keyboard.press('Enter');
    await waitFor(page, (rows) => { const r = rows.find((x) => x.id === 'w8-mlp')!; return r.lr === '0.05' && settled(r); }, 'the edited row to train');
    await page.keyboard.press('Control+z');
    const back = await waitFor(page, (rows) => rows.find((x) => x.id === 'w8-mlp')!.lr === before.lr, 'undo');
    const row = back.find((x) => x.id === 'w8-mlp')!;
    expect(settled(row)).toBe(true);
    expect(row.testAcc).toBe(before.testAcc);
  }, TIMEOUT);

  test('importing a CSV of hyperparameters adds a row per line; unknown columns are named', async () => {
    const { page, url } = app;
    await page.goto(`${url}?sheet=xor`);
    await waitFor(page, (rows) => rows.length === 3, 'the xor sheet');
    const csv = 'name,lr,Epochs,colour\nfrom csv a,0.01,5,red\nfrom csv b,0.1,5,blue\n';
    await page.getByTestId('csv-input').setInputFiles({ name: 'grid.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const rows = await waitFor(page, (r) => r.length === 5, 'two imported rows');
    expect(rows.slice(3).map((r) => [r.name, r.lr])).toEqual([['from csv a', '0.01'], ['from csv b', '0.1']]);
    await expect.poll(() => page.getByTestId('sheet-message').textContent()).toBe('imported 2 rows from grid.csv; ignored columns: colour');
  }, TIMEOUT);

  test('a copied link opens the same sheet in a fresh browser profile', async () => {
    const { page, url, browser } = app;
    await page.goto(`${url}?sheet=xor`);
    await waitFor(page, (rows) => rows.length === 3, 'the xor sheet');
    await page.getByTestId('copy-link').click();
    const link = await page.getByTestId('link').inputValue();
    expect(link).toMatch(/#s=/);
    const fresh = await browser.newContext();
    try {
      const other = await fresh.newPage();
      await other.goto(link);
      const rows = await waitFor(other, (r) => r.length === 3, 'the linked sheet');
      const original = await snapshot(page);
      expect(rows.map((r) => [r.id, r.name, r.lr])).toEqual(original.map((r) => [r.id, r.name, r.lr]));
    } finally {
      await fresh.close();
    }
  }, TIMEOUT);

  test('a reload keeps the edits of a page opened by ?sheet= or a link; a fresh visit opens the sheet as shipped', async () => {
    const { page, url } = app;
    const notes = () => page.evaluate(() => window.__sweepsheet!.rows().map((r) => r.cells.notes ?? ''));
    await page.goto(`${url}?sheet=xor`);
    await waitFor(page, (rows) => rows.length === 3, 'the xor sheet');
    const shipped = await notes();
    await typeIntoCell(page, 'w8-perceptron', 'notes', 'typed before the reload');
    await page.waitForTimeout(600); // autosave coalesces for 250 ms
    await page.reload();
    await waitFor(page, (rows) => rows.length === 3, 'the xor sheet again');
    expect((await notes())[0]).toBe('typed before the reload');
    // Going to the address again (not a reload) opens the lesson as shipped.
    await page.goto(`${url}?sheet=iris`);
    await waitFor(page, (rows) => rows.length === 3 && rows[0]!.id.startsWith('w5'), 'the iris sheet');
    await page.goto(`${url}?sheet=xor`);
    await waitFor(page, (rows) => rows.length === 3 && rows[0]!.id === 'w8-perceptron', 'the xor sheet as shipped');
    expect(await notes()).toEqual(shipped);
    // A linked sheet, edited, then reloaded: the edit stays.
    await page.getByTestId('copy-link').click();
    const link = await page.getByTestId('link').inputValue();
    await page.goto(link);
    await waitFor(page, (rows) => rows.length === 3, 'the linked sheet');
    await typeIntoCell(page, 'w8-mlp', 'notes', 'typed in the linked sheet');
    await page.waitForTimeout(600);
    await page.reload();
    await waitFor(page, (rows) => rows.length === 3, 'the linked sheet again');
    expect((await notes())[1]).toBe('typed in the linked sheet');
  }, TIMEOUT);
});
