/**
 * End to end from chromium: `sweepsheet serve --redis` (in this process), a worker process, and a
 * page that chose "Run on the queue": its rows fill in from the remote worker, not its own.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowState } from '../../src/engine/scheduler/sheet-engine.ts';
import { type Served, startServe } from '../../src/cli/serve.ts';
import { freePort, launchChromium } from '../helpers/browser.ts';
import { type Proc, type RedisHarness, startRedis, startWorker } from './helpers.ts';

let redis: RedisHarness;
let worker: Proc;
let served: Served;
let browser: Browser;
const serverLog: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  worker = await startWorker(redis.url);
  const io = { out: (t: string) => serverLog.push(t), err: (t: string) => serverLog.push(t), redraw: null };
  served = await startServe({ command: 'serve', redis: redis.url, port: await freePort(), host: '127.0.0.1' }, io);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await served?.close();
  await worker?.kill('SIGKILL');
  await redis?.stop();
});

describe('sweepsheet serve --redis', () => {
  it('lets the page run its rows on the queue and fills them in from a remote worker', async () => {
    const context = await browser.newContext({ viewport: { width: 2000, height: 900 } });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      // The person chose the queue on an earlier visit: the choice is remembered.
      await page.addInitScript(() => localStorage.setItem('sweepsheet.runOnQueue', '1'));
      // The dev server transforms the app on first load: slow on a busy 2-core machine.
      page.setDefaultTimeout(120_000);
      await page.goto(`${served.url}?sheet=e2e-compare`, { timeout: 180_000 });
      const toggle = page.getByTestId('run-on-queue');
      await toggle.waitFor({ timeout: 120_000 });
      expect(await toggle.isChecked()).toBe(true);
      await page.waitForFunction(() => {
        const rows = window.__sweepsheet?.rows() ?? [];
        return rows.length > 0 && rows.every((r) => r.status.state === 'done' || r.status.state === 'diverged');
      }, undefined, { timeout: 180_000, polling: 500 });
      const rows = await page.evaluate(() => window.__sweepsheet!.rows().map((r: RowState) => ({ id: r.id, key: r.parsed.ok ? r.parsed.key : null, testAcc: r.result?.testAcc ?? null, jobId: r.result?.jobId ?? null })));
      const configs = new Set(rows.map((r) => r.key));
      // Every distinct config was trained by the worker process, once.
      expect(worker.output().match(/ started spec-/g)?.length ?? 0).toBe(configs.size);
      for (const r of rows) {
        expect(r.testAcc, r.id).toBeGreaterThan(0);
        expect(r.jobId, r.id).toMatch(new RegExp(`^${r.id}@`));
      }

      // Switching back is remembered for the next visit.
      await toggle.uncheck();
      expect(await page.evaluate(() => localStorage.getItem('sweepsheet.runOnQueue'))).toBe('0');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
