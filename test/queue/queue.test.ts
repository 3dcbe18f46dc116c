/**
 * A sheet through the queue: real redis-server, real `sweepsheet worker` processes, real training.
 * Every row must land in the file with the metrics a local run of the same seeds gives.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSheetFile } from '../../src/engine/sheet-file.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { jobIdFor } from '../../src/queue/connection.ts';
import { type Proc, type RedisHarness, startRedis, startWorker, sweepsheet, tempDir, toyRow, writeSheet } from './helpers.ts';

const dirs: string[] = [];
let redis: RedisHarness;
const workers: Proc[] = [];

beforeAll(async () => {
  redis = await startRedis();
  workers.push(...(await Promise.all([startWorker(redis.url), startWorker(redis.url)])));
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await redis?.stop();
  const { rmSync } = await import('node:fs');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ROWS = [
  ...['circle', 'xor', 'gaussian', 'spiral'].flatMap((dataset, i) => [1, 2, 3].map((seed) =>
    toyRow(`${dataset}-${seed}`, { dataset, seed: String(seed), layers: i % 2 ? 'dense(8, tanh) dense(8, tanh)' : 'dense(8, relu)', val_split: seed === 2 ? '0.2' : '0' }))),
];

function results(path: string) {
  const f = readSheetFile(readFileSync(path, 'utf8'));
  if (!f.ok) throw new Error(f.error);
  return new Map(f.value.rows.map((r) => [r.id!, r.saved?.result ?? null]));
}

describe('sweepsheet run --redis', () => {
  it('trains a 12-row sheet on two worker processes with the same metrics as a local run', async () => {
    expect(ROWS).toHaveLength(12);
    const dir = tempDir(dirs);
    const queued = writeSheet(dir, 'queued.sheet.json', ROWS);
    const local = writeSheet(dir, 'local.sheet.json', ROWS);

    const q = await sweepsheet(['run', queued, '--redis', redis.url]).done;
    expect(q.code, q.err).toBe(0);
    expect(q.out).toContain('12 rows, 12 to train on the queue at redis://127.0.0.1:');
    const l = await sweepsheet(['run', local, '--workers', '2']).done;
    expect(l.code, l.err).toBe(0);

    const fromQueue = results(queued);
    const fromLocal = results(local);
    for (const row of ROWS) {
      const a = fromQueue.get(row.id);
      const b = fromLocal.get(row.id);
      expect(a, row.id).toBeTruthy();
      expect(b, row.id).toBeTruthy();
      // Seeded: data, weights and shuffling are the same wherever the row trains.
      for (const k of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'epochsRun', 'params'] as const) {
        expect(a![k], `${row.id} ${k}`).toEqual(b![k]);
      }
      expect(a!.history.map((e) => e.loss), row.id).toEqual(b!.history.map((e) => e.loss));
    }
    // NaN survives the trip: rows without a validation split have no validation loss.
    expect(Number.isNaN(fromQueue.get('circle-1')!.valLoss)).toBe(true);
    expect(fromQueue.get('circle-2')!.valLoss).toBeGreaterThan(0);

    // Each config was trained exactly once, and both workers took a share.
    const logs = workers.map((w) => w.output());
    for (const row of ROWS) {
      const parsed = parseRow(row.cells);
      if (!parsed.ok) throw new Error(row.id);
      const started = logs.join('\n').split(`started ${jobIdFor(parsed.key)} `).length - 1;
      expect(started, row.id).toBe(1);
    }
    for (const log of logs) expect(log).toMatch(/done spec-/);
  });

  it('answers a config the queue already trained without training it again', async () => {
    const dir = tempDir(dirs);
    const path = writeSheet(dir, 'again.sheet.json', ROWS.slice(0, 3));
    const before = workers.map((w) => w.output().length);
    const r = await sweepsheet(['run', path, '--redis', redis.url, '--json']).done;
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { status: { state: string } }[]).map((x) => x.status.state)).toEqual(['done', 'done', 'done']);
    expect(workers.map((w, i) => w.output().slice(before[i])).join('')).not.toMatch(/started/);

    // --rerun asks for fresh training: the queue's old result is dropped and the config trains again.
    const one = writeSheet(dir, 'rerun.sheet.json', ROWS.slice(0, 1));
    const parsed = parseRow(ROWS[0]!.cells);
    if (!parsed.ok) throw new Error('bad row');
    const rerun = await sweepsheet(['run', one, '--redis', redis.url, '--rerun']).done;
    expect(rerun.code, rerun.err).toBe(0);
    expect(workers.map((w, i) => w.output().slice(before[i])).join('')).toContain(`started ${jobIdFor(parsed.key)} `);
  });
});
