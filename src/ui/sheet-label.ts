import type { Locale } from './i18n/index.ts';

/**
 * What to call a sheet that has no title. A sheet's id in the browser (`file:<name>:<time>`,
 * `fixture:<name>`, `link:<time>`) is a storage key, not a name: an untitled file showed
 * "file:f.sheet.json:1795443620676" as its heading and in Recent sheets.
 */

/** The sheet's title, else the name it was opened under (the file's or the fixture's), else `untitled`. */
export function sheetLabel(title: string, id: string, untitled: string): string {
  if (title.trim() !== '') return title;
  const file = /^file:(.+):\d+$/s.exec(id);
  if (file) return file[1]!;
  const fixture = /^fixture:(.+)$/s.exec(id);
  if (fixture) return fixture[1]!;
  return untitled;
}

const HANGUL = /[\uac00-\ud7a3]/;

/** Where the Korean half of a bilingual title or description is separated from the English. */
export const TITLE_SEPARATOR = ' · ';
export const DESCRIPTION_SEPARATOR = ' — ';

/**
 * The half of a bilingual text in the page's language. The lesson sheets carry one title and one
 * description in both languages, "English · 한국어" and "English … — 한국어 …", and the page showed
 * both halves whichever language it was in. Split at the first separator with no Hangul before it
 * and Hangul in the first word or two after it (an English sentence may hold the separator itself); any other text
 * (one language, or another layout) is shown whole.
 */
export function inLanguage(text: string, separator: string, locale: Locale): string {
  for (let from = 0; ;) {
    const at = text.indexOf(separator, from);
    if (at < 0) return text;
    const before = text.slice(0, at);
    if (HANGUL.test(before)) return text;
    const after = text.slice(at + separator.length);
    if (HANGUL.test(after.slice(0, 12))) return (locale === 'ko' ? after : before).trim();
    from = at + separator.length;
  }
}
