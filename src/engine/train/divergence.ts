/** When a run's loss says it diverged while it trains (fit.ts). Pure: no tfjs. */

/**
 * The epoch (1-based) from which the loss has stayed far above chance (over 3x) and no lower than
 * where training began, for the last two epochs; null otherwise. One epoch up there is not enough:
 * with batches of 1, adam jumps out of a good minimum for an epoch and comes back, and a spiral
 * row at 0.99 accuracy (loss 0.1) was stopped as diverged at its first such jump (2.2 at epoch 80),
 * "the learning rate (0.01) is probably too high".
 */
export function farAboveChance(losses: readonly number[], chance: number): number | null {
  const n = losses.length;
  if (n < 3) return null;
  const high = (loss: number) => loss > 3 * chance && loss >= losses[0]!;
  return high(losses[n - 1]!) && high(losses[n - 2]!) ? n - 1 : null;
}
