import { describe, expect, it } from 'vitest';
import { stratifiedSplit, stratifiedSubset } from '../../../src/engine/data/subset.ts';
import { mulberry32, permutation } from '../../../src/engine/train/rng.ts';

/** 1000 labels in shuffled order: 50% class 0, 30% class 1, 15% class 2, 5% class 3. */
const SIZES = [500, 300, 150, 50];
const labels = (() => {
  const sorted = SIZES.flatMap((n, c) => new Array<number>(n).fill(c));
  return Uint8Array.from(permutation(sorted.length, mulberry32(9)), i => sorted[i]!);
})();

function classCounts(indices: Int32Array): number[] {
  const counts = SIZES.map(() => 0);
  for (const i of indices) counts[labels[i]!]!++;
  return counts;
}

/** In range and strictly ascending, so no index repeats. */
function expectValidIndices(indices: Int32Array) {
  const bad = indices.findIndex((v, k) => v < 0 || v >= labels.length || (k > 0 && v <= indices[k - 1]!));
  expect(bad).toBe(-1);
}

describe('stratifiedSubset', () => {
  it.each([0, 1, 7, 137, 500, 999, 1000])('takes %i indices, each class within one of its share', count => {
    const s = stratifiedSubset(labels, 4, count, 1);
    expect(s.length).toBe(count);
    expectValidIndices(s);
    classCounts(s).forEach((n, c) => expect(Math.abs(n - (count * SIZES[c]!) / labels.length)).toBeLessThan(1));
  });

  it('is seeded: the same seed gives the same indices, another seed others', () => {
    expect(Array.from(stratifiedSubset(labels, 4, 100, 5))).toEqual(Array.from(stratifiedSubset(labels, 4, 100, 5)));
    expect(Array.from(stratifiedSubset(labels, 4, 100, 5))).not.toEqual(Array.from(stratifiedSubset(labels, 4, 100, 6)));
  });

  it.each([
    [1001, 4, 'Expected count to be an integer from 0 to 1000, but got 1001'],
    [-1, 4, 'Expected count to be an integer from 0 to 1000, but got -1'],
    [2.5, 4, 'Expected count to be an integer from 0 to 1000, but got 2.5'],
    [10, 3, 'Expected labels from 0 to 2, but got 3 at index'],
    [10, 0, 'Expected classes to be a positive integer, but got 0'],
  ])('count %d with %d classes is rejected', (count, classes, message) => {
    expect(() => stratifiedSubset(labels, classes, count, 1)).toThrow(message);
  });
});

describe('stratifiedSplit', () => {
  it.each([0, 0.1, 0.2, 1 / 3, 0.5, 1])('fraction %d: stratified, disjoint, covering every index', fraction => {
    const { train, val } = stratifiedSplit(labels, 4, fraction, 3);
    expectValidIndices(train);
    expectValidIndices(val);
    expect(val.length).toBe(Math.round(labels.length * fraction));
    expect(train.length + val.length).toBe(labels.length);
    const seen = new Set([...train, ...val]);
    expect(seen.size).toBe(labels.length);
    classCounts(val).forEach((n, c) => expect(Math.abs(n - SIZES[c]! * fraction)).toBeLessThan(1));
  });

  it('is seeded, and differs from a subset of the same size and seed', () => {
    const a = stratifiedSplit(labels, 4, 0.2, 11);
    expect(Array.from(a.val)).toEqual(Array.from(stratifiedSplit(labels, 4, 0.2, 11).val));
    expect(Array.from(a.val)).not.toEqual(Array.from(stratifiedSplit(labels, 4, 0.2, 12).val));
    expect(Array.from(a.val)).not.toEqual(Array.from(stratifiedSubset(labels, 4, 200, 11)));
  });

  it.each([-0.1, 1.5, NaN])('fraction %d is rejected', fraction => {
    expect(() => stratifiedSplit(labels, 4, fraction, 1)).toThrow(`Expected fraction to be a number from 0 to 1, but got ${fraction}`);
  });
});
