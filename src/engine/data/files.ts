/**
 * The prepared dataset files: their names and where they live. Shared by the Node and browser
 * loaders and by scripts/prepare-data.ts, so the three agree on one path and one hint.
 */

export const DATASET_FILE_NAMES = ['mnist', 'fashion-mnist', 'iris'] as const;
export type DatasetFileName = (typeof DATASET_FILE_NAMES)[number];

export function isDatasetFileName(s: string): s is DatasetFileName {
  return (DATASET_FILE_NAMES as readonly string[]).includes(s);
}

/** Path below public/ in the repository, and below Vite's base URL when served. */
export const datasetFilePath = (name: DatasetFileName): string => `data/${name}.bin`;

/** The one message for a file that was never prepared. */
export const missingFileMessage = (name: DatasetFileName): string =>
  `dataset file public/${datasetFilePath(name)} is missing: run npm run prepare-data`;
