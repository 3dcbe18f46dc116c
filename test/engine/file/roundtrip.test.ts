import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSheet, writeSheet } from '../../../src/engine/sheet-file.ts';
import { documentArb } from './arbitraries.ts';

describe('write and read, property-based', () => {
  it('read(write(doc)) deep-equals doc, and write → read → write gives the same bytes', () => {
    fc.assert(fc.property(documentArb, (doc) => {
      const text = writeSheet(doc);
      const back = readSheet(text);
      if (!back.ok) throw new Error(back.error);
      expect(back.value).toEqual(doc);
      expect(writeSheet(back.value)).toBe(text);
    }), { numRuns: 500, seed: 20261122 });
  });
});
