/**
 * Persistence, checked where it runs: the modules of src/persist/ loaded by URL into the app's
 * page (Vite serves TypeScript), on chromium's real IndexedDB. A few checks of the coalescing
 * logic run first in Node, on the memory store and the real engine with a scripted runner.
 *
 * The page is the app's "unknown sheet" page: it is served and booted like any other, but starts
 * no workers of its own, so the only training is what a test starts. Every test uses its own
 * database name, so whatever the app itself saves cannot leak into these checks.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyDocument, type SheetDocument, writeSheet } from '../../src/engine/sheet-file.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { deleteSheet, recoverSheet, startAutosave } from '../../src/persist/autosave.ts';
import { DB_VERSION, MemoryStore, type StoreError, type StoreName, type Transaction, type Tx, openStore } from '../../src/persist/idb.ts';
import { savedText } from '../../src/persist/sheets.ts';
import { ResultStore } from '../../src/persist/result-store.ts';
import { launchChromium, startDevServer } from '../helpers/browser.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const PAGE = '?sheet=persist-test-blank';

type Idb = typeof import('../../src/persist/idb.ts');
type Results = typeof import('../../src/persist/result-store.ts');
type Saving = typeof import('../../src/persist/autosave.ts');
type Engine = typeof import('../../src/engine/scheduler/sheet-engine.ts');
type SheetFile = typeof import('../../src/engine/sheet-file.ts');
type Pool = typeof import('../../src/workers/browser-pool.ts');

/** What the tests keep on the page's window between evaluate calls. */
type TestWindow = Window & {
  __imp: (url: string) => Promise<unknown>;
  __t: {
    engine: InstanceType<Engine['SheetEngine']>;
    pool: ReturnType<Pool['createBrowserPool']>;
    started: string[];
    errors: string[];
  };
};

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Wait until `ok()` holds, for up to 10 s: the autosave builds in timer slices, which a loaded
 * machine (CI runs test files side by side) can delay well past the save delay.
 */
async function until(ok: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(5);
  }
}

/** Two toy rows: one trains in a moment, one is still running long after. */
function toyDocument(title: string): SheetDocument {
  const quick = { name: 'quick', dataset: 'circle', layers: 'dense(4, relu)', epochs: '3', batch_size: '32', seed: '1' };
  // The dropout keeps the long row on tfjs' own step (the fused dense trainer would finish its 500
  // epochs in a second or two), and batches of 8 make it tens of seconds.
  const long = { ...quick, name: 'long', layers: 'dense(4, relu) dropout(0.1)', epochs: '500', batch_size: '8' };
  return { ...emptyDocument(), title, rows: [{ id: 'quick', cells: quick }, { id: 'long', cells: long }] };
}

/**
 * The memory store, with writes of sheet `id` counted (each write's text is filled in once it
 * landed), held on a gate, or failed on demand.
 */
class ProbeStore extends MemoryStore {
  puts: string[] = [];
  gate: Promise<void> | null = null;
  failing = false;
  constructor(private readonly id = 's1') { super(null); }
  override transact(stores: readonly StoreName[], mode: IDBTransactionMode, op: string, body: (tx: Tx) => Promise<void>): Transaction {
    if (mode !== 'readwrite' || !stores.includes('sheets')) return super.transact(stores, mode, op, body);
    const i = this.puts.push('') - 1;
    let aborted = false;
    let inner: Transaction | null = null;
    const done = (async () => {
      if (this.gate) await this.gate;
      if (this.failing) return { ok: false as const, error: { kind: 'store-error' as const, op: 'put sheets', message: 'disk full', quota: true } };
      inner = super.transact(stores, mode, op, body);
      if (aborted) inner.abort();
      const r = await inner.done;
      const text = await savedText(this, this.id);
      if (text.ok) this.puts[i] = text.value ?? '';
      return r;
    })();
    return { done, abort: () => { aborted = true; inner?.abort(); } };
  }
}

describe('persistence logic in Node (memory store)', () => {
  test('without IndexedDB the store degrades to memory and says so', async () => {
    const store = await openStore();
    expect(store.kind).toBe('memory');
    expect(store.warning).toMatch(/IndexedDB is unavailable.*lost on reload/);
    await expect(store.put('meta', 'k', { a: 1 })).resolves.toEqual({ ok: true, value: undefined });
    await expect(store.get('meta', 'k')).resolves.toEqual({ ok: true, value: { a: 1 } });
    const results = await ResultStore.open({ store });
    expect(results.warning).toBe(store.warning);
  });

  test('a burst of changes costs one write; a change during a write costs exactly one more; the last state lands', async () => {
    const store = new ProbeStore();
    const runner = new ScriptedRunner(1);
    const doc = toyDocument('burst');
    const engine = new SheetEngine(doc.rows.map((r) => ({ id: r.id, cells: r.cells })), runner, { schedule: (f) => f() });
    const errors: StoreError[] = [];
    const saver = startAutosave(engine, { sheetId: 's1', base: doc, store, delayMs: 20, onError: (e) => errors.push(e) });
    // `landed(n)`: the n-th write has reached the store; a quiet spell after it shows no other followed.
    const landed = (n: number) => until(() => store.puts.length >= n && store.puts[n - 1] !== '', `write ${n}`);
    await landed(1);
    await wait(60);
    expect(store.puts).toHaveLength(1);

    for (let i = 0; i < 50; i++) engine.edit([{ row: 'quick', column: 'notes', text: `note ${i}` }]);
    await landed(2);
    await wait(60);
    expect(store.puts).toHaveLength(2);
    expect(store.puts[1]).toContain('"note 49"');

    // Progress ticks change nothing a file holds: no write.
    await settle();
    runner.last('quick').progress({ epoch: 1, loss: 0.5 });
    runner.last('quick').progress({ epoch: 2, loss: 0.4 });
    await wait(60);
    expect(store.puts).toHaveLength(2);

    // Hold the next write in flight and change the sheet twice meanwhile.
    let open!: () => void;
    store.gate = new Promise((r) => { open = r; });
    engine.edit([{ row: 'long', column: 'notes', text: 'first' }]);
    await until(() => store.puts.length >= 3, 'write 3 to start');
    engine.edit([{ row: 'long', column: 'notes', text: 'second' }]);
    engine.edit([{ row: 'long', column: 'notes', text: 'third' }]);
    await wait(60);
    expect(store.puts).toHaveLength(3);
    store.gate = null;
    open();
    await landed(4);
    await wait(60);
    expect(store.puts).toHaveLength(4);
    expect(store.puts[3]).toContain('"third"');

    // A finished run is saved with its result.
    runner.last('quick').finish({ testAcc: 0.75 });
    await landed(5);
    await wait(60);
    expect(store.puts).toHaveLength(5);
    const saved = await recoverSheet(store, 's1');
    expect(saved?.rows.find((r) => r.id === 'long')?.cells.notes).toBe('third');
    expect(Object.values(saved?.results ?? {}).map((r) => r.testAcc)).toEqual([0.75]);

    // A failed write is reported, never thrown, and retried by the next change.
    store.failing = true;
    engine.edit([{ row: 'quick', column: 'notes', text: 'lost?' }]);
    await saver.flush();
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    store.failing = false;
    await saver.flush();
    expect((await recoverSheet(store, 's1'))?.rows[0]?.cells.notes).toBe('lost?');
    await saver.stop();
    engine.dispose();
  });

  test('formula columns, run mode and title reach the saved copy', async () => {
    const store = new ProbeStore('s2');
    const doc = toyDocument('first title');
    const engine = new SheetEngine(doc.rows.map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(1), { schedule: (f) => f() });
    const saver = startAutosave(engine, { sheetId: 's2', base: doc, store, delayMs: 10 });
    engine.setFormulaColumn({ key: 'gap', label: 'gap', formula: '=train_acc - test_acc' });
    await until(() => store.puts.some((t) => t.includes('train_acc - test_acc')), 'the formula column saved');
    expect((await recoverSheet(store, 's2'))?.columns).toEqual([{ key: 'gap', label: 'gap', formula: '=train_acc - test_acc' }]);
    engine.setRunMode('manual');
    saver.touch({ title: 'second title' });
    await saver.flush();
    const saved = await recoverSheet(store, 's2');
    expect({ title: saved?.title, runMode: saved?.settings.runMode }).toEqual({ title: 'second title', runMode: 'manual' });
    await saver.stop();
    engine.dispose();
  });

  test('a big sheet is saved in chunks: the saved text is writeSheet\'s, an edit stores one or two chunks, nothing is left over', async () => {
    const store = new ProbeStore('big');
    const base = { ...emptyDocument(), title: 'big', rows: Array.from({ length: 3000 }, (_, i) => ({ id: `r${i}`, cells: { name: `run ${i}`, dataset: 'xor', layers: '', seed: String(i) } })) };
    const engine = new SheetEngine(base.rows, new ScriptedRunner(1), { schedule: (f) => f(), runMode: 'manual' });
    const saver = startAutosave(engine, { sheetId: 'big', base, store, delayMs: 5 });
    await saver.flush();
    const chunkKeys = async () => {
      const all = await store.getAll<string>('chunks');
      return all.ok ? all.value.map((e) => e.key) : [];
    };
    const first = await chunkKeys();
    expect(first.length).toBeGreaterThan(20);
    expect(store.puts.at(-1)).toBe(writeSheet(saver.document()));

    engine.edit([{ row: 'r1500', column: 'notes', text: 'only this row' }]);
    await saver.flush();
    const second = await chunkKeys();
    const added = second.filter((k) => !first.includes(k));
    expect(added.length).toBeGreaterThanOrEqual(1);
    expect(added.length).toBeLessThanOrEqual(2);
    // The chunks the store holds are exactly those the record names: the replaced one is gone.
    const record = await store.get<{ chunks: string[] }>('sheets', 'big');
    expect(record.ok && [...record.value!.chunks].sort()).toEqual([...second].sort());
    expect(store.puts.at(-1)).toBe(writeSheet(saver.document()));
    expect((await recoverSheet(store, 'big'))?.rows[1500]?.cells.notes).toBe('only this row');

    // Nothing changed: no write at all.
    const writes = store.puts.length;
    saver.touch();
    await saver.flush();
    expect(store.puts.length).toBe(writes);
    expect(await chunkKeys()).toEqual(second);

    await saver.stop();
    await deleteSheet(store, 'big');
    expect({ chunks: await chunkKeys(), record: await recoverSheet(store, 'big') }).toEqual({ chunks: [], record: null });
    engine.dispose();
  });

  test('a sheet whose curves do not fit is saved with its numbers, and the autosave says which cap and how many', async () => {
    // 300 finished rows of 500 epochs: ~7 MB of curves, past the 5 MB a sheet file may hold.
    const store = new ProbeStore('curves');
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, cells: { name: `run ${i}`, dataset: 'circle', layers: 'dense(4, relu)', epochs: '500', seed: String(i + 1) } }));
    const base = { ...emptyDocument(), title: 'curves', rows };
    const runner = new ScriptedRunner(300);
    const engine = new SheetEngine(rows, runner, { schedule: (f) => f() });
    await settle();
    const epoch = (i: number) => ({ loss: 1 / (1 + i), acc: 0.5 + i / 1000, valLoss: NaN, valAcc: NaN, lr: 0.01 });
    for (const call of [...runner.calls]) call.finish({ testAcc: 0.8, history: Array.from({ length: 500 }, (_, i) => epoch(i)) });
    await settle();
    const errors: StoreError[] = [];
    const saver = startAutosave(engine, { sheetId: 'curves', base, store, delayMs: 5, onError: (e) => errors.push(e) });
    await saver.flush();
    const limit = errors.find((e) => e.limit)?.limit;
    expect(limit?.what).toBe('curves');
    const left = limit?.what === 'curves' ? limit.left : 0;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(300);
    // Every result is in the saved copy; as many as the message says have no curve.
    const saved = await recoverSheet(store, 'curves');
    const results = Object.values(saved?.results ?? {});
    expect(results).toHaveLength(300);
    expect(results.filter((r) => r.history.loss.length === 0)).toHaveLength(left);
    expect(results.every((r) => r.testAcc === 0.8)).toBe(true);
    // Said once: the next save, for a note, passes the same cap with the same count and says nothing.
    engine.edit([{ row: 'r0', column: 'notes', text: 'a note' }]);
    await saver.flush();
    expect((await recoverSheet(store, 'curves'))?.rows[0]?.cells.notes).toBe('a note');
    expect(errors.filter((e) => e.limit)).toHaveLength(1);
    await saver.stop();
    engine.dispose();
  });

  test('the result cache keeps the newest results up to its limit, and skips unchanged ones', async () => {
    const store = new MemoryStore(null);
    const runner = new ScriptedRunner(5);
    let t = Date.parse('2026-01-01T00:00:00Z');
    const results = await ResultStore.open({ store, limit: 3, now: () => new Date((t += 1000)) });
    const engine = new SheetEngine([], runner, { schedule: (f) => f(), cache: results });
    for (const seed of ['1', '2', '3', '4', '5']) engine.addRow({ id: `s${seed}`, cells: { dataset: 'circle', layers: '', seed } });
    for (const c of [...runner.calls]) c.finish();
    await settle();
    await results.flush();
    expect(results.size).toBe(3);
    const stored = await store.getAll<string>('results');
    expect(stored.ok && stored.value.length).toBe(3);
    const keys = engine.rows().map((r) => (r.parsed.ok ? r.parsed.key : ''));
    expect(keys.map((k) => results.has(k))).toEqual([false, false, true, true, true]);
    // A fresh open sees the same three, and re-setting one of them writes nothing.
    const again = await ResultStore.open({ store, limit: 3 });
    expect(keys.map((k) => again.has(k))).toEqual([false, false, true, true, true]);
    const before = stored.ok ? stored.value.map((e) => e.value) : [];
    again.set(keys[4]!, { ...again.get(keys[4]!)!, jobId: 'other' });
    await again.flush();
    const after = await store.getAll<string>('results');
    expect(after.ok && after.value.map((e) => e.value)).toEqual(before);
    engine.dispose();
  });

  test('results imported from a file keep their stamps and are written once', async () => {
    const store = new MemoryStore(null);
    const results = await ResultStore.open({ store });
    const runner = new ScriptedRunner(1);
    const engine = new SheetEngine([{ id: 'a', cells: { dataset: 'xor', layers: '' } }], runner, { schedule: (f) => f(), cache: results });
    await settle();
    runner.last('a').finish({ testAcc: 0.5 });
    await settle();
    const key = engine.rows()[0]!.resultKey!;
    const saver = startAutosave(engine, { sheetId: 'x', base: emptyDocument(), store });
    const doc = saver.document();
    await saver.stop();
    const other = new MemoryStore(null);
    const imported = await ResultStore.open({ store: other });
    imported.importSaved(doc.results);
    imported.importSaved(doc.results);
    await imported.flush();
    const rows = await other.getAll<string>('results');
    expect(rows.ok && rows.value.map((e) => [e.key, JSON.parse(e.value).finishedAt])).toEqual([[key, doc.results[key]!.finishedAt]]);
    expect(imported.get(key)?.testAcc).toBe(0.5);
    engine.dispose();
  });

  test('a stored result that cannot be read is reported and removed, not thrown', async () => {
    const store = new MemoryStore(null);
    await store.put('results', 'not-text', 42);
    await store.put('results', 'not-a-result', '{"finishedAt":null,"testAcc":2}');
    const errors: string[] = [];
    const results = await ResultStore.open({ store, onError: (e) => errors.push(e.message) });
    expect(errors).toEqual(['1 stored result(s) could not be read and were removed; those rows will train again']);
    expect(results.get('not-a-result')).toBeUndefined();
    expect(errors[1]).toBe('a stored result could not be read and was removed; its row will train again');
    await results.flush();
    const left = await store.getAll('results');
    expect(left.ok && left.value).toEqual([]);
  });
});

describe('persistence in chromium', () => {
  let server: ViteDevServer;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  /** A page of `ctx` on the app, with a dynamic-import helper the test transform cannot rewrite. */
  async function openPage(ctx: BrowserContext, init?: string): Promise<Page> {
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    if (init) await p.addInitScript({ content: init });
    // A loaded machine (2 cores shared) can take longer than the default 30 s for the first load.
    await p.goto(url + PAGE, { timeout: 120_000 });
    await p.getByRole('alert').waitFor();
    return p;
  }

  beforeAll(async () => {
    ({ server, url } = await startDevServer());
    browser = await launchChromium();
    context = await browser.newContext();
    // A string, so vitest's transform leaves the import() alone.
    await context.addInitScript({ content: 'window.__imp = (u) => import(u);' });
    page = await openPage(context);
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  test('results written through ResultStore survive a reload', async () => {
    const written = await page.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
      const store = await openStore({ name: 'persist-results' });
      const results = await ResultStore.open({ store });
      const r = {
        jobId: 'j1', trainLoss: 0.1, trainAcc: 0.9, valLoss: NaN, valAcc: NaN, testLoss: 0.2, testAcc: 0.85, testMae: NaN,
        seconds: 1.5, samplesPerSec: 300, params: 17, backend: 'cpu' as const, backendReason: 'test', epochsRun: 2, bestEpoch: 2,
        restoredBest: false, finalLr: 0.03, diverged: null, stoppedEarly: null,
        history: [{ loss: 0.5, acc: 0.6, valLoss: NaN, valAcc: NaN, lr: 0.03 }, { loss: 0.3, acc: 0.8, valLoss: NaN, valAcc: NaN, lr: 0.03 }],
      };
      results.set('{"spec":1}', r);
      results.set('{"spec":2}', { ...r, testAcc: 0.5 });
      await results.flush();
      return { kind: store.kind, warning: store.warning, size: results.size };
    });
    expect(written).toEqual({ kind: 'indexeddb', warning: null, size: 2 });

    await page.reload();
    await page.getByRole('alert').waitFor();
    const read = await page.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
      const results = await ResultStore.open({ store: await openStore({ name: 'persist-results' }) });
      const r = results.get('{"spec":1}');
      return { size: results.size, testAcc: r?.testAcc, valLossIsNaN: Number.isNaN(r?.valLoss), losses: r?.history.map((h) => h.loss), other: results.get('{"spec":2}')?.testAcc };
    });
    expect(read).toEqual({ size: 2, testAcc: 0.85, valLossIsNaN: true, losses: [0.5, 0.3], other: 0.5 });
  });

  test('a reload mid-run: the finished row comes back without training, the running one is queued again', async () => {
    const doc = toyDocument('reload mid-run');
    await page.evaluate(async (doc) => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
      const { startAutosave } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const { SheetEngine } = (await w.__imp('/src/engine/scheduler/sheet-engine.ts')) as Engine;
      const { rowInits } = (await w.__imp('/src/engine/sheet-file.ts')) as SheetFile;
      const { createBrowserPool } = (await w.__imp('/src/workers/browser-pool.ts')) as Pool;
      const store = await openStore({ name: 'persist-sheets' });
      const errors: string[] = [];
      const cache = await ResultStore.open({ store, onError: (e) => errors.push(e.message) });
      const pool = createBrowserPool({ size: 1 });
      const started: string[] = [];
      const runner = { capacity: pool.capacity, run: ((job, o) => { started.push(job.id); return pool.run(job, o); }) as typeof pool.run };
      const engine = new SheetEngine(rowInits(doc), runner, { cache });
      startAutosave(engine, { sheetId: 'toy', base: doc, store, onError: (e) => errors.push(e.message) });
      w.__t = { engine, pool, started, errors };
    }, doc);

    await page.waitForFunction(() => {
      const e = (window as unknown as TestWindow).__t.engine;
      return e.row('quick')?.status.state === 'done' && e.row('long')?.status.state === 'running';
    }, undefined, { timeout: 90_000, polling: 50 });
    // Autosave writes on its own (no flush here): wait until the stored copy holds the quick result.
    const before = await page.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { recoverSheet } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const store = await openStore({ name: 'persist-sheets' });
      const quick = w.__t.engine.row('quick')!;
      const key = quick.parsed.ok ? quick.parsed.key : '';
      for (let i = 0; i < 100; i++) {
        const saved = await recoverSheet(store, 'toy');
        if (saved && Object.hasOwn(saved.results, key)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      store.close();
      return { long: w.__t.engine.row('long')!.status, testAcc: quick.result!.testAcc, started: w.__t.started, errors: w.__t.errors };
    });
    expect(before.long.state).toBe('running');
    expect(before.started).toEqual(['quick@1', 'long@1']);
    expect(before.errors).toEqual([]);

    await page.reload();
    await page.getByRole('alert').waitFor();
    const after = await page.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
      const { recoverSheet, listRecent } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const { SheetEngine } = (await w.__imp('/src/engine/scheduler/sheet-engine.ts')) as Engine;
      const { rowInits } = (await w.__imp('/src/engine/sheet-file.ts')) as SheetFile;
      const { createBrowserPool } = (await w.__imp('/src/workers/browser-pool.ts')) as Pool;
      const store = await openStore({ name: 'persist-sheets' });
      const errors: string[] = [];
      const doc = await recoverSheet(store, 'toy', (e) => errors.push(e.message));
      if (!doc) return { error: 'nothing recovered', errors };
      const cache = await ResultStore.open({ store, onError: (e) => errors.push(e.message) });
      const pool = createBrowserPool({ size: 1 });
      const started: string[] = [];
      const runner = { capacity: pool.capacity, run: ((job, o) => { started.push(job.id); return pool.run(job, o); }) as typeof pool.run };
      const engine = new SheetEngine(rowInits(doc), runner, { cache });
      // Right after construction, before any run could start or finish.
      const at0 = engine.rows().map((r) => ({ id: r.id, state: r.status.state, jobId: r.result?.jobId ?? null, testAcc: r.result?.testAcc ?? null }));
      const keys = engine.rows().map((r) => (r.parsed.ok ? r.parsed.key : ''));
      w.__t = { engine, pool, started, errors };
      return {
        title: doc.title, rows: doc.rows.map((r) => r.id), savedKeys: Object.keys(doc.results).map((k) => keys.indexOf(k)),
        cached: keys.map((k) => cache.has(k)), at0, recent: await listRecent(store, 5), errors,
      };
    });
    expect(after).toMatchObject({
      title: 'reload mid-run', rows: ['quick', 'long'], savedKeys: [0], cached: [true, false],
      at0: [{ id: 'quick', state: 'done', jobId: 'saved', testAcc: before.testAcc }, { id: 'long', state: 'queued', jobId: null, testAcc: null }],
      recent: [{ id: 'toy', title: 'reload mid-run', updatedAt: expect.any(Number) }],
      errors: [],
    });

    // The long row trains again by itself; the quick one never does.
    await page.waitForFunction(() => (window as unknown as TestWindow).__t.engine.row('long')?.status.state === 'running', undefined, { timeout: 60_000, polling: 50 });
    const runs = await page.evaluate(() => {
      const t = (window as unknown as TestWindow).__t;
      const out = { started: [...t.started], quick: t.engine.row('quick')!.status.state };
      t.engine.dispose();
      t.pool.dispose();
      return out;
    });
    expect(runs).toEqual({ started: ['long@1'], quick: 'done' });
  });

  test('another browser context sees nothing of this one', async () => {
    const probe = async (p: Page) => p.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
      const { recoverSheet, listRecent } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const sheets = await openStore({ name: 'persist-sheets' });
      const results = await ResultStore.open({ store: await openStore({ name: 'persist-results' }) });
      return { kind: sheets.kind, results: results.size, recent: (await listRecent(sheets)).length, toy: (await recoverSheet(sheets, 'toy')) !== null };
    });
    // This context holds data, so the empty answer below is not empty for want of looking.
    expect(await probe(page)).toEqual({ kind: 'indexeddb', results: 2, recent: 1, toy: true });
    const other = await browser.newContext();
    await other.addInitScript({ content: 'window.__imp = (u) => import(u);' });
    try {
      expect(await probe(await openPage(other))).toEqual({ kind: 'indexeddb', results: 0, recent: 0, toy: false });
    } finally {
      await other.close();
    }
  });

  test('without IndexedDB everything runs in memory, with a warning and no throw', async () => {
    const other = await browser.newContext();
    await other.addInitScript({ content: 'window.__imp = (u) => import(u);' });
    try {
      const p = await openPage(other, 'delete window.indexedDB; if ("indexedDB" in window) Object.defineProperty(window, "indexedDB", { value: undefined });');
      const out = await p.evaluate(async () => {
        const w = window as unknown as TestWindow;
        const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
        const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
        const { startAutosave, recoverSheet, listRecent } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
        const { SheetEngine } = (await w.__imp('/src/engine/scheduler/sheet-engine.ts')) as Engine;
        const { emptyDocument } = (await w.__imp('/src/engine/sheet-file.ts')) as SheetFile;
        const errors: string[] = [];
        const store = await openStore();
        const cache = await ResultStore.open({ onError: (e) => errors.push(e.message) });
        const never = { capacity: 1, run: () => new Promise<never>(() => {}) };
        const base = { ...emptyDocument(), title: 'in memory', rows: [{ id: 'a', cells: { dataset: 'xor', layers: '' } }] };
        const engine = new SheetEngine(base.rows, never, { cache });
        const saver = startAutosave(engine, { sheetId: 'm', base, store, onError: (e) => errors.push(e.message) });
        engine.edit([{ row: 'a', column: 'notes', text: 'kept in the tab' }]);
        await saver.stop();
        engine.dispose();
        return {
          hasIdb: typeof (globalThis as { indexedDB?: unknown }).indexedDB, kind: store.kind, warning: store.warning, cacheWarning: cache.warning,
          notes: (await recoverSheet(store, 'm'))?.rows[0]?.cells.notes, recent: (await listRecent(store)).map((r) => r.title), errors,
        };
      });
      expect(out).toMatchObject({ hasIdb: 'undefined', kind: 'memory', notes: 'kept in the tab', recent: ['in memory'], errors: [] });
      expect(out.warning).toMatch(/IndexedDB is unavailable/);
      expect(out.cacheWarning).toMatch(/IndexedDB is unavailable/);
    } finally {
      await other.close();
    }
  });

  test('a full disk is an error value; the work stays in memory and is saved once space is back', async () => {
    const p = await openPage(context);
    const out = await p.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { ResultStore } = (await w.__imp('/src/persist/result-store.ts')) as Results;
      const { startAutosave, recoverSheet } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const { SheetEngine } = (await w.__imp('/src/engine/scheduler/sheet-engine.ts')) as Engine;
      const { emptyDocument } = (await w.__imp('/src/engine/sheet-file.ts')) as SheetFile;
      const errors: { message: string; quota: boolean }[] = [];
      const onError = (e: { message: string; quota: boolean }) => errors.push({ message: e.message, quota: e.quota });
      const store = await openStore({ name: 'persist-quota' });
      const cache = await ResultStore.open({ store, onError });
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function () { throw new DOMException('the quota has been exceeded', 'QuotaExceededError'); };
      const result = {
        jobId: 'q', trainLoss: 1, trainAcc: 0.5, valLoss: NaN, valAcc: NaN, testLoss: 1, testAcc: 0.5, testMae: NaN, seconds: 1,
        samplesPerSec: 1, params: 1, backend: 'cpu' as const, backendReason: '', epochsRun: 1, bestEpoch: 1, restoredBest: false,
        finalLr: 0.1, history: [], diverged: null, stoppedEarly: null,
      };
      cache.set('{"q":1}', result);
      await cache.flush();
      const never = { capacity: 1, run: () => new Promise<never>(() => {}) };
      const base = { ...emptyDocument(), title: 'quota', rows: [{ id: 'a', cells: { dataset: 'xor', layers: '' } }] };
      const engine = new SheetEngine(base.rows, never, { cache });
      const saver = startAutosave(engine, { sheetId: 'q', base, store, onError });
      engine.edit([{ row: 'a', column: 'notes', text: 'typed while full' }]);
      await saver.flush();
      const whileFull = { cached: cache.get('{"q":1}')?.testAcc, saved: await recoverSheet(store, 'q') };
      IDBObjectStore.prototype.put = put;
      await saver.flush();
      const notes = (await recoverSheet(store, 'q'))?.rows[0]?.cells.notes;
      await saver.stop();
      engine.dispose();
      return { errors, whileFull, notes };
    });
    expect(out.whileFull).toEqual({ cached: 0.5, saved: null });
    expect(out.notes).toBe('typed while full');
    expect(out.errors.length).toBeGreaterThanOrEqual(2);
    for (const e of out.errors) expect(e).toEqual({ quota: true, message: expect.stringMatching(/^the browser's storage for this site is full, so the last change was not saved \(put (results|sheets|meta)\)/) });
    await p.close();
  });

  test('hidden mid-write and closed at once: the newest state is saved, byte for byte as writeSheet prints it', async () => {
    const p = await openPage(context);
    const expected = await p.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { startAutosave } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const { savedText } = (await w.__imp('/src/persist/sheets.ts')) as typeof import('../../src/persist/sheets.ts');
      const { SheetEngine } = (await w.__imp('/src/engine/scheduler/sheet-engine.ts')) as Engine;
      const { emptyDocument, writeSheet } = (await w.__imp('/src/engine/sheet-file.ts')) as SheetFile;
      const store = await openStore({ name: 'persist-hide' });
      const never = { capacity: 1, run: () => new Promise<never>(() => {}) };
      const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: `r${i}`, cells: { name: `run ${i}`, dataset: 'circle', layers: 'dense(8, relu)', lr: String(i / 10_000), seed: String(i) } }));
      const base = { ...emptyDocument(), title: 'hidden', settings: { runMode: 'manual' as const }, rows };
      const engine = new SheetEngine(rows, never, { runMode: 'manual' });
      const saver = startAutosave(engine, { sheetId: 'hide', base, store, delayMs: 1 });
      await saver.flush();
      const whole = (await savedText(store, 'hide'));
      const first = whole.ok && whole.value === writeSheet(saver.document());
      // A write in flight (building in slices, or storing chunk by chunk)...
      engine.edit([{ row: 'r10', column: 'notes', text: 'in flight' }]);
      await new Promise((r) => setTimeout(r, 30));
      // ...then one more edit, and the page is hidden in the same task as it would be on closing.
      engine.edit([{ row: 'r9000', column: 'notes', text: 'the last edit' }]);
      await null;
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      // Nothing after this task may reach the database, as when the page is gone: whatever the
      // hide did not send now is lost (a transaction already made still completes).
      store.close();
      return { first, text: writeSheet(saver.document()) };
    });
    expect(expected.first).toBe(true);
    await p.close({ runBeforeUnload: false });

    const again = await openPage(context);
    const saved = await again.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { savedText } = (await w.__imp('/src/persist/sheets.ts')) as typeof import('../../src/persist/sheets.ts');
      const text = await savedText(await openStore({ name: 'persist-hide' }), 'hide');
      return text.ok ? text.value : text.error.message;
    });
    expect(saved === expected.text).toBe(true);
    expect(saved).toContain('"the last edit"');
    await again.close();
  });

  test('a sheet saved whole by database version 1 is read after the upgrade, and saved in chunks from then on', async () => {
    const out = await page.evaluate(async () => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const { startAutosave, recoverSheet, listRecent } = (await w.__imp('/src/persist/autosave.ts')) as Saving;
      const { savedText } = (await w.__imp('/src/persist/sheets.ts')) as typeof import('../../src/persist/sheets.ts');
      const { SheetEngine } = (await w.__imp('/src/engine/scheduler/sheet-engine.ts')) as Engine;
      const { emptyDocument, writeSheet } = (await w.__imp('/src/engine/sheet-file.ts')) as SheetFile;
      const old = { ...emptyDocument(), title: 'from version 1', rows: [{ id: 'a', cells: { dataset: 'xor', layers: '', notes: 'old text' } }] };
      // The database as version 1 made it: three stores, the sheet's whole text in its record.
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('persist-v1', 1);
        req.onupgradeneeded = () => { for (const s of ['sheets', 'results', 'meta']) req.result.createObjectStore(s); };
        req.onsuccess = () => {
          const tx = req.result.transaction('sheets', 'readwrite');
          tx.objectStore('sheets').put({ id: 'v1', title: old.title, updatedAt: 1, text: writeSheet(old) }, 'v1');
          tx.oncomplete = () => { req.result.close(); resolve(); };
          tx.onabort = () => reject(tx.error);
        };
        req.onerror = () => reject(req.error);
      });
      const store = await openStore({ name: 'persist-v1' });
      const recovered = await recoverSheet(store, 'v1');
      if (!recovered) return { error: 'nothing recovered' };
      const never = { capacity: 1, run: () => new Promise<never>(() => {}) };
      const engine = new SheetEngine(recovered.rows, never, { runMode: 'manual' });
      const saver = startAutosave(engine, { sheetId: 'v1', base: recovered, store });
      engine.edit([{ row: 'a', column: 'notes', text: 'new text' }]);
      await saver.stop();
      engine.dispose();
      const record = await store.get<Record<string, unknown>>('sheets', 'v1');
      const text = await savedText(store, 'v1');
      return {
        kind: store.kind, title: recovered.title, notes: recovered.rows[0]?.cells.notes,
        fields: record.ok ? Object.keys(record.value ?? {}).sort() : [], same: text.ok && text.value === writeSheet(saver.document()),
        now: (await recoverSheet(store, 'v1'))?.rows[0]?.cells.notes, recent: (await listRecent(store)).map((r) => r.title),
      };
    });
    expect(out).toEqual({
      kind: 'indexeddb', title: 'from version 1', notes: 'old text', fields: ['bytes', 'chunks', 'id', 'title', 'updatedAt'], same: true,
      now: 'new text', recent: ['from version 1'],
    });
  });

  test('a newer version opened elsewhere closes this connection: calls return errors, not throws', async () => {
    const out = await page.evaluate(async (version) => {
      const w = window as unknown as TestWindow;
      const { openStore } = (await w.__imp('/src/persist/idb.ts')) as Idb;
      const closed: string[] = [];
      const store = await openStore({ name: 'persist-upgrade', onClosed: (m) => closed.push(m) });
      const first = await store.put('meta', 'x', 1);
      // What a newer Sweepsheet in another tab would do.
      const newer = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('persist-upgrade', version + 1);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const afterClose = await store.put('meta', 'x', 2);
      newer.close();
      // And this (older) version opening the newer database falls back to memory.
      const old = await openStore({ name: 'persist-upgrade' });
      return { first: first.ok, closed, warning: store.warning, afterClose, oldKind: old.kind, oldWarning: old.warning };
    }, DB_VERSION);
    expect(out.first).toBe(true);
    expect(out.closed).toEqual([expect.stringMatching(/newer Sweepsheet opened the saved data in another tab/)]);
    expect(out.warning).toBe(out.closed[0]);
    expect(out.afterClose).toMatchObject({ ok: false, error: { kind: 'store-error', op: 'put meta', quota: false } });
    expect(out.oldKind).toBe('memory');
    expect(out.oldWarning).toMatch(/^IndexedDB could not be opened \(VersionError/);
    expect(pageErrors).toEqual([]);
  });
});
