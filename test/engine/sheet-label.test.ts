import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESCRIPTION_SEPARATOR, TITLE_SEPARATOR, inLanguage, sheetLabel } from '../../src/ui/sheet-label.ts';

describe('sheetLabel: what an untitled sheet is called', () => {
  it.each([
    ['W1 on MNIST', 'file:w1.sheet.json:1795443620676', 'W1 on MNIST'],
    ['', 'file:w1.sheet.json:1795443620676', 'w1.sheet.json'],
    ['  ', 'file:a:b.sheet.json:17', 'a:b.sheet.json'],
    ['', 'fixture:xor', 'xor'],
    ['', 'link:1795443620676', 'Untitled sheet'],
    ['', 'something else', 'Untitled sheet'],
  ])('title %j, id %j: %j', (title, id, expected) => {
    expect(sheetLabel(title, id, 'Untitled sheet')).toBe(expected);
  });
});

describe('inLanguage: the half of a bilingual title or description in the page\'s language', () => {
  const HANGUL = /[\uac00-\ud7a3]/;
  // The lesson sheets carry "English · 한국어" titles and "English … — 한국어 …" descriptions; the page showed both halves in either language.
  const lessons = ['lesson-xor-lr', 'xor', 'learning-rate', 'activations', 'optimizers', 'overfitting'];

  it.each(lessons)('%s: English without Korean, Korean without the English, together the whole text', (name) => {
    const file = JSON.parse(readFileSync(new URL(`../../fixtures/${name}.sheet.json`, import.meta.url), 'utf8')) as { title: string; description: string };
    for (const [text, sep] of [[file.title, TITLE_SEPARATOR], [file.description, DESCRIPTION_SEPARATOR]] as const) {
      const en = inLanguage(text, sep, 'en');
      const ko = inLanguage(text, sep, 'ko');
      expect(en, `${name} en`).not.toMatch(HANGUL);
      expect(ko.slice(0, 20), `${name} ko`).toMatch(HANGUL);
      expect(`${en}${sep}${ko}`).toBe(text);
    }
  });

  it('keeps a one-language text whole, even with the separator inside an English sentence', () => {
    expect(inLanguage('one hidden layer can — compare their test acc', DESCRIPTION_SEPARATOR, 'ko')).toBe('one hidden layer can — compare their test acc');
    expect(inLanguage('W1 · MNIST', TITLE_SEPARATOR, 'ko')).toBe('W1 · MNIST');
    expect(inLanguage('학습률 — 너무 크면 발산', DESCRIPTION_SEPARATOR, 'en')).toBe('학습률 — 너무 크면 발산');
    expect(inLanguage('', TITLE_SEPARATOR, 'en')).toBe('');
  });

  it('picks the English sentence\'s own dash apart from the one before the Korean', () => {
    const text = 'A can — B. Try it. — 해 보세요.';
    expect(inLanguage(text, DESCRIPTION_SEPARATOR, 'en')).toBe('A can — B. Try it.');
    expect(inLanguage(text, DESCRIPTION_SEPARATOR, 'ko')).toBe('해 보세요.');
  });
});
