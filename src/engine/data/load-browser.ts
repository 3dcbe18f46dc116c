/**
 * Loads a prepared dataset file in the page or a worker, from Vite's public/ folder.
 */
import { err, type Result } from '../errors.ts';
import { decodeDataset, type DecodedDataset } from './binary-format.ts';
import { datasetFilePath, missingFileMessage, type DatasetFileName } from './files.ts';

export interface LoadOptions {
  /** Stops the download when the run that wanted it is cancelled. */
  readonly signal?: AbortSignal;
}

/** Fetches and decodes `${BASE_URL}data/<name>.bin`; a missing or malformed file is an error value. */
export async function loadDatasetFile(name: DatasetFileName, options: LoadOptions = {}): Promise<Result<DecodedDataset, string>> {
  const url = `${import.meta.env.BASE_URL}${datasetFilePath(name)}`;
  let bytes: Uint8Array;
  try {
    const res = await fetch(url, options.signal ? { signal: options.signal } : {});
    if (res.status === 404) return err(missingFileMessage(name));
    if (!res.ok) return err(`could not load ${url}: HTTP ${res.status} ${res.statusText}`);
    // Vite's dev server answers an unknown path with index.html, so a missing file looks like HTML.
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) return err(missingFileMessage(name));
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return err(`could not load ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const decoded = decodeDataset(bytes);
  return decoded.ok ? decoded : err(`${url}: ${decoded.error} (run npm run prepare-data)`);
}
