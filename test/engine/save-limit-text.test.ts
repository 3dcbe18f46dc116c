/**
 * What the page says when the autosave reports a saved sheet past a file cap (src/ui/file-actions.ts
 * saveLimitText, from persist/autosave.ts's structured SaveLimit): in the page's language, with
 * the numbers grouped and the sizes in MB. (It was the autosave's English sentence under a Korean
 * 'could not save' prefix.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { saveLimitText } from '../../src/ui/file-actions.ts';
import { setLocale } from '../../src/ui/i18n/index.ts';

describe('save limit messages', () => {
  afterEach(() => setLocale('en'));

  it('says each cap in English', () => {
    setLocale('en');
    expect(saveLimitText({ what: 'curves', left: 1234, maxBytes: 5_000_000 })).toBe('the learning curves of the 1,234 oldest results did not fit in the saved sheet (at most 5 MB): their numbers are kept, their curves are not');
    expect(saveLimitText({ what: 'results', left: 7, maxResults: 10_000, maxBytes: 5_000_000 })).toBe('7 results did not fit in the saved sheet (at most 10,000 results and 5 MB): their rows train again when it is opened; export CSV to keep their numbers');
    expect(saveLimitText({ what: 'rows', rows: 10_001, max: 10_000 })).toContain('the sheet has 10,001 rows and a saved sheet opens with at most 10,000');
    expect(saveLimitText({ what: 'bytes', bytes: 5_432_100, max: 5_000_000 })).toContain('the sheet is 5.4 MB and a saved sheet opens up to 5 MB');
    // Near the cap, two decimals: not '5 MB ... up to 5 MB'.
    expect(saveLimitText({ what: 'bytes', bytes: 5_040_000, max: 5_000_000 })).toContain('the sheet is 5.04 MB and a saved sheet opens up to 5 MB');
  });

  it('says each cap in Korean', () => {
    setLocale('ko');
    expect(saveLimitText({ what: 'curves', left: 1234, maxBytes: 5_000_000 })).toBe('가장 오래된 결과 1,234개의 학습 곡선이 저장된 시트에 들어가지 못했습니다(최대 5 MB). 수치는 저장되고 곡선은 저장되지 않았습니다');
    expect(saveLimitText({ what: 'results', left: 7, maxResults: 10_000, maxBytes: 5_000_000 })).toContain('결과 7개가 저장된 시트에 들어가지 못했습니다(최대 결과 10,000개, 5 MB)');
    expect(saveLimitText({ what: 'rows', rows: 10_001, max: 10_000 })).toMatch(/^저장했지만 시트의 행이 10,001개/);
    expect(saveLimitText({ what: 'bytes', bytes: 5_432_100, max: 5_000_000 })).toMatch(/^저장했지만 시트가 5.4 MB/);
  });
});
