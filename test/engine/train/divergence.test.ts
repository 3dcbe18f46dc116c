/**
 * When fit.ts calls a run diverged while it trains: the loss far above chance (over 3x) and no lower
 * than where it began, for two epochs running. A spiral row (adam, lr 0.01, batch 1) at 0.99
 * accuracy was stopped as diverged at its first one-epoch jump, 0.1 -> 2.23 at epoch 80.
 */
import { describe, expect, it } from 'vitest';
import { farAboveChance } from '../../../src/engine/train/divergence.ts';

const CHANCE = Math.log(2); // 0.69 for two classes: "far above" is over 2.08

describe('farAboveChance', () => {
  it.each<[string, number[], number | null]>([
    ['one jump from a good minimum, then back', [0.68, 0.4, 0.1, 0.09, 2.23], null],
    ['one jump, then back down', [0.68, 0.4, 0.1, 2.23, 0.12], null],
    ['two epochs up there: diverged from the first of them', [0.68, 0.4, 2.5, 3.1], 3],
    ['up there from the start and staying', [2.2, 2.4, 2.6], 2],
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
