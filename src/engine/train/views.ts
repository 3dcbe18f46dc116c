/**
 * Which samples a run trains, validates and tests on: the seeded training subset (mnist:5k),
 * the stratified validation split carved from it, and the whole held-out test set.
 */
import { stratifiedSplit, stratifiedSubset } from '../data/subset.ts';
import type { ExperimentSpec } from '../spec.ts';
import type { LoadedData, Samples } from './toy-data.ts';

/** Some samples of a split, by index. */
export interface View {
  readonly samples: Samples;
  readonly idx: Int32Array;
}

export interface RunViews {
  readonly train: View;
  readonly val: View | null;
  readonly test: View;
}

/**
 * Views already cut, per dataset, by what determines them: a grid over one dataset (and every
 * re-run after an edit) asks for the same subset again and again, and cutting one out of MNIST's
 * 60,000 labels costs a few ms of the time before the first batch. The views are never written.
 */
const cache = new WeakMap<LoadedData, Map<string, RunViews>>();
const CACHED_PER_DATASET = 8;

export function runViews(data: LoadedData, spec: ExperimentSpec): RunViews {
  const key = `${spec.dataset.subset}|${spec.valSplit}|${spec.seed}`;
  let views = cache.get(data);
  if (!views) {
    views = new Map();
    cache.set(data, views);
  }
  const hit = views.get(key);
  if (hit) return hit;
  const made = cutViews(data, spec);
  if (views.size >= CACHED_PER_DATASET) views.delete(views.keys().next().value!);
  views.set(key, made);
  return made;
}

function cutViews(data: LoadedData, spec: ExperimentSpec): RunViews {
  const all = (s: Samples): View => ({ samples: s, idx: Int32Array.from({ length: s.n }, (_, i) => i) });
  // Regression targets have no classes: one "class" makes the split plain seeded random.
  const strata = (s: Samples, idx: Int32Array) =>
    data.task === 'classification' ? Array.from(idx, (i) => s.y[i]!) : new Array<number>(idx.length).fill(0);
  const classes = data.task === 'classification' ? data.classes : 1;
  let train = all(data.train);
  if (spec.dataset.subset !== null && spec.dataset.subset < data.train.n) {
    train = { samples: data.train, idx: stratifiedSubset(strata(data.train, train.idx), classes, spec.dataset.subset, spec.seed) };
  }
  let val: View | null = null;
  if (spec.valSplit > 0) {
    const split = stratifiedSplit(strata(data.train, train.idx), classes, spec.valSplit, spec.seed);
    val = { samples: data.train, idx: split.val.map((i) => train.idx[i]!) };
    train = { samples: data.train, idx: split.train.map((i) => train.idx[i]!) };
  }
  return { train, val, test: all(data.test) };
}
