import { describe, expect, it } from 'vitest';
import { formatSeconds, secondsDigits } from '../../src/engine/format-number.ts';

describe('secondsDigits', () => {
  it.each([
    // [seconds, decimals, text]: ms under 1 s, 3 significant digits to 10 s, one decimal beyond.
    [0, 3, '0.000'],
    [0.0042, 3, '0.004'],
    [0.999, 3, '0.999'],
    [1, 2, '1.00'],
    [2.345, 2, '2.35'],
    [9.99, 2, '9.99'],
    [10, 1, '10.0'],
    [41.23, 1, '41.2'],
    [999.9, 1, '999.9'],
    [-0.5, 3, '-0.500'],
  ])('%s s: %s decimals, %s', (v, digits, text) => {
    expect(secondsDigits(v)).toBe(digits);
    expect(formatSeconds(v)).toBe(text);
  });
});
