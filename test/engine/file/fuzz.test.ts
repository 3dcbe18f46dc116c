/**
 * Hostile files: mutated, truncated, retyped, deeply nested, prototype keys everywhere. None may
 * throw; each is refused with a message or loaded as a document that writes and reads back the
 * same; nothing global is ever polluted.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { readSheet, writeSheet } from '../../../src/engine/sheet-file.ts';
import { documentArb } from './arbitraries.ts';

const SEED = 4242;
let cases = 0;

/** The invariant every input must keep. */
function check(text: string): void {
  cases++;
  let r: ReturnType<typeof readSheet> | undefined;
  expect(() => { r = readSheet(text); }).not.toThrow();
  if (r!.ok) {
    const again = readSheet(writeSheet(r!.value));
    expect(again.ok).toBe(true);
    expect(again.ok && again.value).toEqual(r!.value);
  } else {
    expect(typeof r!.error).toBe('string');
    expect(r!.error.length).toBeGreaterThan(0);
    expect(r!.error.length).toBeLessThan(1_000);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Array.prototype).not.toHaveProperty('polluted');
}

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const HOSTILE = [
  '1e400', '-1e400', '1e-400', 'NaN', 'Infinity', '-Infinity', '"NaN"', '"Infinity"', '"1e400"', 'null', 'true', '[]', '{}', '-0',
  '9007199254740993', '"x"', '""', `"${'y'.repeat(100_000)}"`, `${'['.repeat(10_000)}${']'.repeat(10_000)}`, deep(10_000),
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '[{"__proto__":{"polluted":1}}]', '"\\ud800"',
];

/** Every place in the data: [parent, key] pairs, the root first. */
function places(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); places(x, out); });
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) { out.push([v as Record<string, unknown>, k]); places((v as Record<string, unknown>)[k], out); }
  return out;
}

/** JSON with two prototype-polluting keys at the head of every object. */
function withProtoKeys(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(withProtoKeys).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const own = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${withProtoKeys(x)}`);
    return `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},${own.length ? `${own.join(',')},` : ''}"prototype":{"polluted":1}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

describe('reading hostile files', () => {
  afterEach(() => expect(({} as Record<string, unknown>).polluted).toBeUndefined());

  it('survives text mutations and truncation', () => {
    fc.assert(fc.property(documentArb, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '0', '-', 'e', 'n', '\\', ' ', 'x')), { minLength: 1, maxLength: 4 }), (doc, edits) => {
      let text = writeSheet(doc);
      for (const [pos, kind, ch] of edits) {
        const at = pos % (text.length + 1);
        if (kind === 0) text = text.slice(0, at);
        else if (kind === 1) text = text.slice(0, at) + ch + text.slice(at + 1);
        else if (kind === 2) text = text.slice(0, at) + ch + text.slice(at);
        else text = text.slice(0, at) + text.slice(at + 1);
      }
      check(text);
    }), { numRuns: 600, seed: SEED });
  });

  it('survives any value replaced by a hostile one', () => {
    fc.assert(fc.property(documentArb, fc.nat(), fc.constantFrom(...HOSTILE), (doc, pick, hostile) => {
      const data = JSON.parse(writeSheet(doc)) as Record<string, unknown>;
      const all = places(data);
      const [parent, key] = all[pick % all.length]!;
      (parent as Record<string | number, unknown>)[key] = '\u0000MARK\u0000';
      check(JSON.stringify(data).replace('"\\u0000MARK\\u0000"', hostile));
    }), { numRuns: 600, seed: SEED });
  });

  it('drops __proto__, constructor and prototype keys at every level and loads the rest unchanged', () => {
    fc.assert(fc.property(documentArb, (doc) => {
      const text = withProtoKeys(JSON.parse(writeSheet(doc)));
      check(text);
      expect(readSheet(text)).toEqual({ ok: true, value: doc });
    }), { numRuns: 200, seed: SEED });
  });

  it('refuses unknown versions', () => {
    fc.assert(fc.property(documentArb, fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)), (doc, version) => {
      fc.pre(version !== 1 && version !== 2);
      const text = JSON.stringify({ ...JSON.parse(writeSheet(doc)), version });
      check(text);
      const r = readSheet(text);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/^(this file was written by a newer Sweepsheet \(version \d+\); this app reads up to 2|version: expected 1 or 2, found .*)$/);
    }), { numRuns: 150, seed: SEED });
  });

  it('refuses duplicate row ids', () => {
    fc.assert(fc.property(documentArb, fc.nat(), (doc, pick) => {
      fc.pre(doc.rows.length > 0);
      const data = JSON.parse(writeSheet(doc)) as { rows: { id: string }[] };
      const row = data.rows[pick % data.rows.length]!;
      data.rows.push({ ...row });
      const text = JSON.stringify(data);
      check(text);
      const r = readSheet(text);
      expect(!r.ok && r.error).toContain(`rows[${data.rows.length - 1}].id:`);
      expect(!r.ok && r.error).toContain('is used by an earlier row');
    }), { numRuns: 150, seed: SEED });
  });

  it.each(HOSTILE.map((h) => [h.length > 30 ? `${h.slice(0, 30)}… (${h.length} chars)` : h, h]))('survives %s as the whole file or its rows', (_name, hostile) => {
    check(hostile);
    check(`{"format":"sweepsheet","version":2,"rows":${hostile}}`);
    check(`{"format":"sweepsheet","version":2,"rows":[],"results":{"k":${hostile}}}`);
  });

  it('ran at least 1,000 cases', () => {
    expect(cases).toBeGreaterThanOrEqual(1_000);
  });
});
