import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSheet, writeSheet } from '../../../src/engine/sheet-file.ts';
import { documentArb } from './arbitraries.ts';
import { sheetBytes, writeSheetSized } from '../../../src/engine/file/write.ts';

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

describe('the printed size', () => {
  it('writeSheetSized counts exactly the UTF-8 bytes of the text, also for Korean, emoji and lone surrogates', () => {
    const texts = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('학습률 0.01', '😀 run', '\ud800 lone', 'a\udc00b'));
    const withText = documentArb.chain((doc) => texts.map((t) => ({ ...doc, title: t, rows: doc.rows.map((r, i) => (i === 0 ? { ...r, cells: { ...r.cells, name: t } } : r)) })));
    fc.assert(fc.property(withText, (doc) => {
      const { text, bytes } = writeSheetSized(doc);
      expect(text).toBe(writeSheet(doc));
      expect(bytes).toBe(new TextEncoder().encode(text).length);
      expect(sheetBytes(doc)).toBe(bytes);
    }), { numRuns: 300, seed: 20261122 });
  });
});
