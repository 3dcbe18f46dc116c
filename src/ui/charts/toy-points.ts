/**
 * The points under a decision boundary. A saved boundary holds no points: the toy sets are pure
 * functions of their name, noise and seed (train/toy-data.ts), so the page makes them again.
 */
import { DATASETS, type DatasetName } from '../../engine/datasets.ts';
import type { DatasetRef } from '../../engine/spec.ts';
import { type ToyName, generateToy } from '../../engine/train/toy-data.ts';
import type { BoundaryPoint } from './boundary-draw.ts';

let last: { key: string; points: readonly BoundaryPoint[] } | null = null;

/** The training points of a toy set; regression targets are coloured by sign, as their boundary is. Empty for other datasets. */
export function toyPoints(ref: DatasetRef, seed: number): readonly BoundaryPoint[] {
  const info = DATASETS[ref.name as DatasetName];
  if (info.source.kind !== 'toy') return [];
  const key = `${ref.name}|${ref.noise}|${seed}`;
  if (last?.key === key) return last.points;
  const { train } = generateToy(ref.name as ToyName, ref.noise, seed);
  const regression = info.task === 'regression';
  const points = Array.from({ length: train.n }, (_, i) => ({
    x: train.x[2 * i]!, y: train.x[2 * i + 1]!, label: regression ? (train.y[i]! >= 0 ? 1 : 0) : train.y[i]!,
  }));
  last = { key, points };
  return points;
}
