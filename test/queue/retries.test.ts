/**
 * Bounded retries: a job that fails every time it is tried (here, a worker on a machine whose
 * datasets were never prepared) is tried `attempts` times with a backoff, then marked failed,
 * and the row shows the worker's error.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { jobIdFor, parseRedisUrl } from '../../src/queue/connection.ts';
import { QueueRunner } from '../../src/queue/runner.ts';
import { type Proc, type RedisHarness, startProc, startRedis, tempDir, toyRow } from './helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
let redis: RedisHarness;
let worker: Proc;
let runner: QueueRunner;

beforeAll(async () => {
  redis = await startRedis();
  // A checkout without public/data: the code and packages, but no prepared dataset files.
  const bare = tempDir(dirs);
  for (const d of ['src', 'bin']) cpSync(join(ROOT, d), join(bare, d), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(bare, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(bare, 'node_modules'));
  mkdirSync(join(bare, 'public'));
  worker = startProc(process.execPath, [join(bare, 'bin/sweepsheet.mjs'), 'worker', '--redis', redis.url, '--concurrency', '1'], { cwd: bare });
  await worker.waitFor('worker ready', 120_000);
  const target = parseRedisUrl(redis.url);
  if (!target.ok) throw new Error(target.error);
  runner = await QueueRunner.open({ target: target.value, attempts: 3, pollMs: 1000 });
}, 180_000);

afterAll(async () => {
  await runner?.close();
  await worker?.kill('SIGKILL');
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a job that fails every time', () => {
  it('is tried three times, then marked failed with the error on its row', async () => {
    const row = toyRow('iris', { dataset: 'iris', epochs: '1' });
    const parsed = parseRow(row.cells);
    if (!parsed.ok) throw new Error('bad row');
    const engine = new SheetEngine([row], runner);
    try {
      await engine.idle();
      const status = engine.row('iris')!.status;
      expect(status.state).toBe('failed');
      expect(status.state === 'failed' && status.message).toMatch(/^failed on the queue: .*dataset file public\/data\/iris\.bin is missing: run npm run prepare-data/);
      const id = jobIdFor(parsed.key);
      expect(worker.output().split(`started ${id} `).length - 1).toBe(3);
      expect(worker.output()).toContain(`started ${id} (iris, seed 1, 1 epochs, attempt 3)`);
    } finally {
      engine.dispose();
    }
  });
});
