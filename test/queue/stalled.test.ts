/**
 * At-least-once: a worker killed with SIGKILL mid-job stops renewing its lock; after the (short,
 * for the test) stalled interval another worker takes the job and trains it to the same seeded
 * result. The sheet ends with every row once.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSheetFile } from '../../src/engine/sheet-file.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { jobIdFor } from '../../src/queue/connection.ts';
import { SECONDS_LONG } from '../helpers/slow-cells.ts';
import { type Proc, type RedisHarness, startRedis, startWorker, sweepsheet, tempDir, toyRow, writeSheet } from './helpers.ts';

const dirs: string[] = [];
let redis: RedisHarness;
const workers: Proc[] = [];
const QUICK = ['--lock-ms', '2000', '--stalled-ms', '1000'];

beforeAll(async () => {
  redis = await startRedis();
  workers.push(...(await Promise.all([startWorker(redis.url, QUICK), startWorker(redis.url, QUICK)])));
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Seconds long (test/helpers/slow-cells.ts), past the 1.5 s the test lets it run before the kill:
// a dropout row on tfjs' own step took 1.6 s on a faster machine and sometimes ended first.
const LONG = toyRow('long', { ...SECONDS_LONG, seed: '7' });
const ROWS = [LONG, toyRow('s1', { seed: '11' }), toyRow('s2', { seed: '12' }), toyRow('s3', { dataset: 'xor', seed: '13' })];

function saved(path: string) {
  const text = readFileSync(path, 'utf8');
  const f = readSheetFile(text);
  if (!f.ok) throw new Error(f.error);
  return { rows: f.value.rows, results: Object.keys((JSON.parse(text) as { results: object }).results).length };
}

describe('a worker killed mid-job', () => {
  it('has its job taken over by another worker, with the same result and nothing lost or doubled', async () => {
    const dir = tempDir(dirs);
    const path = writeSheet(dir, 'stall.sheet.json', ROWS);
    const parsed = parseRow(LONG.cells);
    if (!parsed.ok) throw new Error('bad row');
    const longId = jobIdFor(parsed.key);

    const run = sweepsheet(['run', path, '--redis', redis.url]);
    const started = new RegExp(`started ${longId} `);
    const deadline = Date.now() + 120_000;
    let victim: Proc | undefined;
    while (!victim) {
      victim = workers.find((w) => started.test(w.output()));
      if (Date.now() > deadline) throw new Error(`no worker started the long job:\n${workers.map((w) => w.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let it get properly under way, then pull the plug.
    await new Promise((r) => setTimeout(r, 1500));
    expect(victim.output()).not.toContain(`done ${longId}`);
    await victim.kill('SIGKILL');
    const survivor = workers.find((w) => w !== victim)!;

    const r = await run.done;
    expect(r.code, r.out + r.err).toBe(0);
    expect(survivor.output()).toMatch(started);
    expect(survivor.output()).toContain(`done ${longId}`);

    const after = saved(path);
    expect(after.rows.map((x) => x.id)).toEqual(['long', 's1', 's2', 's3']);
    expect(after.rows.every((x) => x.saved)).toBe(true);
    expect(after.results).toBe(4);

    // The same seeded result as training the row here.
    const local = writeSheet(dir, 'local.sheet.json', [LONG]);
    const l = await sweepsheet(['run', local, '--workers', '1']).done;
    expect(l.code, l.err).toBe(0);
    const mine = saved(local).rows[0]!.saved!.result;
    const theirs = after.rows[0]!.saved!.result;
    expect(theirs.testAcc).toEqual(mine.testAcc);
    expect(theirs.history.map((e) => e.loss)).toEqual(mine.history.map((e) => e.loss));
  });
});
