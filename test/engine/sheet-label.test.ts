import { describe, expect, it } from 'vitest';
import { sheetLabel } from '../../src/ui/sheet-label.ts';

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
