/**
 * Seeded, stratified choices of sample indices: a smaller training set (mnist:5k) and a
 * validation split. Stratified so a small subset keeps every class in its proportion;
 * seeded so the same row gives the same samples on every machine.
 */
import { deriveSeed, mulberry32, permutation } from '../train/rng.ts';

export interface IndexSplit {
  readonly train: Int32Array;
  readonly val: Int32Array;
}

/**
 * `count` indices into `labels`, each class represented in proportion (within one sample),
 * ascending. Different seeds pick different samples.
 * @throws RangeError when count is not an integer in 0..labels.length or a label is not below `classes`.
 */
export function stratifiedSubset(labels: ArrayLike<number>, classes: number, count: number, seed: number): Int32Array {
  if (!Number.isInteger(count) || count < 0 || count > labels.length) {
    throw new RangeError(`Expected count to be an integer from 0 to ${labels.length}, but got ${count}`);
  }
  return pick(labels, classes, count, deriveSeed(seed, 'subset'));
}

/**
 * Splits all of `labels` into train and validation, about `fraction` of each class going to
 * validation (within one sample per class; round(n * fraction) in total). Both ascending, disjoint.
 * @throws RangeError when fraction is outside [0, 1] or a label is not below `classes`.
 */
export function stratifiedSplit(labels: ArrayLike<number>, classes: number, fraction: number, seed: number): IndexSplit {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`Expected fraction to be a number from 0 to 1, but got ${fraction}`);
  }
  const val = pick(labels, classes, Math.round(labels.length * fraction), deriveSeed(seed, 'validation'));
  const inVal = new Uint8Array(labels.length);
  for (const i of val) inVal[i] = 1;
  const train = new Int32Array(labels.length - val.length);
  for (let i = 0, t = 0; i < labels.length; i++) if (!inVal[i]) train[t++] = i;
  return { train, val };
}

/** The indices of each class, in order. */
function byClass(labels: ArrayLike<number>, classes: number): Int32Array[] {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`Expected classes to be a positive integer, but got ${classes}`);
  }
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(Number.isInteger(l) && l >= 0 && l < classes)) {
      throw new RangeError(`Expected labels from 0 to ${classes - 1}, but got ${l} at index ${i}`);
    }
    counts[l]!++;
  }
  const members = counts.map(n => new Int32Array(n));
  const filled = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) members[labels[i]!]![filled[labels[i]!]!++] = i;
  return members;
}

/**
 * How many of each class to take for `total` in all: the largest-remainder method, so the
 * quotas add up exactly and each is its exact share rounded down or up. Ties go to the lower class.
 */
function quotas(sizes: readonly number[], total: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n === 0) return sizes.map(() => 0);
  // Integer arithmetic: total * size stays far below 2^53 for any dataset we load.
  const q = sizes.map(s => Math.floor((total * s) / n));
  const rem = sizes.map((s, c) => total * s - q[c]! * n);
  let left = total - q.reduce((a, b) => a + b, 0);
  const order = sizes.map((_, c) => c).sort((a, b) => rem[b]! - rem[a]! || a - b);
  for (const c of order) {
    if (left === 0) break;
    q[c]!++;
    left--;
  }
  return q;
}

function pick(labels: ArrayLike<number>, classes: number, total: number, seed: number): Int32Array {
  const members = byClass(labels, classes);
  const want = quotas(members.map(m => m.length), total);
  const rand = mulberry32(seed);
  const out = new Int32Array(total);
  let at = 0;
  members.forEach((m, c) => {
    const p = permutation(m.length, rand);
    for (let k = 0; k < want[c]!; k++) out[at++] = m[p[k]!]!;
  });
  return out.sort();
}
