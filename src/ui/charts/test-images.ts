/**
 * A few test images from a prepared dataset file, without downloading the whole file: the header
 * first, then each image's bytes by an HTTP range request. A server that ignores ranges sends
 * the whole file once; it is then decoded and kept for later calls.
 */
import { decodeDataset, decodeHeader, type DatasetHeader } from '../../engine/data/binary-format.ts';
import { datasetFilePath, type DatasetFileName } from '../../engine/data/files.ts';
import { type Result, err, ok } from '../../engine/errors.ts';

/** The header of a prepared file fits in this many bytes (shape, ten class names, a source line). */
const HEADER_BYTES = 4096;

interface Source {
  readonly header: DatasetHeader;
  /** The whole file, when the server did not answer the range request. */
  readonly whole: Uint8Array | null;
}

const sources = new Map<DatasetFileName, Promise<Result<Source, string>>>();
const images = new Map<string, Uint8Array>();

const urlOf = (file: DatasetFileName) => `${import.meta.env.BASE_URL}${datasetFilePath(file)}`;

/**
 * Past the browser's HTTP cache (no-store): after a reload, chromium answered some range requests
 * that an earlier page had made (a 206 of 784 bytes by its headers) with an empty body, and the
 * gallery said "test sample 261: expected 784 bytes, got 0" (the dev server sends no-cache and a
 * weak ETag). The images are a few hundred bytes each and kept in memory once read.
 */
async function range(url: string, from: number, length: number): Promise<{ partial: boolean; bytes: Uint8Array }> {
  const res = await fetch(url, { headers: { Range: `bytes=${from}-${from + length - 1}` }, cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return { partial: res.status === 206, bytes: new Uint8Array(await res.arrayBuffer()) };
}

async function openSource(file: DatasetFileName): Promise<Result<Source, string>> {
  const url = urlOf(file);
  try {
    const first = await range(url, 0, HEADER_BYTES);
    if (first.partial) {
      const h = decodeHeader(first.bytes);
      return h.ok ? ok({ header: h.value, whole: null }) : err(h.error);
    }
    const d = decodeDataset(first.bytes);
    if (!d.ok) return err(d.error);
    const h = decodeHeader(first.bytes);
    return h.ok ? ok({ header: h.value, whole: first.bytes }) : err(h.error);
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

/** Bytes per image of an 8-bit image file, or null when the file holds something else. */
function imageSize(h: DatasetHeader): number | null {
  return h.dtype === 'uint8' && h.shape.length === 3 ? h.shape.reduce((a, b) => a * b, 1) : null;
}

/**
 * The test images at `indices` (positions in the file's test split), row-major bytes of
 * h x w x 1, in the order asked.
 */
export async function loadTestImages(file: DatasetFileName, indices: readonly number[]): Promise<Result<{ width: number; height: number; pixels: Uint8Array[] }, string>> {
  let pending = sources.get(file);
  if (!pending) {
    pending = openSource(file);
    sources.set(file, pending);
  }
  const src = await pending;
  if (!src.ok) {
    sources.delete(file);
    return src;
  }
  const { header, whole } = src.value;
  const size = imageSize(header);
  if (size === null) return err(`${file} does not hold 8-bit images`);
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= header.testCount);
  if (bad !== undefined) return err(`test sample ${bad} is outside the ${header.testCount} test samples`);
  const offset = (i: number) => header.headerBytes + (header.trainCount + i) * size;
  try {
    const pixels = await Promise.all(indices.map(async (i) => {
      const key = `${file}:${i}`;
      const known = images.get(key);
      if (known) return known;
      const bytes = whole ? whole.subarray(offset(i), offset(i) + size) : (await range(urlOf(file), offset(i), size)).bytes.subarray(0, size);
      if (bytes.length !== size) throw new Error(`test sample ${i}: expected ${size} bytes, got ${bytes.length}`);
      images.set(key, bytes);
      return bytes;
    }));
    return ok({ height: header.shape[0]!, width: header.shape[1]!, pixels });
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

/** Grey bytes → a canvas of the image's own size (CSS scales it up, pixelated). */
export function drawGrey(canvas: HTMLCanvasElement, width: number, height: number, pixels: Uint8Array): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    // Ink dark on white, as the notes' show_images plots them (cmap=binary).
    const v = 255 - pixels[i]!;
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
