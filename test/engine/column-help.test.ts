/** Every column explains itself in English and Korean: what it does, and for inputs what to try and what goes wrong. */
import { describe, expect, it } from 'vitest';
import { COLUMN_HELP, columnHelp } from '../../src/engine/column-help.ts';
import { COLUMNS, INPUT_COLUMNS, RESULT_COLUMNS } from '../../src/engine/columns.ts';
import { app } from '../../src/ui/i18n/messages/app.ts';
import { columns } from '../../src/ui/i18n/messages/columns.ts';

const HANGUL = /[\uac00-\ud7a3]/;

describe('column help', () => {
  it('covers exactly the columns of the column table', () => {
    expect(Object.keys(COLUMN_HELP).sort()).toEqual(COLUMNS.map((c) => c.key).sort());
  });

  it.each(INPUT_COLUMNS.map((c) => c.key))('input %s: does, try this and what goes wrong, in both languages, none empty', (key) => {
    for (const locale of ['en', 'ko'] as const) {
      const h = columnHelp(key, locale);
      expect(h, `${key}.${locale}`).toBeDefined();
      for (const part of ['does', 'tryThis', 'wrong'] as const) {
        expect(h![part]?.trim().length ?? 0, `${key}.${locale}.${part}`).toBeGreaterThan(20);
      }
    }
  });

  it.each(RESULT_COLUMNS.map((c) => c.key))('result %s: at least what it shows, in both languages, none empty', (key) => {
    for (const locale of ['en', 'ko'] as const) {
      const h = columnHelp(key, locale)!;
      expect(h.does.trim().length, `${key}.${locale}.does`).toBeGreaterThan(10);
      for (const part of ['tryThis', 'wrong'] as const) {
        if (h[part] !== undefined) expect(h[part]!.trim().length, `${key}.${locale}.${part}`).toBeGreaterThan(10);
      }
    }
  });

  it('the Korean is Korean and the English is not, and each language has the same parts', () => {
    for (const [key, help] of Object.entries(COLUMN_HELP)) {
      for (const part of ['does', 'tryThis', 'wrong'] as const) {
        expect(help.en[part] === undefined, `${key}.${part} present in one language only`).toBe(help.ko[part] === undefined);
        if (help.ko[part] !== undefined) expect(help.ko[part], `${key}.ko.${part}`).toMatch(HANGUL);
        if (help.en[part] !== undefined) expect(help.en[part], `${key}.en.${part}`).not.toMatch(HANGUL);
      }
    }
  });

  it('names no column help for unknown keys, including inherited names', () => {
    expect(columnHelp('f1', 'en')).toBeUndefined();
    expect(columnHelp('constructor', 'ko')).toBeUndefined();
    expect(columnHelp('__proto__', 'en')).toBeUndefined();
  });

  it('the Korean help names the page\'s button and columns as the Korean page labels them', () => {
    // The status help points at the run-stale button; the Korean page labels it in Korean.
    const button = app.ko['app.runStale'].replace(/\s*\(\{n\}\)$/, '');
    expect(columnHelp('status', 'ko')!.does).toContain(`"${button}"`);
    expect(columnHelp('status', 'ko')!.does).not.toContain('run stale');
    // A column named in the Korean help is the Korean header, not the English key (lr, reduce_lr's factor/patience).
    expect(columnHelp('final_lr', 'ko')!.does).toContain(`${columns.ko['col.lr']} 열`);
    expect(columnHelp('final_lr', 'ko')!.does).not.toMatch(/\blr\b/);
  });

  it('what a column does does not open with its own header, which its header tooltip puts before it ("label: does")', () => {
    // The Korean lr help began "학습률: …", so the header's tooltip read "학습률: 학습률: 옵티마이저가 …".
    for (const c of COLUMNS) {
      for (const locale of ['en', 'ko'] as const) {
        const label = columns[locale][`col.${c.key}` as keyof (typeof columns)['en']] ?? c.label;
        expect(columnHelp(c.key, locale)!.does.toLowerCase().startsWith(`${label.toLowerCase()}:`), `${c.key}.${locale}: ${label}`).toBe(false);
      }
    }
  });

  it('the lesson facts quoted in the help match the notes', () => {
    // W1's model on MNIST: 784*512+512 + 512*10+10 weights; W4's conv layers as the notes count them.
    expect(columnHelp('params', 'en')!.does).toContain((784 * 512 + 512 + 512 * 10 + 10).toLocaleString('en-US'));
    for (const n of [3 * 3 * 1 * 16 + 16, 4 * 4 * 16 * 32 + 32, 4 * 4 * 32 * 64 + 64]) {
      expect(columnHelp('params', 'en')!.does).toContain(n.toLocaleString('en-US'));
    }
  });
});
