/**
 * Where the queue lives: a redis:// (or rediss://) address, checked and turned into BullMQ's
 * connection options. Loopback is the default; a Redis on another host with no password gets a
 * loud warning, because anyone who reaches it can read the sheets' specs and feed workers jobs.
 */
import { createHash } from 'node:crypto';
import { type Result, err, ok } from '../engine/errors.ts';

export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly password: string | null;
  readonly username: string | null;
  readonly tls: boolean;
  readonly db: number;
  /** The address without its password, for messages and logs. */
  readonly display: string;
}

/**
 * Read a Redis address. The password may be in the URL (`redis://:secret@host:6379`) or, to keep
 * it out of the process list, in the SWEEPSHEET_REDIS_PASSWORD environment variable.
 */
export function parseRedisUrl(text: string, env: Readonly<Record<string, string | undefined>> = {}): Result<RedisTarget, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return err(`"${text.slice(0, 80)}" is not an address like redis://127.0.0.1:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return err(`expected redis:// or rediss://, found ${url.protocol}//`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') return err('the Redis address has no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15) return err(`"${dbText}" is not a Redis database number (0-15)`);
  const password = url.password !== '' ? decodeURIComponent(url.password) : env.SWEEPSHEET_REDIS_PASSWORD || null;
  const username = url.username !== '' ? decodeURIComponent(url.username) : null;
  const tls = url.protocol === 'rediss:';
  return ok({ host, port, password, username, tls, db, display: `${url.protocol}//${url.hostname}:${port}${db ? `/${db}` : ''}` });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The warning to print before connecting, or null when the address is safe by default. */
export function exposureWarning(t: RedisTarget): string | null {
  if (isLoopback(t.host) || t.password !== null) return null;
  return `warning: the Redis at ${t.display} is not on this machine and no password is set: anyone who can reach it `
    + 'can read the jobs and give the workers work. Set requirepass in redis.conf and pass it as '
    + 'redis://:PASSWORD@HOST:PORT or in SWEEPSHEET_REDIS_PASSWORD; keep the port behind a firewall (see docs/queue.md).';
}

/** BullMQ's (ioredis') connection options for a target. */
export function connectionOptions(t: RedisTarget): Record<string, unknown> {
  return {
    host: t.host, port: t.port, db: t.db,
    ...(t.password !== null ? { password: t.password } : {}),
    ...(t.username !== null ? { username: t.username } : {}),
    ...(t.tls ? { tls: {} } : {}),
    // BullMQ's blocking commands need this; it also makes a lost Redis wait instead of throwing per call.
    maxRetriesPerRequest: null,
  };
}

/** The queue job id of a spec: the same config always gets the same id, so it is trained once. */
export function jobIdFor(key: string): string {
  return `spec-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/**
 * A reporter for connection errors: ioredis retries a lost Redis every second or two, and each try
 * fails the same way; say it once, then again only if it is still failing half a minute later.
 */
export function throttledErrors(report: (message: string) => void, everyMs = 30_000): (e: Error) => void {
  const last = new Map<string, number>();
  return (e) => {
    const now = Date.now();
    const at = last.get(e.message);
    if (at !== undefined && now - at < everyMs) return;
    last.set(e.message, now);
    report(`queue connection: ${e.message}`);
  };
}
