/**
 * Strings shared by the whole page. The pattern for every area file: `en` as const, `ko` typed as
 * Record<keyof typeof en, string>, so a missing Korean string fails tsc.
 */
const en = {
  'lang.label': 'Language',
  'lang.en': 'English',
  'lang.ko': '한국어',
} as const;

const ko: Record<keyof typeof en, string> = {
  'lang.label': '언어',
  'lang.en': 'English',
  'lang.ko': '한국어',
};

export const common = { en, ko };
