/**
 * A dataset reference -> samples in memory: toy sets are generated from the seed, the others
 * come from a prepared file through whichever loader the host has (fs in Node, fetch in a worker).
 */
import type { DecodedDataset } from '../data/binary-format.ts';
import type { DatasetFileName } from '../data/files.ts';
import { DATASETS } from '../datasets.ts';
import type { Result } from '../errors.ts';
import type { DatasetRef } from '../spec.ts';
import { type LoadedData, type ToyName, generateToy } from './toy-data.ts';

export type FileLoader = (name: DatasetFileName) => Promise<Result<DecodedDataset, string>>;

/** The cache key of the samples a reference needs (a subset is cut later, by index). */
export function dataKey(ref: DatasetRef, seed: number): string {
  return DATASETS[ref.name].source.kind === 'toy' ? `${ref.name}|${ref.noise}|${seed}` : ref.name;
}

export async function loadData(ref: DatasetRef, seed: number, loadFile: FileLoader): Promise<LoadedData> {
  const info = DATASETS[ref.name];
  if (info.source.kind === 'toy') return generateToy(ref.name as ToyName, ref.noise, seed);
  const file = await loadFile(info.source.file);
  if (!file.ok) throw new Error(file.error);
  const d = file.value;
  const features = d.shape.reduce((a, b) => a * b, 1);
  return {
    task: 'classification', sampleShape: [...d.shape], features, scale: info.scale, classes: d.classNames.length,
    train: { x: d.train.features, y: d.train.labels, n: d.train.labels.length },
    test: { x: d.test.features, y: d.test.labels, n: d.test.labels.length },
  };
}
