import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SheetDocument, emptyDocument, writeSheet } from '../../../src/engine/sheet-file.ts';
import { MAX_CHUNK_BYTES, type SheetParts, sheetParts, sheetPartsSteps } from '../../../src/engine/file/write-parts.ts';
import { SortedCache, drain, sortedSteps } from '../../../src/engine/file/steps.ts';
import { documentArb } from './arbitraries.ts';
import { cells, savedResult } from './helpers.ts';

const joined = (p: SheetParts) => p.chunks.map((c) => c.text()).join('');
const utf8 = (s: string) => new TextEncoder().encode(s).length;

/** `n` rows and `m` results (every third with a long history), as a big autosaved sheet has. */
function bigDocument(n: number, m: number): SheetDocument {
  const long = Array.from({ length: 300 }, (_, i) => i / 7);
  return {
    ...emptyDocument(), title: '큰 시트', description: 'rows and results',
    rows: Array.from({ length: n }, (_, i) => ({ id: `r${i}`, cells: cells({ name: `run ${i}`, lr: String(i / 1000), seed: String(i) }) })),
    results: Object.fromEntries(Array.from({ length: m }, (_, i) => [
      `{"spec":${(i * 7919) % 100_003}}`,
      savedResult({ testAcc: i / m, ...(i % 3 === 0 ? { history: { loss: long, acc: long, valLoss: long, valAcc: long, lr: long } } : {}) }),
    ])),
  };
}

/** Chunk signatures of `b` that `a` did not have. */
function newChunks(a: SheetParts, b: SheetParts): number {
  const had = new Set(a.chunks.map((c) => c.sig));
  return b.chunks.filter((c) => !had.has(c.sig)).length;
}

describe('sheetParts: the file in chunks', () => {
  it('joined, the chunks are writeSheet\'s bytes, and their sizes add up to its UTF-8 length', () => {
    fc.assert(fc.property(documentArb, (doc) => {
      const parts = sheetParts(doc);
      const text = writeSheet(doc);
      expect(joined(parts)).toBe(text);
      expect(parts.bytes).toBe(utf8(text));
      for (const c of parts.chunks) expect(c.bytes).toBe(utf8(c.text()));
    }), { numRuns: 300, seed: 20261122 });
    for (const doc of [emptyDocument(), { ...emptyDocument(), rows: [{ id: 'only', cells: cells() }] }, bigDocument(3000, 400)]) {
      expect(joined(sheetParts(doc))).toBe(writeSheet(doc));
    }
  });

  it('an edit, an added row and a new result change one or two chunks of a 3,000-row sheet, not every chunk after them', () => {
    const doc = bigDocument(3000, 400);
    const first = sheetParts(doc);
    expect(first.chunks.length).toBeGreaterThan(40);
    const edited = { ...doc, rows: doc.rows.map((r, i) => (i === 1500 ? { ...r, cells: { ...r.cells, notes: 'edited' } } : r)) };
    const inserted = { ...doc, rows: [...doc.rows.slice(0, 10), { id: 'new', cells: cells({ name: 'new' }) }, ...doc.rows.slice(10)] };
    const removed = { ...doc, rows: doc.rows.filter((_, i) => i !== 2000) };
    const result = { ...doc, results: { ...doc.results, '{"spec":5}': savedResult({ testAcc: 0.123 }) } };
    for (const next of [edited, inserted, removed, result]) {
      const parts = sheetParts(next);
      expect(joined(parts)).toBe(writeSheet(next));
      expect(newChunks(first, parts)).toBeGreaterThanOrEqual(1);
      expect(newChunks(first, parts)).toBeLessThanOrEqual(3);
    }
    // Nothing changed: the same chunks, by signature.
    expect(newChunks(first, sheetParts({ ...doc }))).toBe(0);
  });

  it('chunks stay under the size cap unless one row or result is bigger on its own', () => {
    const huge = Array.from({ length: 20_000 }, (_, i) => i / 3);
    const doc = bigDocument(5000, 300);
    const withHuge = { ...doc, results: { ...doc.results, '{"spec":"huge"}': savedResult({ history: { loss: huge, acc: huge, valLoss: huge, valAcc: huge, lr: huge } }) } };
    const parts = sheetParts(withHuge);
    expect(joined(parts)).toBe(writeSheet(withHuge));
    const over = parts.chunks.filter((c) => c.bytes > MAX_CHUNK_BYTES + 64 * 1024);
    expect(over.map((c) => c.text().includes('"{\\"spec\\":\\"huge\\"}"'))).toEqual([true]);
  });

  it('a newer document arriving while one is half built: each comes out as writeSheet prints it', () => {
    const doc = bigDocument(2000, 300);
    const older = sheetPartsSteps(doc);
    for (let i = 0; i < 5; i++) older.next();
    const newer = { ...doc, title: 'newer', rows: doc.rows.slice(0, 1999).map((r, i) => (i === 7 ? { ...r, cells: { ...r.cells, lr: '0.5' } } : r)) };
    const newerSteps = sheetPartsSteps(newer);
    newerSteps.next();
    const olderDone = drain(older);
    expect(joined(drain(newerSteps))).toBe(writeSheet(newer));
    expect(joined(olderDone)).toBe(writeSheet(doc));
  });

  it('builds in steps: no step handles more than a few hundred rows', () => {
    const steps = sheetPartsSteps(bigDocument(3000, 10));
    let pauses = 0;
    while (!steps.next().done) pauses++;
    expect(pauses).toBeGreaterThanOrEqual(10);
  });
});

describe('sortedSteps: an order kept from call to call', () => {
  it('gives the full sort for any sequence of key sets and sort texts', () => {
    const call = fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.string({ maxLength: 3 })), { maxLength: 40 });
    fc.assert(fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
      const cache = new SortedCache();
      for (const pairs of calls) {
        const text = new Map(pairs.map(([k, t]) => [k, `${t}\u0000${k}`]));
        const keys = [...text.keys()];
        const expected = [...keys].sort((a, b) => (text.get(a)! < text.get(b)! ? -1 : 1));
        expect(drain(sortedSteps(keys, (k) => text.get(k)!, cache))).toEqual(expected);
      }
    }), { numRuns: 300, seed: 20261122 });
  });
});
