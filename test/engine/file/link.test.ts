import { deflateSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINK_LIMITS, fromLink, toLink, writeSheet } from '../../../src/engine/sheet-file.ts';
import { linkOrRefusal } from '../../../src/engine/file/link.ts';
import { fileErrorText } from '../../../src/ui/engine-text.ts';
import { documentArb } from './arbitraries.ts';
import { sampleDocument } from './helpers.ts';

/** A fragment holding these bytes, deflated, as toLink writes them. */
const fragment = (bytes: Uint8Array) => `#s=${Buffer.from(deflateSync(bytes)).toString('base64url')}`;
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('links', () => {
  it('carries everything but the results', () => {
    const link = toLink(sampleDocument());
    expect(link).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    expect(fromLink(link)).toEqual({ ok: true, value: { ...sampleDocument(), results: {} } });
    expect(link.length).toBeLessThan(writeSheet({ ...sampleDocument(), results: {} }).length / 2);
  });

  it('a sheet too big for a link is refused when the link is made, not when it is opened', () => {
    // 3,000 rows of incompressible notes: about 157,000 characters of link.
    let seed = 1;
    const rnd = () => { seed = (seed * 16807) % 2147483647; return seed; };
    const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `r${i}`, cells: { notes: Array.from({ length: 40 }, () => String.fromCharCode(33 + (rnd() % 90))).join('') } }));
    const big = { ...sampleDocument(), rows, results: {} };
    expect(fromLink(toLink(big)).ok).toBe(false);
    const made = linkOrRefusal(big);
    if (made.ok) throw new Error('expected the link to be refused');
    expect(made.error).toMatch(/^the sheet makes a link of [\d,]+ characters; the limit is 100,000: save it as a file instead$/);
    expect(fileErrorText(made.error, 'ko')).toMatch(/^시트가 [\d,]+자짜리 링크가 됩니다\. 링크는 최대 100,000자입니다: 대신 파일로 저장하세요$/);
    // The refusal on opening such a link is said in Korean too.
    const opened = fromLink(toLink(big));
    if (opened.ok) throw new Error('expected the link to be refused');
    expect(fileErrorText(opened.error, 'ko')).toMatch(/^링크가 [\d,]+자입니다\. 최대 100,000자까지 읽습니다$/);
    // Repeated text compresses into a short link that would still expand past what fromLink reads.
    const repeated = { ...sampleDocument(), results: {}, rows: Array.from({ length: 8000 }, (_, i) => ({ id: `r${i}`, cells: { notes: 'the same long note on every row '.repeat(5) } })) };
    expect(toLink(repeated).length).toBeLessThan(LINK_LIMITS.maxEncoded);
    expect(fromLink(toLink(repeated)).ok).toBe(false);
    const refused = linkOrRefusal(repeated);
    if (refused.ok) throw new Error('expected the link to be refused');
    expect(refused.error).toMatch(/^the sheet holds [\d,]+ bytes of settings; a link holds at most 1,000,000: save it as a file instead$/);
    expect(fileErrorText(refused.error, 'ko')).toMatch(/^시트의 설정이 [\d,]+바이트입니다\. 링크에는 최대 1,000,000바이트까지 담깁니다: 대신 파일로 저장하세요$/);
    const small = linkOrRefusal(sampleDocument());
    expect(small).toEqual({ ok: true, value: toLink(sampleDocument()) });
  });

  it('accepts the fragment without its # and with spaces around it', () => {
    expect(fromLink(` ${toLink(sampleDocument()).slice(1)}\n`).ok).toBe(true);
  });

  it('round-trips any document', () => {
    fc.assert(fc.property(documentArb, (doc) => {
      // A link carries no results, so no row shows a stale one.
      const rows = doc.rows.map(({ staleResult: _none, ...r }) => r);
      expect(fromLink(toLink(doc))).toEqual({ ok: true, value: { ...doc, rows, results: {} } });
    }), { numRuns: 200, seed: 11 });
  });

  it('never throws on damaged links', () => {
    const good = toLink(sampleDocument());
    fc.assert(fc.property(fc.nat(), fc.constantFrom('A', '_', '-', '0', ''), (pos, ch) => {
      const at = 3 + (pos % (good.length - 3));
      const r = fromLink(good.slice(0, at) + ch + good.slice(at + 1));
      expect(r.ok || r.error.length > 0).toBe(true);
    }), { numRuns: 300, seed: 12 });
  });

  it.each([
    ['not a fragment', 'https://example.org/', 'the link does not hold a sheet'],
    ['other characters', '#s=abc+/=', 'the link does not hold a sheet'],
    ['not base64url', '#s=a', 'the link is damaged: its text is not valid base64url'],
    ['not deflate', '#s=AAAA', 'the link is damaged'],
    ['cut short', toLink(sampleDocument()).slice(0, 40), 'the link is damaged'],
    ['not UTF-8', fragment(new Uint8Array([0xff, 0xfe, 0x80])), 'the link is damaged: it does not hold UTF-8 text'],
    ['not JSON', fragment(utf8('hello')), 'the link is not valid JSON'],
    ['a newer version', fragment(utf8('{"format":"sweepsheet","version":3,"rows":[]}')), 'the link was refused: this file was written by a newer Sweepsheet (version 3); this app reads up to 2'],
    ['a bad cell', fragment(utf8('{"format":"sweepsheet","version":2,"rows":[{"id":"a","cells":{"lr":1}}]}')), 'the link was refused: rows[0].cells.lr: expected text, found a number'],
    ['a fragment too long', `#s=${'A'.repeat(LINK_LIMITS.maxEncoded + 1)}`, 'the link is 100,001 characters long; the limit is 100,000'],
  ])('refuses %s', (_what, link, message) => {
    const r = fromLink(link);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it('stops a decompression bomb at the cap without expanding it', () => {
    const bomb = fragment(new Uint8Array(50_000_000).fill(0x20));
    expect(bomb.length).toBeLessThan(LINK_LIMITS.maxEncoded);
    const started = performance.now();
    expect(fromLink(bomb)).toEqual({ ok: false, error: 'the link expands to more than 1,000,000 bytes; the limit is 1,000,000' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('drops prototype keys in links too', () => {
    const r = fromLink(fragment(utf8('{"format":"sweepsheet","version":2,"__proto__":{"polluted":1},"rows":[{"id":"a","cells":{"constructor":{"polluted":1}}}]}')));
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
