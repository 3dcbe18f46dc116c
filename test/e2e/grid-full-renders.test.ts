/**
 * Handsontable's own full renders while rows train, in chromium: a header sort, the language
 * switch, a column group shown and hidden, wheel steps past the rendered band. Each draws every
 * rendered cell from the newest values, so the grid's pass drops the cells it had left for later
 * frames and those of far rows waiting (grid-pass.ts rendered(), review-24 F2). What must hold:
 * no cell is dropped that such a render did not draw. Once the runs end, the grid says it is
 * drawn (gridDrawn) and every rendered row, far ones too, shows the engine's values, in the
 * sort's order, beside the frozen names.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppHarness, openSheetFile, pointAtGrid, startApp, trainingSheetFile, twoFrames } from '../helpers/browser.ts';

const ROWS = 120;

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ width: 1400, height: 700 });
  await app.page.goto(app.url);
  await openSheetFile(app.page, 'renders.sheet.json', trainingSheetFile('full renders while training', ROWS), ROWS);
  await pointAtGrid(app.page);
});

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;
const frames = () => twoFrames(page());
const training = () => page().evaluate(() => window.__sweepsheet!.rows().filter((r) => r.status.state === 'running' || r.status.state === 'queued').length);

async function wheel(steps: number, dy = 100): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await page().mouse.wheel(0, dy);
    await frames();
  }
}

async function toggleGroup(group: string): Promise<void> {
  await page().getByTestId('columns-button').click();
  const box = page().locator(`[data-testid="columns-popup"] [data-group="${group}"] input`);
  if (await box.isChecked()) await box.uncheck();
  else await box.check();
  await page().getByTestId('columns-button').click();
}

/**
 * Every rendered row's cells against the engine: status, test acc and train loss in the master
 * table, the name there and in the frozen column; and the rows in descending test acc order.
 * An empty list when all is right.
 */
function mismatches(): Promise<{ rows: number; problems: string[] }> {
  return page().evaluate(() => {
    const problems: string[] = [];
    const engine = new Map(window.__sweepsheet!.rows().map((r) => [r.id, r]));
    const near = (text: string, value: number) => {
      const decimals = text.split('.')[1]?.length ?? 0;
      return Math.abs(Number(text) - value) <= 0.5 * 10 ** -decimals + 1e-9;
    };
    const accs: number[] = [];
    const trs = [...document.querySelectorAll<HTMLTableRowElement>('.ht_master tbody tr')];
    for (const tr of trs) {
      const cell = (col: string) => tr.querySelector<HTMLElement>(`td[data-col="${col}"]`);
      const id = cell('status')?.dataset.rowId;
      const row = id === undefined ? undefined : engine.get(id);
      if (!id || !row) { problems.push(`a rendered row shows no engine row (${id})`); continue; }
      if (cell('status')!.dataset.state !== row.status.state) problems.push(`${id}'s status shows ${cell('status')!.dataset.state}, the engine says ${row.status.state}`);
      if (cell('name')?.textContent !== row.cells.name) problems.push(`${id}'s name shows '${cell('name')?.textContent}'`);
      const frozen = document.querySelector(`.ht_clone_inline_start td[data-row-id="${id}"][data-col="name"]`);
      if (frozen && frozen.textContent !== row.cells.name) problems.push(`the frozen column shows '${frozen.textContent}' for ${id}`);
      if (!row.result) { problems.push(`${id} has no result`); continue; }
      const acc = cell('test_acc')?.textContent ?? '';
      if (!near(acc, row.result.testAcc)) problems.push(`${id}'s test acc shows '${acc}', the engine has ${row.result.testAcc}`);
      const loss = cell('train_loss')?.textContent ?? '';
      if (!near(loss, row.result.trainLoss)) problems.push(`${id}'s train loss shows '${loss}', the engine has ${row.result.trainLoss}`);
      accs.push(row.result.testAcc);
    }
    if (!accs.every((a, i) => i === 0 || a <= accs[i - 1]!)) problems.push(`the rows are not in descending test acc order: ${accs.join(', ')}`);
    return { rows: trs.length, problems };
  });
}

describe('full renders while rows train', () => {
  test('a sort, the language, a column group and steps past the band leave no cell stale', async () => {
    // Rows below the window, rendered ahead of the scroll, have cells waiting while rows train.
    await wheel(3);
    const header = page().locator('.ht_clone_top th[data-col="test_acc"] .colHeader');
    await header.click();
    await wheel(2);
    await page().getByTestId('language').selectOption('ko');
    await frames();
    await toggleGroup('notes');
    await wheel(2, -100);
    await header.click();
    // Past the rendered band: a render of the new band.
    await wheel(12);
    await toggleGroup('notes');
    expect(await training(), 'rows still train after the renders (else this test proves little)').toBeGreaterThan(10);
    await page().getByTestId('language').selectOption('en');
    await page().waitForFunction(() => window.__sweepsheet!.rows().every((r) => r.status.state === 'done'), undefined, { timeout: 120_000, polling: 200 });
    // The grid says every cell shows the engine's rows (gridCaughtUp would also want every row's
    // status cell rendered; the band holds a part of the 120).
    await page().waitForFunction(() => window.__sweepsheet!.gridDrawn(), undefined, { timeout: 30_000, polling: 100 });
    const { rows, problems } = await mismatches();
    expect(rows, 'rows rendered below the window too').toBeGreaterThan(30);
    expect(problems).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
