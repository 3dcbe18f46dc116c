import { describe, expect, it } from 'vitest';
import {
  FILE_LIMITS, documentFromRows, emptyDocument, readSheet, readSheetFile, writeSheet, writeSheetFile,
} from '../../../src/engine/sheet-file.ts';
import { cells, keyOf, rowState, sampleDocument, savedResult, trainResult } from './helpers.ts';

const stamp = { finishedAt: '2026-11-22T12:00:00.000Z', app: '0.1.0', tfjs: '4.22.0' };

describe('writeSheet', () => {
  it('writes fixed key order, two-space indentation, number lists on one line, NaN as null and a final newline', () => {
    const text = writeSheet(sampleDocument());
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'version', 'title', 'description', 'settings', 'columns', 'rows', 'results']);
    expect(text).toContain('\n  "settings": {\n    "runMode": "manual"\n  },\n');
    expect(text).toContain('"valLoss": [null, null],');
    expect(text).not.toContain('NaN');
    const result = Object.values(JSON.parse(text).results)[0] as object;
    expect(Object.keys(result)).toEqual([
      'status', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'testMae', 'seconds', 'samplesPerSec',
      'params', 'backend', 'backendReason', 'epochsRun', 'bestEpoch', 'restoredBest', 'finalLr', 'diverged', 'stoppedEarly',
      'history', 'finishedAt', 'provenance',
    ]);
  });

  it('prints lists of numbers with ", " whether all finite, with NaN and ±Infinity (as null), or with nulls', () => {
    const history = { loss: [1, 0.5, 1e-7, -0, 1e21], acc: [0.25, NaN, Infinity, -Infinity], valLoss: [null, 0.125, null], valAcc: [], lr: [0.01] };
    const text = writeSheet({ ...emptyDocument(), results: { k: savedResult({ history } as never) } });
    expect(text).toContain('"loss": [1, 0.5, 1e-7, 0, 1e+21],');
    expect(text).toContain('"acc": [0.25, null, null, null],');
    expect(text).toContain('"valLoss": [null, 0.125, null],');
    expect(text).toContain('"valAcc": [],');
    expect(text).toContain('"lr": [0.01]');
  });

  it('orders cells by the column table and results by key, whatever order they were built in', () => {
    const doc = sampleDocument();
    const shuffled = {
      ...doc,
      rows: doc.rows.map((r) => ({ ...r, cells: Object.fromEntries(Object.entries(r.cells).reverse()) })),
      results: Object.fromEntries(Object.entries(doc.results).reverse()),
    };
    expect(writeSheet(shuffled)).toBe(writeSheet(doc));
    expect(Object.keys(JSON.parse(writeSheet(doc)).rows[0].cells)).toEqual(['name', 'dataset', 'noise', 'layers', 'optimizer', 'lr', 'batch_size', 'epochs', 'seed']);
  });

  it('save, open, save gives the same bytes', () => {
    const once = writeSheet(sampleDocument());
    const r = readSheet(once);
    expect(r.ok && writeSheet(r.value)).toBe(once);
  });

  it('rows and results printed before print the same again: cached text equals a fresh print', () => {
    const doc = sampleDocument();
    const first = writeSheet(doc);
    // A deep copy has no cached text: it must come out byte for byte the same.
    expect(writeSheet(structuredClone(doc))).toBe(first);
    expect(writeSheet(doc)).toBe(first);
    // The same cells object under another id prints the new id.
    const renamed = { ...doc, rows: doc.rows.map((r, i) => ({ id: `other-${i}`, cells: r.cells })) };
    expect(writeSheet(renamed)).toBe(writeSheet(structuredClone(renamed)));
    expect(writeSheet(renamed)).toContain('"id": "other-0"');
  });

  it('writes Infinity as null, read back as NaN', () => {
    const doc = { ...emptyDocument(), results: { k: savedResult({ seconds: Infinity, trainLoss: -Infinity }) } };
    const r = readSheet(writeSheet(doc));
    expect(r.ok && r.value.results.k!.seconds).toBeNaN();
    expect(r.ok && r.value.results.k!.trainLoss).toBeNaN();
  });
});

describe('documentFromRows', () => {
  const a = cells({ name: 'a' });
  const b = cells({ name: 'b', lr: '0.1' });

  it('keeps every result by spec key, fresh or stale, and stamps new ones', () => {
    const stale = rowState('b', b, trainResult({ testAcc: 0.6 }), keyOf(cells({ lr: '0.5' })));
    const doc = documentFromRows(emptyDocument(), [rowState('a', a, trainResult()), stale], stamp);
    // b shows the result of its older spec: the row says which, so it is shown stale after opening.
    expect(doc.rows).toEqual([{ id: 'a', cells: a }, { id: 'b', cells: b, staleResult: keyOf(cells({ lr: '0.5' })) }]);
    expect(Object.keys(doc.results).sort()).toEqual([keyOf(a), keyOf(cells({ lr: '0.5' }))].sort());
    expect(doc.results[keyOf(a)]!.finishedAt).toBe(stamp.finishedAt);
    expect(doc.results[keyOf(a)]!.provenance).toEqual({ app: '0.1.0', tfjs: '4.22.0', backend: 'cpu' });
    expect(doc.results[keyOf(a)]!.history.loss).toEqual([1, 0.5, 1 / 3]);
  });

  it('a result already saved keeps its stamp; a new run of the same spec gets a new one', () => {
    const first = documentFromRows(emptyDocument(), [rowState('a', a, trainResult())], stamp);
    const later = { ...stamp, finishedAt: '2026-11-23T00:00:00.000Z' };
    const same = documentFromRows(first, [rowState('a', a, trainResult({ jobId: 'other' }))], later);
    expect(writeSheet(same)).toBe(writeSheet(first));
    const rerun = documentFromRows(first, [rowState('a', a, trainResult({ testAcc: 0.9 }))], later);
    expect(rerun.results[keyOf(a)]!.finishedAt).toBe(later.finishedAt);
  });

  it('keeps title, settings, columns and cached results of the base document', () => {
    const base = sampleDocument();
    const doc = documentFromRows(base, [rowState('z', cells({ name: 'z' }))], stamp);
    expect(doc.title).toBe('sample');
    expect(doc.settings).toEqual({ runMode: 'manual' });
    expect(doc.columns).toEqual(base.columns);
    expect(doc.results).toEqual(base.results);
  });

  it('writes a sweep row but not its children, and keeps the results of the children by spec key', () => {
    const sweep = cells({ name: 'sweep', lr: '0.1, 0.01' });
    const c1 = cells({ name: 'sweep', lr: '0.1' });
    const c2 = cells({ name: 'sweep', lr: '0.01' });
    const doc = documentFromRows(emptyDocument(), [
      { ...rowState('s', sweep), sweep: { swept: ['lr'], children: ['s.1', 's.2'] } },
      rowState('s.1', c1, trainResult({ testAcc: 0.7 }), undefined, 's'),
      rowState('s.2', c2, trainResult({ testAcc: 0.8 }), undefined, 's'),
    ], stamp);
    expect(doc.rows).toEqual([{ id: 's', cells: sweep }]);
    expect(doc.results[keyOf(c1)]!.testAcc).toBe(0.7);
    expect(doc.results[keyOf(c2)]!.testAcc).toBe(0.8);
  });

  it('status follows the divergence', () => {
    const r = trainResult({ diverged: { epoch: 2, message: 'loss became NaN' } });
    const doc = documentFromRows(emptyDocument(), [rowState('a', a, r)], stamp);
    expect(doc.results[keyOf(a)]!.status).toBe('diverged');
    expect(readSheet(writeSheet(doc)).ok).toBe(true);
  });

  it('drops the oldest unreferenced results when over the caps, never one a row shows', () => {
    // 10,001 results of about 800 bytes each pass the 5 MB cap before the 10,000 count.
    const at = (i: number) => `2026-01-01T${[i / 3600, (i / 60) % 60, i % 60].map((x) => String(Math.floor(x)).padStart(2, '0')).join(':')}.000Z`;
    const results = Object.fromEntries(Array.from({ length: FILE_LIMITS.maxResults + 1 }, (_, i) => [
      `k${String(i).padStart(5, '0')}`,
      savedResult({ history: { loss: [], acc: [], valLoss: [], valAcc: [], lr: [] }, finishedAt: at(i) }),
    ]));
    const doc = documentFromRows({ ...emptyDocument(), results }, [rowState('a', a, trainResult())], stamp);
    const kept = Object.keys(doc.results).filter((k) => k.startsWith('k')).sort();
    expect(kept.length).toBeLessThan(FILE_LIMITS.maxResults);
    expect(kept.at(-1)).toBe('k10000');
    // Exactly the newest survive: every dropped key is older than every kept one.
    expect(kept[0]).toBe(`k${String(FILE_LIMITS.maxResults + 1 - kept.length).padStart(5, '0')}`);
    expect(doc.results[keyOf(a)]).toBeDefined();
    const text = writeSheet(doc);
    expect(text.length).toBeLessThanOrEqual(FILE_LIMITS.maxBytes);
    expect(readSheet(text).ok).toBe(true);
  });

  it('drops unreferenced results so the file stays under 5 MB', () => {
    const long = Array.from({ length: 10_000 }, (_, i) => i / 7);
    const big = savedResult({ history: { loss: long, acc: long, valLoss: long, valAcc: long, lr: long } });
    const results = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, big]));
    const doc = documentFromRows({ ...emptyDocument(), results }, [], stamp);
    const text = writeSheet(doc);
    expect(text.length).toBeLessThanOrEqual(FILE_LIMITS.maxBytes);
    expect(Object.keys(doc.results).length).toBeLessThan(8);
    expect(readSheet(text).ok).toBe(true);
  });
});

describe('writeSheetFile and readSheetFile (the row API)', () => {
  it('writes version 2 from engine rows and reads the rows back with their results', () => {
    const a = cells({ name: 'a' });
    const text = writeSheetFile({ title: 'T', description: 'D' }, [rowState('a', a, trainResult()), rowState('b', cells({ name: 'b' }))], stamp);
    expect(JSON.parse(text).version).toBe(2);
    const r = readSheetFile(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.title).toBe('T');
    expect(r.value.description).toBe('D');
    expect(r.value.rows.map((x) => x.id)).toEqual(['a', 'b']);
    expect(r.value.rows[0]!.saved?.result.testAcc).toBe(0.875);
    // Row b has the same spec as a (only the name differs): it finds a's result.
    expect(r.value.rows[1]!.saved?.key).toBe(keyOf(a));
    expect(r.value.document.rows).toHaveLength(2);
  });

  it('passing the read file back as meta keeps settings, columns and cache: an unchanged sheet saves the same bytes', () => {
    const text = writeSheet(sampleDocument());
    const file = readSheetFile(text);
    if (!file.ok) throw new Error(file.error);
    const rows = file.value.rows.map((r) => rowState(r.id!, { ...r.cells }, r.saved?.result ?? null, r.saved?.key));
    expect(writeSheetFile(file.value, rows, { finishedAt: '2030-01-01T00:00:00.000Z' })).toBe(text);
  });

  it('reads version 1 files through the same call', () => {
    const r = readSheetFile(JSON.stringify({ format: 'sweepsheet', version: 1, title: 'old', rows: [{ id: 'x', cells: cells() }] }));
    expect(r.ok && r.value.rows).toEqual([{ id: 'x', cells: cells() }]);
    expect(r.ok && r.value.version).toBe(2);
  });
});
