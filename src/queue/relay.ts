/**
 * The relay between a page and the queue, as HTTP handlers for `sweepsheet serve`: the page opens
 * one event stream (SSE) and posts jobs; the relay checks every job with the engine's own row
 * parser and caps (never trusting the page), runs it on the queue runner, and streams progress
 * and the result back. Closing the stream withdraws that page's jobs. Without a queue the relay
 * answers only /api/queue/info, with {queue: false}, and the page trains locally.
 *
 *   GET  /api/queue/info     {queue: boolean}
 *   GET  /api/queue/events   text/event-stream: hello {session}, then progress/result/failed {id, ...}
 *   POST /api/queue/jobs     {session, id, spec}  -> 202, or 400 with {error}
 *   POST /api/queue/cancel   {session, id}        -> 204
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runner } from '../engine/scheduler/runner.ts';
import { FILE_LIMITS } from '../engine/sheet-file.ts';
import { encode } from './codec.ts';
import { MAX_JOB_BYTES, checkSpec } from './job-data.ts';

export const RELAY_PATHS = { info: '/api/queue/info', events: '/api/queue/events', jobs: '/api/queue/jobs', cancel: '/api/queue/cancel' } as const;

/** Jobs one page may have in flight: a sheet's rows at most. */
const MAX_PER_SESSION = FILE_LIMITS.maxRows;
const JOB_ID = /^[A-Za-z0-9_.:@-]{1,120}$/;
const KEEPALIVE_MS = 15_000;

interface Session {
  readonly send: (event: string, data: unknown) => void;
  readonly runs: Map<string, AbortController>;
}

export interface Relay {
  /** Answer the request if it is the relay's; false means it is someone else's (the app's files). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** End every stream and withdraw every job. */
  close(): void;
}

export function createRelay(runner: Runner | null): Relay {
  const sessions = new Map<string, Session>();
  const streams = new Set<ServerResponse>();

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    const id = randomUUID();
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${encode(data)}\n\n`);
    };
    const session: Session = { send, runs: new Map() };
    sessions.set(id, session);
    streams.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    const end = () => {
      clearInterval(beat);
      streams.delete(res);
      sessions.delete(id);
      for (const a of session.runs.values()) a.abort();
    };
    req.on('close', end);
    send('hello', { session: id });
  };

  const submit = async (req: IncomingMessage, res: ServerResponse, cancel: boolean) => {
    const body = await readJson(req, res);
    if (body === undefined) return;
    const { session: sid, id, spec } = body as { session?: unknown; id?: unknown; spec?: unknown };
    const session = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (!session) return reply(res, 400, { error: 'unknown session: open /api/queue/events first' });
    if (typeof id !== 'string' || !JOB_ID.test(id)) return reply(res, 400, { error: 'the job id must be 1-120 letters, digits and _.:@-' });
    if (cancel) {
      session.runs.get(id)?.abort();
      session.runs.delete(id);
      return reply(res, 204, null);
    }
    if (session.runs.has(id)) return reply(res, 400, { error: `job ${id} is already running` });
    if (session.runs.size >= MAX_PER_SESSION) return reply(res, 400, { error: `at most ${MAX_PER_SESSION} jobs per page at once` });
    const checked = checkSpec(spec);
    if (!checked.ok) return reply(res, 400, { error: `refused: ${checked.error}` });
    const abort = new AbortController();
    session.runs.set(id, abort);
    reply(res, 202, { accepted: true });
    runner!.run({ id, spec: checked.value.spec }, { signal: abort.signal, onProgress: (p) => session.send('progress', { id, p }) }).then(
      (r) => { if (!abort.signal.aborted) session.send('result', { id, r }); },
      (e: unknown) => { if (!abort.signal.aborted) session.send('failed', { id, message: e instanceof Error ? e.message : String(e) }); },
    ).finally(() => {
      if (session.runs.get(id) === abort) session.runs.delete(id);
    });
  };

  return {
    handle(req, res) {
      const path = (req.url ?? '').split('?')[0];
      if (path === RELAY_PATHS.info && req.method === 'GET') {
        reply(res, 200, { queue: runner !== null });
        return true;
      }
      if (!runner || !Object.values(RELAY_PATHS).includes(path as never)) return false;
      if (!sameOrigin(req)) {
        reply(res, 403, { error: 'requests from another site are refused' });
        return true;
      }
      if (path === RELAY_PATHS.events && req.method === 'GET') openStream(req, res);
      else if ((path === RELAY_PATHS.jobs || path === RELAY_PATHS.cancel) && req.method === 'POST') {
        void submit(req, res, path === RELAY_PATHS.cancel).catch(() => reply(res, 500, { error: 'the relay failed' }));
      } else reply(res, 405, { error: 'method not allowed' });
      return true;
    },
    close() {
      for (const s of sessions.values()) for (const a of s.runs.values()) a.abort();
      sessions.clear();
      for (const r of streams) r.end();
      streams.clear();
    },
  };
}

/** A browser names the page's origin on cross-site requests; it must be this server's. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
}

/** The body as JSON, or undefined after answering the error (wrong type, too big, not JSON). */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  // application/json makes a cross-site form post impossible without a preflight we never grant.
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    reply(res, 415, { error: 'send application/json' });
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JOB_BYTES) {
      reply(res, 413, { error: `the request is over ${MAX_JOB_BYTES} bytes` });
      req.destroy();
      return undefined;
    }
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    reply(res, 400, { error: 'the body is not JSON' });
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (body === null) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}
