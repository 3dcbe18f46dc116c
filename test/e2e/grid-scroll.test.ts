/**
 * Scrolling a long sheet with the mouse wheel, in chromium. The grid renders the rows on screen
 * and ROWS_AHEAD more in the direction of the scroll (src/ui/grid-band.ts), so most wheel steps
 * render nothing: they show rows rendered before. What that relies on, checked here:
 * - every row on screen, at every step through 140 rows and back, is the engine's row for its
 *   place (one row id per grid row, consecutive, at the height its index says), with the engine's
 *   values (state, test acc), and the frozen name column shows the same row at the same height;
 * - a step inside the rendered band renders nothing (a marker class on the cells survives it:
 *   Handsontable's render clears every cell's class), and rows are rendered ahead of the window;
 * - a run that finishes while its row is rendered far below the window shows its results there
 *   (its cells wait while rows change, then are redrawn: grid-far-rows.ts), and its values once
 *   the wheel brings it in;
 * - the grid's very first render, as the sheet opens, renders rows ahead of the window too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, openSheetFile, pointAtGrid, startApp, twoFrames } from '../helpers/browser.ts';
import { SECONDS_LONG } from '../helpers/slow-cells.ts';

const ROWS = 140;
/** The row that trains for seconds: it is still running when the window stops above it. */
const SLOW = 60;
const POLL = { timeout: 60_000 };

let app: AppHarness;

function sheet(): string {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    id: `r${i + 1}`,
    cells: {
      name: `row ${i + 1}`, dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '32', epochs: '5', seed: String(1 + (i % 5)),
      // Four times SECONDS_LONG's work (~12 s here): it trains until the window stops above it.
      ...(i + 1 === SLOW ? { ...SECONDS_LONG, layers: 'dense(128, relu) dense(128, relu)' } : {}),
    },
  }));
  return JSON.stringify({ format: 'sweepsheet', version: 1, title: 'grid scroll', description: '', rows });
}

beforeAll(async () => {
  app = await startApp({ width: 1400, height: 700 });
  await app.page.goto(app.url);
  // The rows the first render of this sheet's grid draws (the page opens with another sheet),
  // seen before anything renders again: a mutation observer's callback runs right after the task
  // that made the grid.
  await app.page.evaluate(() => {
    const w = window as unknown as { __firstBand?: { rendered: number; below: number } };
    const observer = new MutationObserver(() => {
      if (!document.querySelector('.ht_master td[data-row-id="r1"]')) return;
      const trs = [...document.querySelectorAll('.ht_master tbody tr')];
      w.__firstBand = { rendered: trs.length, below: trs.filter((tr) => tr.getBoundingClientRect().top >= window.innerHeight).length };
      observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await openSheetFile(app.page, 'scroll.sheet.json', sheet(), ROWS);
  await pointAtGrid(app.page);
});

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;
const frames = () => twoFrames(page());

async function wheel(dy: number): Promise<void> {
  await page().mouse.wheel(0, dy);
  await frames();
}

/** What the window shows of the grid, and every way it can be wrong (an empty list when it is right). */
function onScreen(): Promise<{ first: number; last: number; problems: string[]; ahead: number }> {
  return page().evaluate(() => {
    const problems: string[] = [];
    const master = document.querySelector('.ht_master')!;
    const header = document.querySelector('.ht_clone_top')!.getBoundingClientRect();
    const top = Math.max(0, header.bottom);
    const engine = new Map(window.__sweepsheet!.rows().map((r) => [r.id, r]));
    const trs = [...master.querySelectorAll<HTMLTableRowElement>('tbody tr')];
    const rowOf = (tr: HTMLTableRowElement) => {
      const ids = new Set([...tr.querySelectorAll<HTMLElement>('td[data-row-id]')].map((td) => td.dataset.rowId!));
      return { ids, n: ids.size === 1 ? Number([...ids][0]!.slice(1)) : NaN, box: tr.getBoundingClientRect() };
    };
    const rendered = trs.map(rowOf);
    // The band's first row is a pixel taller (its top border): rows are placed from the second one.
    const first = rendered[1] ?? rendered[0]!;
    const height = first.box.height;
    const shown = rendered.filter((r) => r.box.bottom > top + 1 && r.box.top < window.innerHeight - 1);
    for (const r of rendered) {
      if (r.ids.size !== 1) problems.push(`a grid row holds cells of ${r.ids.size} rows: ${[...r.ids].join(', ')}`);
      // Each rendered row sits where its index puts it, counted from the band's second row.
      else if (Math.abs(r.box.bottom - (first.box.bottom + (r.n - first.n) * height)) > 1) problems.push(`r${r.n} is drawn at ${r.box.top}-${r.box.bottom}, not at row ${r.n}'s place`);
    }
    shown.forEach((r, i) => {
      if (i > 0 && r.n !== shown[i - 1]!.n + 1) problems.push(`r${r.n} follows r${shown[i - 1]!.n}`);
      const id = `r${r.n}`;
      const row = engine.get(id);
      const cell = (col: string) => master.querySelector<HTMLElement>(`td[data-row-id="${id}"][data-col="${col}"]`);
      if (!row) return void problems.push(`${id} is not an engine row`);
      if (cell('name')?.textContent !== row.cells.name) problems.push(`${id}'s name shows '${cell('name')?.textContent}'`);
      const state = cell('status')?.dataset.state;
      if (state !== row.status.state) problems.push(`${id}'s status shows ${state}, the engine says ${row.status.state}`);
      const acc = cell('test_acc')?.textContent ?? '';
      if (row.status.state === 'done' && row.result) {
        const decimals = acc.split('.')[1]?.length ?? 0;
        if (!(Math.abs(Number(acc) - row.result.testAcc) <= 0.5 * 10 ** -decimals + 1e-9)) problems.push(`${id}'s test acc shows '${acc}', the engine has ${row.result.testAcc}`);
      }
      // The frozen name column: the same row, at the same height.
      const frozen = document.querySelector<HTMLElement>(`.ht_clone_inline_start td[data-row-id="${id}"][data-col="name"]`);
      if (!frozen) problems.push(`the frozen column has no ${id}`);
      else {
        if (frozen.textContent !== row.cells.name) problems.push(`the frozen column shows '${frozen.textContent}' for ${id}`);
        const dy = frozen.getBoundingClientRect().top - r.box.top;
        if (Math.abs(dy) > 1) problems.push(`the frozen ${id} is ${dy} px off its row`);
      }
    });
    const last = shown.at(-1);
    return { first: shown[0]?.n ?? NaN, last: last?.n ?? NaN, problems, ahead: rendered.at(-1)!.n - (last?.n ?? 0) };
  });
}

/** The row's master row box, or null when it is not rendered. */
function rowBox(n: number): Promise<{ top: number; bottom: number; state: string | undefined; running: boolean } | null> {
  return page().evaluate((id) => {
    const td = document.querySelector<HTMLElement>(`.ht_master td[data-row-id="${id}"][data-col="status"]`);
    if (!td) return null;
    const box = td.parentElement!.getBoundingClientRect();
    const row = window.__sweepsheet!.rows().find((r) => r.id === id)!;
    return { top: box.top, bottom: box.bottom, state: td.dataset.state, running: row.status.state === 'running' || row.status.state === 'queued' };
  }, `r${n}`);
}

describe('scrolling a long sheet', () => {
  test('the first render, as the sheet opens, renders rows ahead of the window', async () => {
    const first = await page().evaluate(() => (window as unknown as { __firstBand?: { rendered: number; below: number } }).__firstBand);
    expect(first, 'the grid rendered rows').toBeDefined();
    // Handsontable's own band renders four rows past the window; ours ROWS_AHEAD (30).
    expect(first!.below, `rows rendered below the window at the first render (of ${first!.rendered})`).toBeGreaterThanOrEqual(20);
  });

  test('a run that finishes below the window shows its results there, and once the wheel brings it in', async () => {
    // Down until the slow row is rendered: the band reaches it before the window does.
    let box = await rowBox(SLOW);
    for (let i = 0; i < 40 && box === null; i++) {
      await wheel(100);
      box = await rowBox(SLOW);
    }
    expect(box, `r${SLOW} was never rendered`).not.toBeNull();
    const height = await page().evaluate(() => window.innerHeight);
    expect(box!.top, 'the slow row is rendered below the window').toBeGreaterThan(height);
    expect(box!.running, 'the slow row still trains (else this test proves nothing)').toBe(true);
    expect((await onScreen()).problems).toEqual([]);
    // Its run ends while it is off screen: the grid's update reaches its rendered cells there
    // (once the other rows have gone quiet).
    await page().waitForFunction((id) => window.__sweepsheet!.rows().find((r) => r.id === id)!.status.state === 'done', `r${SLOW}`, { timeout: 120_000, polling: 100 });
    await expect.poll(async () => (await rowBox(SLOW))?.state, POLL).toBe('done');
    expect((await rowBox(SLOW))!.top, 'nothing scrolled meanwhile').toBeGreaterThan(height);
    // Into view, step by step: the row shows the engine's result, within a frame or two of each step.
    for (let i = 0; i < 40 && (await rowBox(SLOW))!.bottom > height - 60; i++) {
      await wheel(100);
      await expect.poll(async () => (await onScreen()).problems, POLL).toEqual([]);
    }
    const at = await onScreen();
    expect(at.first <= SLOW && SLOW <= at.last, `r${SLOW} is on screen (rows ${at.first}-${at.last})`).toBe(true);
    expect((await rowBox(SLOW))!.state).toBe('done');
  });

  test('every wheel step through the sheet and back shows the right rows, with their values, beside the frozen names', async () => {
    await page().waitForFunction(() => window.__sweepsheet!.rows().every((r) => r.status.state === 'done'), undefined, { timeout: 120_000, polling: 200 });
    await page().evaluate(() => window.scrollTo(0, 0));
    await frames();
    const seen = new Set<number>();
    const check = async (where: string) => {
      // The frozen column is placed again some frames after the scroll: poll until it settles.
      await expect.poll(async () => (await onScreen()).problems, POLL).toEqual([]);
      const at = await onScreen();
      expect(Number.isNaN(at.first), `rows on screen ${where}`).toBe(false);
      for (let n = at.first; n <= at.last; n++) seen.add(n);
      return at;
    };
    let at = await check('at the top');
    for (let i = 0; i < 80 && at.last < ROWS; i++) {
      await wheel(100);
      at = await check(`after ${i + 1} steps down`);
    }
    expect(at.last).toBe(ROWS);
    for (let i = 0; i < 80 && at.first > 1; i++) {
      await wheel(-100);
      at = await check(`after ${i + 1} steps up`);
    }
    expect(at.first).toBe(1);
    expect(seen.size).toBe(ROWS);
  });

  test('a wheel step inside the rendered band renders nothing, and rows are rendered ahead of the window', async () => {
    await page().evaluate(() => window.scrollTo(0, 0));
    await frames();
    // Down until a step moves the band (a render), then one more step inside the new band.
    const band = () => page().evaluate(() => [...document.querySelectorAll<HTMLElement>('.ht_master tbody tr td[data-col="name"]')].map((td) => td.dataset.rowId).join());
    let before = await band();
    for (let i = 0; i < 30; i++) {
      await wheel(100);
      const now = await band();
      if (now !== before) { before = now; break; }
    }
    const at = await onScreen();
    expect(at.problems).toEqual([]);
    expect(at.ahead, 'rows rendered below the window').toBeGreaterThanOrEqual(20);
    const marked = await page().evaluate(() => {
      const tds = document.querySelectorAll('.ht_master tbody td');
      for (const td of tds) td.classList.add('probe-kept');
      return tds.length;
    });
    await wheel(100);
    expect(await band(), 'the step stayed inside the band').toBe(before);
    // Handsontable's render clears every cell's class: a render would have dropped the marker.
    expect(await page().evaluate(() => document.querySelectorAll('.ht_master tbody td.probe-kept').length)).toBe(marked);
    expect((await onScreen()).problems).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
