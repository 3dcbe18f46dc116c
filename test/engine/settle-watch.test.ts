/**
 * SettleWatch tells a loop from a wave: the spec values of the rows re-placed in one recompute,
 * round by round. A loop comes back to a state it had (review-20's sweep flipping between two
 * placings); a wave along a chain of rows never does, however many rounds it takes (review-23 F1).
 */
import { describe, expect, it } from 'vitest';
import { SettleWatch, specSignature } from '../../src/engine/scheduler/settle-watch.ts';
import { formulaError } from '../../src/engine/formula/index.ts';

const KEYS = ['lr', 'seed'];
type Values = Record<string, number | string | null>;

/** Rounds of row changes ([row, from, to]); returns the round (1-based) the watch says repeats, or null. */
function firstRepeat(rounds: readonly (readonly [string, Values, Values])[][]): number | null {
  const watch = new SettleWatch(KEYS);
  for (const [i, round] of rounds.entries()) {
    for (const [row, from, to] of round) watch.change(row, from, to);
    if (watch.repeats()) return i + 1;
  }
  return null;
}

const v = (seed: number | string | null, lr: number | string | null = 0.1): Values => ({ lr, seed });

describe('SettleWatch', () => {
  it.each([
    ['one row flipping between two values', [[['a', v(1), v(2)]], [['a', v(2), v(1)]]], 2],
    ['two rows swapping values', [[['a', v(1), v(2)], ['b', v(2), v(1)]], [['a', v(2), v(1)], ['b', v(1), v(2)]]], 2],
    ['a loop of three values', [[['a', v(1), v(2)]], [['a', v(2), v(3)]], [['a', v(3), v(1)]]], 3],
    ['a loop through two rows in turn', [[['a', v(1), v(2)]], [['b', v(5), v(6)]], [['a', v(2), v(1)]], [['b', v(6), v(5)]]], 4],
    ['a wave along a chain, one link a round', Array.from({ length: 40 }, (_, k) => [[`r${k}`, v('#N/A'), v(k)] as const]), null],
    ['a link changing twice on the way, the sheet never the same', [[['a', v(1), v(2)]], [['b', v(1), v(2)]], [['a', v(2), v(1)]], [['c', v(1), v(2)]]], null],
  ] as const)('%s', (_what, rounds, expected) => {
    expect(firstRepeat(rounds as unknown as [string, Values, Values][][])).toBe(expected);
  });

  it('reads errors by code and message, and tells a number from its text', () => {
    const na = (m: string) => ({ seed: formulaError('#N/A', m) });
    expect(specSignature(na('waits'), KEYS)).toBe(specSignature(na('waits'), KEYS));
    expect(specSignature(na('waits'), KEYS)).not.toBe(specSignature(na('no result'), KEYS));
    expect(specSignature({ seed: 1 }, KEYS)).not.toBe(specSignature({ seed: '1' }, KEYS));
    expect(specSignature({ seed: null }, KEYS)).not.toBe(specSignature({}, KEYS));
  });
});
