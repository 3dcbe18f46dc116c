import { describe, expect, it } from 'vitest';
import { fileStem } from '../../../src/engine/file/file-name.ts';

describe('file names from sheet titles', () => {
  it.each([
    ['XOR (W8): a perceptron cannot', 'xor-w8-a-perceptron-cannot'],
    ['과대적합 실험', '과대적합-실험'],
    ['Overfitting (W11) · 과대적합(W11)', 'overfitting-w11-과대적합-w11'],
    ['../../etc/passwd', 'etc-passwd'],
    ['<img src=x onerror=alert(1)>', 'img-src-x-onerror-alert-1'],
    ['   ', 'sheet'],
    ['???', 'sheet'],
  ])('%s -> %s', (title, stem) => {
    expect(fileStem(title)).toBe(stem);
  });

  it('keeps to 60 characters, counted as characters, without a dangling dash', () => {
    expect(fileStem('가'.repeat(100))).toBe('가'.repeat(60));
    expect(fileStem(`${'a'.repeat(59)} b`)).toBe('a'.repeat(59));
  });
});
