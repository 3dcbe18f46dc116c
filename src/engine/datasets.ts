/**
 * What the engine knows about datasets without loading them: names, input shape,
 * number of classes and sample counts. Generation and loading live in train/ and data/.
 */

export type DatasetName = 'xor' | 'circle' | 'spiral' | 'gaussian';

export interface DatasetInfo {
  readonly name: DatasetName;
  /** Shape of one sample as the first layer sees it. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly trainSize: number;
  readonly testSize: number;
  readonly help: string;
}

/** 2-D toy sets in the manner of the TensorFlow Playground: generated from the row's seed and noise. */
const TOY_TRAIN = 400;
const TOY_TEST = 200;

export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  xor: {
    name: 'xor', inputShape: [2], classes: 2, trainSize: TOY_TRAIN, testSize: TOY_TEST,
    help: 'Four quadrants, opposite corners share a class: no straight line separates them.',
  },
  circle: {
    name: 'circle', inputShape: [2], classes: 2, trainSize: TOY_TRAIN, testSize: TOY_TEST,
    help: 'A disc inside a ring: needs a curved boundary.',
  },
  spiral: {
    name: 'spiral', inputShape: [2], classes: 2, trainSize: TOY_TRAIN, testSize: TOY_TEST,
    help: 'Two interleaved spirals: the hardest toy set, needs depth and many epochs.',
  },
  gaussian: {
    name: 'gaussian', inputShape: [2], classes: 2, trainSize: TOY_TRAIN, testSize: TOY_TEST,
    help: 'Two Gaussian clouds: separable by a line, even with no hidden layer.',
  },
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

export function isDatasetName(s: string): s is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASETS, s);
}
