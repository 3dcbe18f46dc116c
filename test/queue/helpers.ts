/**
 * Queue-test plumbing: Debian's redis-server on a free loopback port with its own temp dir (no
 * persistence), `sweepsheet` processes (workers, runs) with their output kept, and small sheets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/browser.ts';

export const BIN = new URL('../../bin/sweepsheet.mjs', import.meta.url).pathname;

export { type Proc, startProc } from '../helpers/process.ts';
import { type Proc, startProc } from '../helpers/process.ts';

export const sweepsheet = (args: string[]) => startProc(process.execPath, [BIN, ...args]);

export interface RedisHarness {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A private redis-server on 127.0.0.1: nothing saved to disk, its dir removed on stop. */
export async function startRedis(): Promise<RedisHarness> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sweepsheet-redis-'));
  const redis = startProc('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no']);
  try {
    await redis.waitFor('Ready to accept connections', 20_000);
  } catch (e) {
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `redis://127.0.0.1:${port}`, port,
    async stop() {
      await redis.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A worker process; resolves once it is connected and its threads are up. */
export async function startWorker(redisUrl: string, extra: string[] = []): Promise<Proc> {
  const w = sweepsheet(['worker', '--redis', redisUrl, '--concurrency', '1', ...extra]);
  await w.waitFor('worker ready', 120_000);
  return w;
}

export type Cells = Record<string, string>;

export const toyRow = (id: string, over: Cells = {}) => ({
  id, cells: { name: id, dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam', lr: '0.03', batch_size: '32', epochs: '3', seed: '1', ...over },
});

export function tempDir(dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sweepsheet-queue-'));
  dirs.push(dir);
  return dir;
}

export function writeSheet(dir: string, name: string, rows: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ format: 'sweepsheet', version: 1, title: 'queue test', rows }));
  return path;
}
