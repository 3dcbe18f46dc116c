/**
 * The relay between a page and the queue trusts nothing: every job is re-read by the engine's row
 * parser with the file caps, cross-site and malformed requests are refused, and a hostile job put
 * on the queue directly is refused by the worker (failed once, never retried, never evaluated).
 */
import { type Server, createServer } from 'node:http';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { decode } from '../../src/queue/codec.ts';
import { connectionOptions, jobIdFor, parseRedisUrl } from '../../src/queue/connection.ts';
import { QUEUE_NAME } from '../../src/queue/job-data.ts';
import { type Relay, createRelay } from '../../src/queue/relay.ts';
import { QueueRunner } from '../../src/queue/runner.ts';
import { freePort } from '../helpers/browser.ts';
import { type Proc, type RedisHarness, startRedis, startWorker, toyRow } from './helpers.ts';

let redis: RedisHarness;
let worker: Proc;
let runner: QueueRunner;
let relay: Relay;
let server: Server;
let base: string;
let queue: Queue;

beforeAll(async () => {
  redis = await startRedis();
  const target = parseRedisUrl(redis.url);
  if (!target.ok) throw new Error(target.error);
  worker = await startWorker(redis.url);
  runner = await QueueRunner.open({ target: target.value, pollMs: 1000 });
  queue = new Queue(QUEUE_NAME, { connection: connectionOptions(target.value) });
  relay = createRelay(runner);
  const port = await freePort();
  server = createServer((req, res) => {
    if (!relay.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  base = `http://127.0.0.1:${port}`;
}, 180_000);

afterAll(async () => {
  relay?.close();
  await new Promise((r) => server?.close(r));
  await queue?.close();
  await runner?.close();
  await worker?.kill('SIGKILL');
  await redis?.stop();
});

/** The page's side of the stream: events in order, parsed with the relay's codec. */
async function openEvents(): Promise<{ session: string; events: { event: string; data: Record<string, unknown> }[]; close: () => void }> {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/queue/events`, { signal: abort.signal });
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let hello: (s: string) => void = () => undefined;
  const session = new Promise<string>((r) => { hello = r; });
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          const d = decode(data);
          if (!d.ok) throw new Error(d.error);
          events.push({ event, data: d.value as Record<string, unknown> });
          if (event === 'hello') hello((d.value as { session: string }).session);
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return { session: await session, events, close: () => abort.abort() };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

function specOf(over: Record<string, string> = {}) {
  const p = parseRow(toyRow('x', over).cells);
  if (!p.ok) throw new Error('bad row');
  return p.spec;
}

describe('the queue relay', () => {
  it('says whether a queue is there', async () => {
    expect(await (await fetch(`${base}/api/queue/info`)).json()).toEqual({ queue: true });
    const bare = createRelay(null);
    const res = { code: 0, body: '', writeHead(c: number) { this.code = c; return this; }, end(b?: string) { this.body = b ?? ''; return this; }, headersSent: false };
    expect(bare.handle({ url: '/api/queue/info', method: 'GET', headers: {} } as never, res as never)).toBe(true);
    expect(JSON.parse(res.body)).toEqual({ queue: false });
    expect(bare.handle({ url: '/api/queue/jobs', method: 'POST', headers: {} } as never, res as never)).toBe(false);
  });

  it('runs a valid job on a worker and streams its progress and result back', async () => {
    const ev = await openEvents();
    try {
      // Long enough (about a second) to send progress before its end: a job that ends within its
      // first update's hold sends only its result, whose history has every epoch.
      const spec = specOf({ seed: '21', epochs: '500', batch_size: '2' });
      const res = await post('/api/queue/jobs', { session: ev.session, id: 'r1@1', spec });
      expect(res.status).toBe(202);
      const deadline = Date.now() + 120_000;
      while (!ev.events.some((e) => e.event === 'result' || e.event === 'failed')) {
        if (Date.now() > deadline) throw new Error(`no result: ${JSON.stringify(ev.events)}\n${worker.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const result = ev.events.find((e) => e.event === 'result');
      expect(result, JSON.stringify(ev.events)).toBeTruthy();
      const r = result!.data.r as { jobId: string; testAcc: number; valLoss: number; epochsRun: number };
      expect(result!.data.id).toBe('r1@1');
      expect(r.jobId).toBe('r1@1');
      expect(r.epochsRun).toBe(500);
      expect(r.testAcc).toBeGreaterThan(0.5);
      expect(Number.isNaN(r.valLoss)).toBe(true);
      expect(ev.events.filter((e) => e.event === 'progress').length).toBeGreaterThan(0);
    } finally {
      ev.close();
    }
  });

  it('refuses invalid and hostile jobs, and puts none of them on the queue', async () => {
    const before = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    const ev = await openEvents();
    try {
      const good = specOf();
      const cases: [string, unknown, RegExp][] = [
        ['over the sample-epoch cap', { ...good, dataset: { name: 'mnist', subset: null, noise: 0 }, epochs: 500 }, /epochs: .*over the cap/],
        ['a layer over the limits', { ...good, layers: [{ kind: 'dense', units: 1e9, activation: 'relu', l1: 0, l2: 0 }] }, /layers/],
        ['an unknown field', { ...good, evil: 'require("child_process")' }, /does not read back to itself/],
        ['code instead of a spec', 'process.exit(1)', /not an object/],
        ['a layer that injects text', { ...good, layers: [{ kind: 'dense', units: '8) dense(4096', activation: 'relu', l1: 0, l2: 0 }] }, /does not read back|layers/],
        ['a learning rate out of range', { ...good, learningRate: 1e6 }, /lr: .*out of range/],
        ['an unknown dataset', { ...good, dataset: { name: '../../etc/passwd', subset: null, noise: 0 } }, /dataset/],
        ['a prototype key', JSON.parse(`{"__proto__": {"polluted": true}, "dataset": {"name": "circle", "subset": null, "noise": 0.1}}`), /./],
      ];
      for (const [what, spec, message] of cases) {
        const res = await post('/api/queue/jobs', { session: ev.session, id: 'bad@1', spec });
        expect(res.status, what).toBe(400);
        expect(((await res.json()) as { error: string }).error, what).toMatch(message);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      expect((await post('/api/queue/jobs', { session: 'made-up', id: 'a@1', spec: good })).status).toBe(400);
      expect((await post('/api/queue/jobs', { session: ev.session, id: 'a b<script>', spec: good })).status).toBe(400);
      expect((await post('/api/queue/jobs', { session: ev.session, id: 'a@1', spec: good }, { origin: 'http://evil.example' })).status).toBe(403);
      expect((await post('/api/queue/jobs', JSON.stringify({ session: ev.session, id: 'a@1', spec: good }), { 'content-type': 'text/plain' })).status).toBe(415);
      expect((await post('/api/queue/jobs', '{"session": ', {})).status).toBe(400);
      expect((await post('/api/queue/jobs', JSON.stringify({ session: ev.session, id: 'a@1', spec: good, pad: 'x'.repeat(100_000) }))).status).toBe(413);

      const after = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
      expect(after).toEqual(before);
    } finally {
      ev.close();
    }
  });

  it('has workers refuse a hostile job put on the queue directly: failed once with the reason, not retried', async () => {
    const job = await queue.add('train', { v: 1, spec: { ...specOf(), epochs: 1e9 } }, { jobId: 'hostile-1', attempts: 3 });
    const code = await queue.add('train', { v: 1, spec: 'while(true){}' }, { jobId: 'hostile-2', attempts: 3 });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const states = await Promise.all([job.getState(), code.getState()]);
      if (states.every((s) => s === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`states ${states.join(', ')}\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const id of ['hostile-1', 'hostile-2']) {
      const j = (await queue.getJob(id))!;
      expect(j.failedReason).toMatch(/^refused by the worker: /);
      expect(j.attemptsMade).toBe(1);
    }
    expect(worker.output()).toContain('refused hostile-1: epochs:');
    // The worker is still there and still trains.
    expect(worker.child.exitCode).toBeNull();
  });

  it('turns a job that failed on the queue into a failed row with its error', async () => {
    // The queue holds this config's job with data no worker accepts: every try fails, and the row says why.
    const row = toyRow('doomed', { seed: '99', epochs: '1' });
    const parsed = parseRow(row.cells);
    if (!parsed.ok) throw new Error('bad row');
    const id = jobIdFor(parsed.key);
    await queue.add('train', { v: 2, spec: parsed.spec }, { jobId: id, attempts: 1 });
    const engine = new SheetEngine([row], runner);
    try {
      await engine.idle();
      const status = engine.row('doomed')!.status;
      expect(status.state).toBe('failed');
      expect(status.state === 'failed' && status.message).toMatch(/^failed on the queue: refused by the worker: the job data is version 2; this worker reads version 1/);
      // The row can learn of the failure (the queue's failed event) a moment before the job's own
      // record shows the attempt: read the record until it has settled.
      await expect.poll(async () => (await queue.getJob(id))!.attemptsMade, { timeout: 10_000 }).toBe(1);
    } finally {
      engine.dispose();
    }
  });
});
