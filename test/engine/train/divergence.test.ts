/**
 * When fit.ts calls a run diverged while it trains: the loss far above chance (over 3x) and no lower
 * than where it began, in the last epoch and one of the two before it. A spiral row (adam, lr 0.01, batch 1) at 0.99
 * accuracy was stopped as diverged at its first one-epoch jump, 0.1 -> 2.23 at epoch 80.
 */
import { describe, expect, it } from 'vitest';
import { aboveSince, farAboveChance } from '../../../src/engine/train/divergence.ts';

const CHANCE = Math.log(2); // 0.69 for two classes: "far above" is over 2.08

describe('farAboveChance', () => {
  it.each<[string, number[], number | null]>([
    ['one jump from a good minimum, then back', [0.68, 0.4, 0.1, 0.09, 2.23], null],
    ['one jump, then back down', [0.68, 0.4, 0.1, 2.23, 0.12], null],
    ['two epochs up there: diverged from the first of them', [0.68, 0.4, 2.5, 3.1], 3],
    ['swinging up and back down: two of the last three up there', [0.68, 3.1, 1.4, 3.1], 2],
    ['swinging, seen from an epoch back down', [0.68, 3.1, 1.4, 3.1, 1.4], null],
    ['two jumps far apart', [0.68, 0.4, 2.3, 0.1, 0.1, 2.3], null],
    ['up there from the start and staying: from epoch 1', [2.2, 2.4, 2.6], 1],
    ['high, but below where it began (still coming down)', [9, 5, 4], null],
    ['too few epochs to say', [2.5, 3.0], null],
    ['never far above chance', [0.7, 0.75, 0.8, 0.9], null],
  ])('%s', (_what, losses, expected) => {
    expect(farAboveChance(losses, CHANCE)).toBe(expected);
  });

  it('never fires for regression (chance is infinite)', () => {
    expect(farAboveChance([1e6, 1e9, 1e12], Infinity)).toBeNull();
  });
});

describe('aboveSince: the epoch a run that ended above chance went there for good', () => {
  const level = 1.05 * CHANCE; // 0.728, the end-of-run check's line
  it.each<[string, number[], number]>([
    // The lesson's circle row at lr 3: above the line from epoch 1 but for one dip at epoch 16.
    ['above but for one dip', [0.86, 0.82, 0.75, 0.76, 0.72, 0.78, 0.81], 6],
    ['above from the first epoch', [0.93, 0.9, 0.95], 1],
    ['learned, then went up at the end', [0.6, 0.3, 0.2, 0.8, 0.9], 4],
    ['went up at the last epoch', [0.6, 0.3, 0.2, 0.9], 4],
  ])('%s', (_what, losses, expected) => {
    expect(aboveSince(losses, level)).toBe(expected);
  });
});
