/**
 * English and Korean in chromium: a Korean browser opens the page in Korean (headers, toolbar,
 * summary, the header help), the language switch changes them all to English at once, the choice
 * survives a reload, and every header label reads whole in both languages; the engine's own words
 * (a bad cell's tooltip, a row's status, the row detail's cell errors) follow the language too.
 * Steps share one page.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COLUMN_HELP } from '../../src/engine/column-help.ts';
import { VIEW_HELP } from '../../src/ui/view-help.ts';
import { type AppHarness, PROJECT_ROOT, startApp, typeIntoCell } from '../helpers/browser.ts';

const OUT = `${PROJECT_ROOT}/test-results`;
/** Three 5-epoch XOR rows: the page trains them in a moment. */
const SHEET = '?sheet=e2e-sweeps';
const POLL = { timeout: 30_000 };

let app: AppHarness;
/** Requests the page made that failed, to name them when the page logs a failed load. */
const failed: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startApp({ width: 1600, height: 900 }, { locale: 'ko-KR' });
  app.page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
});

afterAll(async () => {
  await app?.close();
});

const page = () => app.page;
/** The header as drawn in the top overlay (the one a person sees and clicks). */
const header = (col: string) => page().locator(`.ht_clone_top th[data-col="${col}"]`);
const headerText = (col: string) => header(col).locator('.colHeader').textContent();
const toolbarText = () => page().locator('.ss-toolbar').textContent();
const cell = (id: string, col: string) => page().locator(`.ht_master td[data-row-id="${id}"][data-col="${col}"]`);
const statusOf = (id: string) => cell(id, 'status').locator('.ss-status-text').textContent();

const typeInto = (id: string, col: string, text: string) => typeIntoCell(page(), id, col, text);

/** Every row finished one way or another (this test is about words, not training). */
async function settled(): Promise<void> {
  await page().waitForFunction(() => {
    const rows = window.__sweepsheet?.rows() ?? [];
    return rows.length > 0 && rows.every((r) => r.status.state !== 'queued' && r.status.state !== 'running');
  }, undefined, { timeout: 120_000, polling: 100 });
}

/** The corner's aria-labels in every clone of the grid that draws it, without repeats. */
const cornerLabels = () => page().$$eval('.ss-grid thead th[aria-label]', (ths) =>
  [...new Set(ths.filter((th) => !(th as HTMLElement).dataset.col).map((th) => th.getAttribute('aria-label')))]);

/** Uncaught errors in the page (failed loads of other parts are not this test's business). */
const uncaught = () => app.pageErrors.filter((e) => e.startsWith('pageerror:'));

/** Headers with help whose label does not fit the column (with room for the sort arrow and the "?"), as in app.test.ts. */
async function cutHeaders(): Promise<string[]> {
  return page().$$eval('.ht_clone_top thead th[data-col]', (ths) =>
    ths.flatMap((th) => {
      const label = th.querySelector<HTMLElement>('.colHeader');
      if (!label || !th.querySelector('.ss-help-button')) return [];
      const range = document.createRange();
      range.selectNodeContents(label);
      const help = th.querySelector('.ss-help-button')?.getBoundingClientRect().width ?? 0;
      const needed = range.getBoundingClientRect().width + 6 + 16 + help;
      return label.scrollWidth > label.clientWidth || needed > th.clientWidth
        ? [`${(th as HTMLElement).dataset.col}: "${label.textContent}" needs ${Math.ceil(needed)} px, has ${th.clientWidth}`]
        : [];
    }),
  );
}

describe('the page in English and Korean', () => {
  test('a Korean browser opens the page in Korean', async () => {
    // The machine is shared: the first load transforms every module of the page.
    page().setDefaultTimeout(120_000);
    await page().goto(`${app.url}${SHEET}`, { waitUntil: 'domcontentloaded' });
    await header('lr').waitFor({ timeout: 240_000 });
    expect(await page().evaluate(() => navigator.language)).toBe('ko-KR');
    await expect.poll(() => headerText('lr'), POLL).toBe('학습률');
    expect(await headerText('test_acc')).toBe('테스트 정확도');
    expect(await headerText('optimizer')).toBe('옵티마이저');
    expect(await page().locator('html').getAttribute('lang')).toBe('ko');
    expect(await page().getByTestId('language').inputValue()).toBe('ko');
    const toolbar = await toolbarText();
    expect(toolbar).toContain('행 추가');
    expect(toolbar).toContain('자동 실행');
    expect(await page().getByTestId('open-file').textContent()).toBe('열기…');
    // The tooltip is the Korean "what it does".
    expect(await header('lr').getAttribute('title')).toBe(`학습률: ${COLUMN_HELP.lr!.ko.does}`);
    await settled();
    // "행 3개: 완료 3": the count and every state in Korean.
    await expect.poll(() => page().getByTestId('summary').textContent(), POLL).toMatch(/^행 3개: [^a-z]+ \d/);
    expect(await cutHeaders()).toEqual([]);
    // Handsontable's corner says "Select whole grid" in English whatever its language pack: ours.
    expect(await cornerLabels()).toEqual(['표 전체 선택']);
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });

  test('the "?" of a header opens its help in Korean, as text', async () => {
    await header('lr').locator('.ss-help-button').click();
    const help = page().getByTestId('header-help');
    await help.waitFor();
    expect(await help.getAttribute('data-col')).toBe('lr');
    expect(await help.locator('[data-part="does"]').textContent()).toBe(COLUMN_HELP.lr!.ko.does);
    expect(await help.locator('[data-part="try"]').textContent()).toBe(COLUMN_HELP.lr!.ko.tryThis);
    expect(await help.locator('[data-part="wrong"]').textContent()).toBe(COLUMN_HELP.lr!.ko.wrong);
    expect(await help.textContent()).toContain('하는 일');
    // The popover is inside the window and does not sort or select the column it explains.
    const box = (await help.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1600);
    expect(await page().evaluate(() => document.querySelectorAll('.ht_clone_top th .columnSorting.ascending, .ht_clone_top th .columnSorting.descending').length)).toBe(0);
    await page().screenshot({ path: `${OUT}/i18n-ko-help.png` });
    // Escape closes it; a result column explains what it shows.
    await page().keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await header('test_acc').locator('.ss-help-button').click();
    await expect.poll(() => help.locator('[data-part="does"]').textContent(), POLL).toBe(COLUMN_HELP.test_acc!.ko.does);
    await page().keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // The chart columns explain themselves too, without a formula name (formulas cannot read them).
    for (const col of ['curve', 'boundary'] as const) {
      await header(col).locator('.ss-help-button').click();
      await expect.poll(() => help.getAttribute('data-col'), POLL).toBe(col);
      expect(await help.locator('[data-part="does"]').textContent()).toBe(VIEW_HELP[col].ko.does);
      expect(await help.locator('[data-part="try"]').textContent()).toBe(VIEW_HELP[col].ko.tryThis);
      expect(await help.locator('[data-part="wrong"]').textContent()).toBe(VIEW_HELP[col].ko.wrong);
      expect(await help.locator('.ss-help-title strong').textContent()).toBe(col === 'curve' ? '곡선' : '결정 경계');
      expect(await help.locator('.ss-help-key').count()).toBe(0);
      expect(await header(col).getAttribute('title')).toBe(`${col === 'curve' ? '곡선' : '결정 경계'}: ${VIEW_HELP[col].ko.does}`);
      await page().keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
    }
  });

  test('switching to English changes the headers, the toolbar, the summary and the help at once', async () => {
    await page().getByTestId('language').selectOption('en');
    await expect.poll(() => headerText('lr'), POLL).toBe('lr');
    expect(await headerText('test_acc')).toBe('test acc');
    expect(await headerText('batch_size')).toBe('batch');
    expect(await page().locator('html').getAttribute('lang')).toBe('en');
    const toolbar = await toolbarText();
    expect(toolbar).toContain('Add row');
    expect(toolbar).toContain('Auto-run');
    expect(toolbar).not.toMatch(/[\uac00-\ud7a3]/);
    expect(await page().getByTestId('open-file').textContent()).toBe('Open…');
    await expect.poll(cornerLabels, POLL).toEqual(['Select whole grid']);
    await expect.poll(() => page().getByTestId('summary').textContent(), POLL).toMatch(/^3 rows: \d [a-z]/);
    expect(await page().getByTestId('summary').textContent()).not.toMatch(/[\uac00-\ud7a3]/);
    expect(await header('lr').getAttribute('title')).toBe(`lr: ${COLUMN_HELP.lr!.en.does}`);
    await header('layers').locator('.ss-help-button').click();
    const help = page().getByTestId('header-help');
    await expect.poll(() => help.locator('[data-part="does"]').textContent(), POLL).toBe(COLUMN_HELP.layers!.en.does);
    expect(await help.textContent()).toContain('What goes wrong');
    await page().screenshot({ path: `${OUT}/i18n-en-help.png` });
    await page().keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await header('boundary').locator('.ss-help-button').click();
    await expect.poll(() => help.locator('[data-part="wrong"]').textContent(), POLL).toBe(VIEW_HELP.boundary.en.wrong);
    expect(await help.locator('.ss-help-title strong').textContent()).toBe('boundary');
    await page().keyboard.press('Escape');
    expect(await cutHeaders()).toEqual([]);
  });

  test('the choice survives a reload, over the browser\'s language', async () => {
    await page().reload({ waitUntil: 'domcontentloaded' });
    await header('lr').waitFor();
    await expect.poll(() => headerText('lr'), POLL).toBe('lr');
    expect(await page().getByTestId('language').inputValue()).toBe('en');
    expect(await toolbarText()).toContain('Add row');
    // And back to Korean, which a reload keeps too.
    await page().getByTestId('language').selectOption('ko');
    await expect.poll(() => headerText('lr'), POLL).toBe('학습률');
    await expect.poll(cornerLabels, POLL).toEqual(['표 전체 선택']);
    await page().reload({ waitUntil: 'domcontentloaded' });
    await header('lr').waitFor();
    await expect.poll(() => headerText('lr'), POLL).toBe('학습률');
    expect(await toolbarText()).toContain('행 추가');
    await page().screenshot({ path: `${OUT}/i18n-ko-grid.png` });
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });

  test('the engine\'s words in Korean: a bad learning rate, a stale row, the row detail; English again on switching', async () => {
    await settled();
    // Manual mode: an edit marks the row stale instead of training it.
    await page().getByTestId('auto-run').uncheck();
    await typeInto('toy-a', 'seed', '7');
    await expect.poll(() => cell('toy-a', 'status').getAttribute('data-state'), POLL).toBe('stale');
    expect(await statusOf('toy-a')).toBe('오래됨 — 실행하면 갱신됩니다');
    expect(await cell('toy-a', 'status').getAttribute('title')).toBe('오래됨 — 실행하면 갱신됩니다');

    await typeInto('toy-b', 'lr', 'fast');
    await expect.poll(() => cell('toy-b', 'lr').getAttribute('class'), POLL).toMatch(/\bss-invalid\b/);
    const tooltip = '학습률: "fast"은(는) 숫자가 아닙니다 (올바른 값: 0보다 크고 10 이하인 숫자)';
    expect(await cell('toy-b', 'lr').getAttribute('title')).toBe(tooltip);
    await expect.poll(() => statusOf('toy-b'), POLL).toBe(`잘못된 입력 — ${tooltip}`);

    // The row detail says the same in its table of cells to fix.
    await cell('toy-b', 'optimizer').click();
    const detail = page().getByTestId('row-detail');
    await expect.poll(() => detail.getByTestId('detail-error').count(), POLL).toBe(1);
    const row = await detail.getByTestId('detail-error').evaluate((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field, td.textContent])));
    expect(row).toEqual({ column: '학습률', message: '"fast"은(는) 숫자가 아닙니다', expected: '0보다 크고 10 이하인 숫자' });
    expect(await detail.getByTestId('detail-status').textContent()).toBe(`잘못된 입력 — ${tooltip}`);
    // Why the worker chose its backend, and the old result kept while the row is stale.
    expect(await detail.locator('[data-field="backend"]').textContent()).toMatch(/^(webgl|wasm|cpu) — .*[\uac00-\ud7a3]/);
    expect(await cell('toy-a', 'test_acc').getAttribute('title')).toBe('이 행의 이전 설정에서 나온 값입니다. 새 실행이 끝날 때까지 그대로 둡니다');
    await page().screenshot({ path: `${OUT}/i18n-ko-engine-text.png` });

    // Switching the language redraws the same cells in the engine's English.
    await page().getByTestId('language').selectOption('en');
    const english = 'lr: "fast" is not a number (expected a number above 0, up to 10)';
    await expect.poll(() => cell('toy-b', 'lr').getAttribute('title'), POLL).toBe(english);
    expect(await statusOf('toy-a')).toBe('stale — run it to update');
    expect(await detail.locator('[data-field="backend"]').textContent()).not.toMatch(/[\uac00-\ud7a3]/);
    expect(await statusOf('toy-b')).toBe(`invalid — ${english}`);
    await expect.poll(() => detail.getByTestId('detail-status').textContent(), POLL).toBe(`invalid — ${english}`);
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });

  test('Korean text in the row detail wraps between words, never inside one', async () => {
    // By default a line may break between any two Hangul syllables: the confusion matrix caption
    // read "테스트 샘플 200개 중 176개 정 / 답" and the curves hint "… 과대 / 적합입니다".
    await page().getByTestId('language').selectOption('ko');
    await cell('toy-c', 'optimizer').click();
    const detail = page().getByTestId('row-detail');
    await expect.poll(() => detail.getAttribute('data-row-id'), POLL).toBe('toy-c');
    await detail.locator('canvas').first().waitFor();
    const breaks = await detail.evaluate((root) => {
      const hangul = /[\uac00-\ud7a3]/;
      const inside: string[] = [];
      let wrapped = 0;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      while (walker.nextNode()) {
        const node = walker.currentNode as Text;
        const text = node.data;
        if (!hangul.test(text)) continue;
        let lastTop: number | null = null;
        let lines = 1;
        for (let i = 0; i < text.length; i++) {
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const box = range.getClientRects()[0];
          if (!box || box.width === 0) continue;
          if (lastTop !== null && box.top > lastTop + 2) {
            lines++;
            if (hangul.test(text[i - 1] ?? '') && hangul.test(text[i]!)) inside.push(`${text.slice(Math.max(0, i - 10), i)} / ${text.slice(i, i + 10)}`);
          }
          lastTop = box.top;
        }
        if (lines > 1) wrapped++;
      }
      return { inside, wrapped };
    });
    // Some Korean text here is long enough to wrap (the hints and captions beside the charts).
    expect(breaks.wrapped).toBeGreaterThan(0);
    expect(breaks.inside).toEqual([]);
    await detail.screenshot({ path: `${OUT}/i18n-ko-detail.png` });
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });

  test('a formula column\'s edit button speaks the page\'s language', async () => {
    // Its tooltip and accessible name were always English ("Edit or remove the formula column …").
    await page().getByTestId('language').selectOption('ko');
    await page().getByTestId('add-formula-column').click();
    const form = page().getByTestId('formula-form');
    await form.getByTestId('formula-label').fill('gap');
    await form.getByTestId('formula-text').fill('=train_acc - test_acc');
    await form.getByTestId('formula-save').click();
    const edit = page().locator('.ht_clone_top th[data-col="f1"] .ss-edit-formula');
    await edit.waitFor();
    await expect.poll(() => edit.getAttribute('title'), POLL).toBe('수식 열 gap 고치기 또는 삭제');
    expect(await edit.getAttribute('aria-label')).toBe('수식 열 gap 고치기 또는 삭제');
    await page().getByTestId('language').selectOption('en');
    await expect.poll(() => edit.getAttribute('title'), POLL).toBe('Edit or remove the formula column gap');
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });

  test('a sweep\'s detail names its columns and metrics as the grid\'s headers do', async () => {
    // In Korean it said "lr에 대한 스윕" and listed train loss, train acc, test loss, test acc, time.
    await page().getByTestId('language').selectOption('ko');
    await page().getByTestId('auto-run').check();
    await typeInto('toy-c', 'lr', '0.01, 0.1');
    await page().waitForFunction(() => {
      const kids = window.__sweepsheet!.rows().filter((r) => r.parent === 'toy-c');
      return kids.length === 2 && kids.every((k) => k.status.state === 'done' || k.status.state === 'diverged');
    }, undefined, { timeout: 120_000, polling: 100 });
    await cell('toy-c', 'optimizer').click();
    const detail = page().getByTestId('row-detail');
    await expect.poll(() => detail.getByTestId('detail-sweep-summary').textContent(), POLL).toBe('학습률에 대한 스윕: 실행 2개.');
    expect(await detail.locator('[data-testid="detail-swept-column"] td[data-field="column"]').textContent()).toBe('학습률');
    await expect.poll(() => detail.locator('[data-testid="detail-spread-row"] td[data-field="metric"]').allTextContents(), POLL)
      .toEqual(['훈련 손실', '훈련 정확도', '테스트 손실', '테스트 정확도', '시간(초)']);
    await page().getByTestId('language').selectOption('en');
    await expect.poll(() => detail.getByTestId('detail-sweep-summary').textContent(), POLL).toBe('A sweep over lr: 2 runs.');
    expect(await detail.locator('[data-testid="detail-spread-row"] td[data-field="metric"]').allTextContents()).toEqual(['train loss', 'train acc', 'test loss', 'test acc', 'time']);
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });

  test('a lesson sheet\'s bilingual title and description show the page\'s language only', async () => {
    // The lesson files hold "English · 한국어" and "English … — 한국어 …"; both halves were shown in either language.
    await page().goto(`${app.url}?sheet=xor`, { waitUntil: 'domcontentloaded' });
    await header('lr').waitFor();
    const hangul = /[\uac00-\ud7a3]/;
    const heading = () => page().locator('.ss-header h1').textContent();
    const description = () => page().locator('.ss-description').textContent();
    await page().getByTestId('language').selectOption('ko');
    await expect.poll(heading, POLL).toMatch(/^XOR: 퍼셉트론은/);
    expect(await description()).toMatch(/^각 행의 테스트 정확도/);
    expect(await description()).not.toMatch(/perceptron|hidden layer/);
    await page().getByTestId('language').selectOption('en');
    await expect.poll(heading, POLL).toBe('XOR (W8): a perceptron cannot, one hidden layer can');
    expect(await description()).not.toMatch(hangul);
    expect(await description()).toMatch(/noise to 0\.4\.$/);
    expect(uncaught(), failed.join('\n')).toEqual([]);
  });
});
