/**
 * Browser-test plumbing: the project's Vite dev server on a free loopback port, and Debian's
 * chromium driven by playwright-core (never a downloaded browser).
 */
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { type ViteDevServer, createServer } from 'vite';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL on SwiftShader: headless Chrome is dropping its automatic software fallback.
  '--enable-unsafe-swiftshader',
];

export interface AppHarness {
  readonly server: ViteDevServer;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The app's address, e.g. http://127.0.0.1:40123/ */
  readonly url: string;
  /** Messages the page logged as errors, and uncaught page errors. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** A port the OS says is free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port was assigned'))));
    });
  });
}

export async function startDevServer(): Promise<{ server: ViteDevServer; url: string }> {
  const port = await freePort();
  const server = await createServer({
    root: PROJECT_ROOT,
    configFile: `${PROJECT_ROOT}/vite.config.ts`,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, open: false },
  });
  await server.listen();
  return { server, url: `http://127.0.0.1:${port}/` };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Dev server + chromium + a fresh context and page; close() tears all of it down. `locale` sets the
 * browser's language (navigator.languages, Accept-Language), e.g. 'ko-KR'.
 */
export async function startApp(viewport = { width: 2400, height: 900 }, options: { locale?: string } = {}): Promise<AppHarness> {
  const { server, url } = await startDevServer();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport, ...(options.locale ? { locale: options.locale } : {}) });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`);
    });
    const b = browser;
    return {
      server, browser: b, context, page, url, pageErrors,
      async close() {
        await context.close().catch(() => {});
        await b.close().catch(() => {});
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.close();
    throw e;
  }
}

/**
 * Type into a grid cell through the grid's own editor, as a person does: double-click the cell of
 * row `id` and column `col` (in the master table), replace the text, Enter.
 */
export async function typeIntoCell(page: Page, id: string, col: string, text: string): Promise<void> {
  await page.locator(`.ht_master td[data-row-id="${id}"][data-col="${col}"]`).dblclick();
  const editor = page.locator('.handsontableInputHolder:not(.ht_editor_hidden) textarea.handsontableInput');
  await editor.waitFor({ state: 'visible' });
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/**
 * Wait until the grid's cells show the engine's rows as they are now. The engine's state changes
 * at once and the grid draws it at a later frame, every status cell before other cells when a
 * frame's budget runs out: a status cell reading "done" does not mean its row's numbers are drawn.
 */
export async function gridCaughtUp(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__sweepsheet!.gridDrawn() && window.__sweepsheet!.rows().every((r) =>
    document.querySelector(`.ht_master td[data-row-id="${r.id}"][data-col="status"]`)?.getAttribute('data-state') === r.status.state));
}

/**
 * A sheet file of `count` toy rows `r1`…`rN` (names "row N"): each trains a few tenths of a second
 * (300 epochs of batch 4 on the circle), so that a grid of them is still training while a test
 * sorts, scrolls or switches things. `over(i)` types over row i's cells.
 */
export function trainingSheetFile(title: string, count: number, over: (i: number) => Record<string, string> = () => ({})): string {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `r${i + 1}`,
    cells: {
      name: `row ${i + 1}`, dataset: 'circle', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03', batch_size: '4', epochs: '300', seed: String(1 + i),
      ...over(i),
    },
  }));
  return JSON.stringify({ format: 'sweepsheet', version: 1, title, description: '', rows });
}

/** Open a sheet file through the page's own file input, as a person does, and wait for its `rows` rows. */
export async function openSheetFile(page: Page, name: string, json: string, rows: number): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(json) });
  await page.waitForFunction((n) => window.__sweepsheet?.rows().length === n, rows, { timeout: 60_000 });
}

/** Put the mouse over the grid (wheel events then scroll the page over it). */
export async function pointAtGrid(page: Page): Promise<void> {
  const box = (await page.locator('.ht_master').boundingBox())!;
  await page.mouse.move(box.x + 500, 400);
}

/** Resolve after the page has drawn two more frames. */
export function twoFrames(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/**
 * Wait until the grid's cells show the engine's rows as they are now (window.__sweepsheet.gridDrawn):
 * after waiting for one cell (a status), before reading the row's other cells, which a frame's
 * budget may draw a frame later.
 */
export async function gridDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__sweepsheet!.gridDrawn());
}
