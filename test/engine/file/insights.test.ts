import { describe, expect, it } from 'vitest';
import type { Insights } from '../../../src/engine/job.ts';
import { readSheet, writeSheet } from '../../../src/engine/sheet-file.ts';
import { sampleData, sampleDocument } from './helpers.ts';

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
