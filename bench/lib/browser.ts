/**
 * Drives the benchmark page (bench/browser/) in Debian's chromium through the project's Vite dev
 * server, with the same launch flags as the browser tests (SwiftShader WebGL, no network).
 */
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH, launchChromium, startDevServer } from '../../test/helpers/browser.ts';
import type { BenchPage } from '../browser/main.ts';

export interface BenchBrowser {
  /** Calls window.__bench[method](...args) in the page. */
  call<K extends keyof BenchPage>(method: K, ...args: Parameters<BenchPage[K]>): Promise<Awaited<ReturnType<BenchPage[K]>>>;
  close(): Promise<void>;
  /** The chromium behind the page, for CDP sessions of its own (bench:memory reads the worker's heap). */
  readonly browser: Browser;
}

/** Starts the server and chromium, or returns null (saying why) when chromium is missing. */
export async function openBenchPage(): Promise<BenchBrowser | null> {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`chromium not found at ${CHROMIUM_PATH}: browser columns are skipped`);
    return null;
  }
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    const dev = await startDevServer();
    server = dev.server;
    browser = await launchChromium();
    const page: Page = await browser.newPage();
    page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.log(`  [console] ${m.text()}`); });
    await page.goto(`${dev.url}bench/browser/index.html`);
    await page.waitForFunction(() => document.title === 'bench ready', undefined, { timeout: 120_000 });
    const b = browser;
    const s = server;
    return {
      browser: b,
      call: (method, ...args) =>
        page.evaluate(
          ([m, a]) => (window as unknown as { __bench: Record<string, (...x: unknown[]) => unknown> }).__bench[m]!(...a),
          [method, args] as [string, unknown[]],
        ) as never,
      async close() {
        await b.close().catch(() => {});
        await s.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => {});
    await server?.close();
    throw e;
  }
}
