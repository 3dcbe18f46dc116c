import { describe, expect, it } from 'vitest';
import type { Insights } from '../../../src/engine/job.ts';
import { FILE_LIMITS, emptyDocument, readSheet, writeSheet } from '../../../src/engine/sheet-file.ts';
import { curvesLeftOut, pruneResults, resultsLeftOut } from '../../../src/engine/file/write.ts';
import { utf8Length } from '../../../src/engine/file/json.ts';
import { cells, keyOf, sampleData, sampleDocument, savedResult } from './helpers.ts';

type Data = Record<string, any>;

const insights: Insights = {
  confusion: [[5, 1], [2, 4]],
  samples: [{ index: 3, label: 0, predicted: 1, confidence: 0.61 }, { index: 0, label: 1, predicted: 1, confidence: 0.97 }],
  boundary: { size: 2, extent: [-1.2, 1.2, -1.2, 1.2], classes: 2, predicted: [0, 1, 1, 0], confidence: [0.5, 0.99, 0.75, 1] },
};

/** The sample file with insights on its first result, changed by `edit`, as text. */
function withInsights(edit: (i: Data) => void = () => {}): string {
  const d = sampleData() as Data;
  const first = d.results[Object.keys(d.results)[0]!];
  first.insights = structuredClone(insights);
  edit(first.insights);
  return JSON.stringify(d);
}

describe('insights and the 5 MB cap', () => {
  it('when the results rows show pass the cap, the oldest lose their insights and the file still opens', () => {
    const size = 64;
    const boundary = { size, extent: [-1, 1, -1, 1] as const, classes: 2, predicted: new Array<number>(size * size).fill(1), confidence: new Array<number>(size * size).fill(0.97) };
    const at = (i: number) => `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`;
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, cells: cells({ name: `r${i}`, seed: String(i + 1) }) }));
    const results = Object.fromEntries(rows.map((r, i) => [keyOf(r.cells), { ...savedResult(), finishedAt: at(i), insights: { confusion: [[1, 0], [0, 1]], samples: [], boundary } }]));
    const doc = pruneResults({ ...emptyDocument(), rows, results }, new Set(Object.keys(results)));
    const text = writeSheet(doc);
    expect(utf8Length(text)).toBeLessThanOrEqual(FILE_LIMITS.maxBytes);
    expect(readSheet(text).ok).toBe(true);
    // Every result stays; the newest keep their insights, the oldest lost them.
    const kept = rows.map((r) => doc.results[keyOf(r.cells)]!);
    expect(kept.every(Boolean)).toBe(true);
    const first = kept.findIndex((r) => r.insights);
    expect(first).toBeGreaterThan(0);
    expect(kept.slice(first).every((r) => r.insights)).toBe(true);
  });
});

describe('more results than a file holds', () => {
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const series = (epochs: number, v: number) => new Array<number>(epochs).fill(v);
  const history = (epochs: number) => ({ loss: series(epochs, 0.5), acc: series(epochs, 0.9), valLoss: series(epochs, 0.6), valAcc: series(epochs, 0.8), lr: series(epochs, 0.01) });

  it('past the result count, the oldest results rows show go and the file still opens', () => {
    // 40 sweeps of 256 runs show more results than a file may hold (10,000): before, the file was
    // written anyway and refused when opened, losing the whole sheet.
    // (The runs' cells: sweep children are not stored as rows, only their results.)
    const n = FILE_LIMITS.maxResults + 5;
    const rows = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, cells: cells({ seed: String(i + 1) }) }));
    const results = Object.fromEntries(rows.map((r, i) => [keyOf(r.cells), { ...savedResult(), finishedAt: at(i), history: history(1) }]));
    const doc = pruneResults({ ...emptyDocument(), rows: [], results }, new Set(Object.keys(results)));
    expect(Object.keys(doc.results).length).toBeLessThanOrEqual(FILE_LIMITS.maxResults);
    // What the autosave says: how many of them were left out.
    expect(resultsLeftOut(doc)).toBe(n - Object.keys(doc.results).length);
    // The oldest went; the newest stayed.
    expect(rows.slice(0, 5).some((r) => Object.hasOwn(doc.results, keyOf(r.cells)))).toBe(false);
    expect(Object.hasOwn(doc.results, keyOf(rows[n - 1]!.cells))).toBe(true);
    expect(readSheet(writeSheet(doc)).ok).toBe(true);
  });

  it('past the size with insights gone, the oldest results lose their curves and keep their numbers', () => {
    // 1,200 runs of 500 epochs: ~23 MB of curves. Before, the oldest ~900 results went whole and
    // their rows trained again when the file was opened (review-19); now only their curves go.
    const rows = Array.from({ length: 1200 }, (_, i) => ({ id: `r${i}`, cells: cells({ name: `r${i}`, seed: String(i + 1) }) }));
    const results = Object.fromEntries(rows.map((r, i) => [keyOf(r.cells), { ...savedResult(), finishedAt: at(i), testAcc: i / 2000, history: history(500) }]));
    const doc = pruneResults({ ...emptyDocument(), rows, results }, new Set(Object.keys(results)));
    const text = writeSheet(doc);
    expect(utf8Length(text)).toBeLessThanOrEqual(FILE_LIMITS.maxBytes);
    expect(resultsLeftOut(doc)).toBe(0);
    const kept = rows.map((r) => doc.results[keyOf(r.cells)]!);
    expect(kept.every(Boolean)).toBe(true);
    // The oldest lost their curves, the newest kept them; every one kept its numbers.
    const firstCurved = kept.findIndex((r) => r.history.loss.length > 0);
    expect(firstCurved).toBeGreaterThan(0);
    expect(kept.slice(firstCurved).every((r) => r.history.loss.length === 500)).toBe(true);
    expect(curvesLeftOut(doc)).toBe(firstCurved);
    expect(kept.map((r) => r.testAcc)).toEqual(rows.map((_, i) => i / 2000));
    expect(curvesLeftOut(pruneResults(emptyDocument(), new Set()))).toBe(0);
    const back = readSheet(text);
    expect(back.ok ? 'opens' : back.error).toBe('opens');
    if (back.ok) expect(Object.keys(back.value.results).length).toBe(rows.length);
  });

  it('still too large with every curve gone, the oldest results go too, and no row names one that went', () => {
    // Rows whose notes fill most of the file leave room for only some of the results' numbers.
    const notes = 'n'.repeat(FILE_LIMITS.maxCellLength - 10);
    const rows = Array.from({ length: 1900 }, (_, i) => ({ id: `r${i}`, cells: cells({ name: `r${i}`, seed: String(i + 1), notes }) }));
    const results = Object.fromEntries(rows.map((r, i) => [keyOf(r.cells), { ...savedResult(), finishedAt: at(i), history: history(50) }]));
    // The oldest row shows its result as stale (its cells changed since): a key that goes with it.
    const stale = { id: 'stale', cells: cells({ name: 'stale', seed: '99999' }), staleResult: keyOf(rows[0]!.cells) };
    const doc = pruneResults({ ...emptyDocument(), rows: [stale, ...rows], results }, new Set(Object.keys(results)));
    const text = writeSheet(doc);
    expect(utf8Length(text)).toBeLessThanOrEqual(FILE_LIMITS.maxBytes);
    expect(Object.keys(doc.results).length).toBeLessThan(rows.length);
    expect(Object.keys(doc.results).length).toBeGreaterThan(0);
    expect(resultsLeftOut(doc)).toBe(rows.length - Object.keys(doc.results).length);
    // Only the bare results still in the file count as kept without curves; the others went whole.
    expect(curvesLeftOut(doc)).toBe(Object.keys(doc.results).length);
    // The newest stayed.
    expect(Object.hasOwn(doc.results, keyOf(rows[rows.length - 1]!.cells))).toBe(true);
    expect(doc.rows[0]).toEqual({ id: 'stale', cells: stale.cells });
    const back = readSheet(text);
    expect(back.ok ? 'opens' : back.error).toBe('opens');
  });
});

describe('insights in the sheet file', () => {
  it('round-trip: read gives them back, and the canonical text is stable', () => {
    const r = readSheet(withInsights());
    if (!r.ok) throw new Error(r.error);
    const saved = Object.values(r.value.results)[0]!;
    expect(saved.insights).toEqual(insights);
    const text = writeSheet(r.value);
    expect(text).toContain('"predicted": [0, 1, 1, 0]');
    const again = readSheet(text);
    expect(again.ok && writeSheet(again.value)).toBe(text);
  });

  it('a result without insights stays without them', () => {
    const text = writeSheet(sampleDocument());
    expect(text).not.toContain('insights');
    const r = readSheet(text);
    expect(r.ok && Object.values(r.value.results).every((s) => !('insights' in s))).toBe(true);
  });

  it.each<[string, (i: Data) => void, string]>([
    ['a grid too large', (i) => { i.boundary.size = 65; }, 'boundary.size'],
    ['too few cells', (i) => { i.boundary.predicted = [0, 1, 1]; }, '3 values, but a 2x2 grid needs 4'],
    ['a class out of range', (i) => { i.boundary.predicted = [0, 1, 2, 0]; }, 'class 2, but there are 2 classes'],
    ['a confidence above 1', (i) => { i.boundary.confidence = [0.5, 1.5, 0.5, 0.5]; }, 'boundary.confidence[1]'],
    ['a matrix not square', (i) => { i.confusion = [[1, 2, 3], [4, 5, 6]]; }, '3 counts, but the matrix has 2 rows; it must be square'],
    ['a negative count', (i) => { i.confusion = [[1, -2], [3, 4]]; }, 'confusion[0][1]'],
    ['too many samples', (i) => { i.samples = Array.from({ length: 25 }, () => i.samples[0]); }, '25 samples; the limit is 24'],
    ['an unknown field', (i) => { i.extra = 1; }, 'extra'],
  ])('refuses %s, naming the place', (_name, edit, message) => {
    const r = readSheet(withInsights(edit));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
    expect(!r.ok && r.error).toContain('insights');
  });
});
