/** The queue's plain-data pieces: spec checking (same as a file's rows), the codec, Redis addresses. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/engine/job.ts';
import { readSheetFile } from '../../src/engine/sheet-file.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { checkProgress, checkResult, decode, encode } from '../../src/queue/codec.ts';
import { exposureWarning, jobIdFor, parseRedisUrl } from '../../src/queue/connection.ts';
import { checkJobData, checkSpec } from '../../src/queue/job-data.ts';
import { toyRow } from './helpers.ts';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

const spec = (over: Record<string, string> = {}) => {
  const p = parseRow(toyRow('x', over).cells);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return p;
};

describe('checkSpec', () => {
  it('accepts every spec the example sheets train, unchanged', () => {
    let n = 0;
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.sheet.json'))) {
      const f = readSheetFile(readFileSync(new URL(name, FIXTURES), 'utf8'));
      if (!f.ok) throw new Error(`${name}: ${f.error}`);
      for (const row of f.value.rows) {
        const p = parseRow(row.cells);
        if (!p.ok) continue; // sweeps and deliberately bad rows: their children are checked as specs too
        const c = checkSpec(JSON.parse(JSON.stringify(p.spec)));
        expect(c.ok ? c.value.key : c.error, `${name} ${row.id}`).toBe(p.key);
        n++;
      }
    }
    expect(n).toBeGreaterThan(30);
  });

  it.each([
    ['conv layers, a subset, callbacks', { dataset: 'mnist:2k', layers: 'conv2d(8, 3, padding=same) maxpool(2) flatten dropout(0.25) dense(32, relu, l2=0.0001)', epochs: '2', val_split: '0.1', early_stop: '3', reduce_lr: '0.5, 2', keep_best: 'yes', lr: '1e-7' }],
    ['no hidden layers', { layers: '' }],
    ['a regression set', { dataset: 'gauss-mix', noise: '0.3' }],
  ])('round-trips %s', (_what, over) => {
    const p = spec(over);
    const c = checkSpec(JSON.parse(JSON.stringify(p.spec)));
    expect(c.ok && c.value.key).toBe(p.key);
  });

  it.each<[string, (s: Record<string, unknown>) => unknown, RegExp]>([
    ['epochs over the range', (s) => ({ ...s, epochs: 501 }), /^epochs: 501 is out of range/],
    ['a fractional batch', (s) => ({ ...s, batchSize: 3.5 }), /^batch_size: 3.5 is not a whole number/],
    ['a negative seed', (s) => ({ ...s, seed: -1 }), /^seed: /],
    ['a string for a number', (s) => ({ ...s, learningRate: '0.1' }), /^lr: /],
    ['a missing field', ({ optimizer: _o, ...rest }) => rest, /^optimizer: /],
    ['an unknown optimizer', (s) => ({ ...s, optimizer: 'magic' }), /^optimizer: "magic" is not a choice/],
    ['a noise on a file dataset', (s) => ({ ...s, dataset: { name: 'iris', subset: null, noise: 0.2 } }), /does not read back to itself/],
    ['an extra field', (s) => ({ ...s, extra: 1 }), /does not read back to itself/],
    ['an array', () => [], /not an object/],
    ['null', () => null, /not an object/],
    ['layers that are not a list', (s) => ({ ...s, layers: 'dense(8)' }), /^layers: not a list/],
    ['an unknown layer kind', (s) => ({ ...s, layers: [{ kind: 'eval' }] }), /does not read back to itself/],
  ])('refuses %s', (_what, change, message) => {
    const c = checkSpec(change(JSON.parse(JSON.stringify(spec().spec)) as Record<string, unknown>));
    expect(c.ok ? 'accepted' : c.error).toMatch(message);
  });

  it('checks the job envelope: version and size', () => {
    const s = spec().spec;
    expect(checkJobData({ v: 1, spec: s }).ok).toBe(true);
    expect(checkJobData({ v: 2, spec: s })).toEqual({ ok: false, error: 'the job data is version 2; this worker reads version 1' });
    expect(checkJobData('{"v":1}')).toEqual({ ok: false, error: 'the job data is not an object' });
    const big = checkJobData({ v: 1, spec: s, pad: 'x'.repeat(40_000) });
    expect(big.ok ? '' : big.error).toMatch(/^the job data is \d+ bytes; the limit is 32000/);
  });

  it('gives equal specs the same job id and different specs different ids', () => {
    expect(jobIdFor(spec().key)).toBe(jobIdFor(spec({}).key));
    expect(jobIdFor(spec().key)).not.toBe(jobIdFor(spec({ seed: '2' }).key));
    expect(jobIdFor(spec().key)).toMatch(/^spec-[0-9a-f]{40}$/);
  });
});

describe('the codec', () => {
  const result: TrainResult = {
    jobId: 'j', trainLoss: 0.1, trainAcc: 0.9, valLoss: NaN, valAcc: NaN, testLoss: Infinity, testAcc: 0.8, testMae: NaN,
    seconds: 1, samplesPerSec: 100, params: 10, backend: 'wasm', backendReason: 'r', epochsRun: 1, bestEpoch: 1, restoredBest: false,
    finalLr: 0.01, history: [{ loss: -Infinity, acc: 0.5, valLoss: NaN, valAcc: NaN, lr: 0.01 }], diverged: null, stoppedEarly: null,
    insights: { confusion: [[1, 0], [0, 1]], samples: [], boundary: null },
  };

  it('carries NaN and infinities, and fields it does not know, through JSON', () => {
    const back = decode(encode(result));
    expect(back.ok).toBe(true);
    const r = checkResult(back.ok ? back.value : null);
    expect(r.ok && r.value).toEqual(result);
    expect(r.ok && Number.isNaN(r.value.valLoss)).toBe(true);
    expect(r.ok && r.value.insights).toEqual(result.insights);
  });

  it('never evaluates: text that is not JSON is an error, and odd objects stay objects', () => {
    expect(decode('(() => 1)()')).toMatchObject({ ok: false });
    expect(decode(42)).toEqual({ ok: false, error: 'expected JSON text, found number' });
    expect(decode('{"$n":"alert(1)"}')).toEqual({ ok: true, value: { $n: 'alert(1)' } });
    expect(checkResult({ ...result, backend: 'gpu' })).toEqual({ ok: false, error: 'the result names no known backend' });
    expect(checkResult({ ...result, history: 'x' })).toMatchObject({ ok: false });
    expect(checkProgress({ epoch: 1, epochs: 2, fraction: 0.5, backend: 'cpu', loss: 'big' })).toMatchObject({ ok: false });
    expect(checkProgress({ jobId: 'j', epoch: 1, epochs: 2, fraction: 0.5, backend: 'cpu', record: { loss: 1 } }).ok).toBe(true);
  });
});

describe('Redis addresses', () => {
  it.each([
    ['redis://127.0.0.1:6379', { host: '127.0.0.1', port: 6379, password: null, tls: false, db: 0 }, false],
    ['redis://localhost', { host: 'localhost', port: 6379, password: null }, false],
    ['redis://[::1]:7000/2', { host: '::1', port: 7000, db: 2 }, false],
    ['redis://10.0.0.5:6379', { host: '10.0.0.5', password: null }, true],
    ['redis://:s%40cret@10.0.0.5:6379', { host: '10.0.0.5', password: 's@cret', display: 'redis://10.0.0.5:6379' }, false],
    ['rediss://queue.example:6380', { host: 'queue.example', tls: true }, true],
  ])('%s', (url, expected, warns) => {
    const t = parseRedisUrl(url);
    if (!t.ok) throw new Error(t.error);
    expect(t.value).toMatchObject(expected);
    expect(exposureWarning(t.value) !== null).toBe(warns);
  });

  it('takes the password from SWEEPSHEET_REDIS_PASSWORD and never prints it', () => {
    const t = parseRedisUrl('redis://10.0.0.5:6379', { SWEEPSHEET_REDIS_PASSWORD: 'hunter2' });
    expect(t.ok && t.value.password).toBe('hunter2');
    expect(t.ok && exposureWarning(t.value)).toBeNull();
    expect(t.ok && t.value.display).not.toContain('hunter2');
  });

  it('says what is wrong with a bad address', () => {
    expect(parseRedisUrl('http://x')).toEqual({ ok: false, error: 'expected redis:// or rediss://, found http://' });
    expect(parseRedisUrl('not a url')).toMatchObject({ ok: false });
    expect(parseRedisUrl('redis://h/99')).toEqual({ ok: false, error: '"99" is not a Redis database number (0-15)' });
    const w = exposureWarning({ host: '10.0.0.5', port: 6379, password: null, username: null, tls: false, db: 0, display: 'redis://10.0.0.5:6379' });
    expect(w).toMatch(/^warning: the Redis at redis:\/\/10.0.0.5:6379 is not on this machine and no password is set/);
  });
});
