/** When a run's loss says it diverged while it trains (fit.ts). Pure: no tfjs. */

/**
 * The epoch (1-based) from which the loss is far above chance (over 3x) and no lower than where
 * training began, in the last epoch and one of the two before it; null otherwise. One epoch up
 * there is not enough: with batches of 1, adam jumps out of a good minimum for an epoch and comes
 * back, and a spiral row at 0.99 accuracy (loss 0.1) was stopped as diverged at its first such
 * jump (2.2 at epoch 80), "the learning rate (0.01) is probably too high". Two in a row would
 * miss a loss that swings between far above chance and back (3.1, 1.4, 3.1, 1.4, …).
 */
export function farAboveChance(losses: readonly number[], chance: number): number | null {
  const n = losses.length;
  if (n < 3) return null;
  const high = (loss: number) => loss > 3 * chance && loss >= losses[0]!;
  if (!high(losses[n - 1]!)) return null;
  if (high(losses[n - 3]!)) return n - 2;
  return high(losses[n - 2]!) ? n - 1 : null;
}

/**
 * For a run that ended above chance: the epoch (1-based) from which its loss stayed above
 * `level` to the end, the one a "diverged at epoch N" should name. It was the last epoch, so the
 * learning-rate lesson's lr 3 and lr 5 rows read "diverged at epoch 30" of 30, as if the run had
 * gone wrong at its very end, when it had been above chance from its first epochs.
 */
export function aboveSince(losses: readonly number[], level: number): number {
  for (let i = losses.length - 1; i >= 0; i--) if (!(losses[i]! > level)) return i + 2;
  return 1;
}
