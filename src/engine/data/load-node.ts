/**
 * Loads a prepared dataset file in Node (CLI, tests, Node workers) from public/data/.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { err, type Result } from '../errors.ts';
import { decodeDataset, type DecodedDataset } from './binary-format.ts';
import { datasetFilePath, missingFileMessage, type DatasetFileName } from './files.ts';

/** The project's public/ folder, found from this file so the working directory does not matter. */
const PUBLIC_DIR = new URL('../../../public/', import.meta.url);

/** Absolute path of a prepared file, e.g. /repo/public/data/mnist.bin. */
export function datasetFileLocation(name: DatasetFileName): string {
  return fileURLToPath(new URL(datasetFilePath(name), PUBLIC_DIR));
}

/** Reads and decodes public/data/<name>.bin; a missing or malformed file is an error value. */
export async function loadDatasetFile(name: DatasetFileName): Promise<Result<DecodedDataset, string>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(datasetFileLocation(name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return err(missingFileMessage(name));
    return err(`could not read public/${datasetFilePath(name)}: ${(e as Error).message}`);
  }
  const decoded = decodeDataset(bytes);
  return decoded.ok ? decoded : err(`public/${datasetFilePath(name)}: ${decoded.error} (run npm run prepare-data)`);
}
