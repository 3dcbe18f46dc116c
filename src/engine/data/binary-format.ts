/**
 * The one compact file format for a prepared dataset ("SWDS"), written once by
 * scripts/prepare-data.ts and read in Node, workers and the page. Pure TypeScript.
 *
 * Layout, all integers little-endian:
 *
 *   offset  size       field
 *   0       4          magic "SWDS"
 *   4       2          format version (u16), FORMAT_VERSION
 *   6       1          feature dtype: 1 = uint8, 2 = float32
 *   7       1          rank of one sample's shape, 1..4
 *   8       4          train sample count (u32)
 *   12      4          test sample count (u32)
 *   16      2          class count (u16), 1..256 since labels are u8
 *   18      2          reserved, 0
 *   20      4*rank     shape dims (u32 each, >= 1), e.g. [28, 28, 1] or [4]
 *   ...     per class  name: length (u8) + UTF-8 bytes
 *   ...     2 + n      source: length (u16) + UTF-8 bytes (provenance stamp, see prepare-data)
 *   ...                zero padding to a multiple of 8, so float32 features can be viewed in place
 *   header  ...        train features, then test features (count * prod(shape) of dtype)
 *   ...     ...        train labels, then test labels (u8 each, < class count)
 *
 * The file ends exactly after the test labels; anything else is malformed.
 */
import { err, ok, type Result } from '../errors.ts';

export const MAGIC = 'SWDS';
export const FORMAT_VERSION = 1;

export type FeatureDtype = 'uint8' | 'float32';
export type Features = Uint8Array | Float32Array;

export interface DatasetSplit {
  /** Row-major, sample after sample: count * prod(shape) values. */
  readonly features: Features;
  readonly labels: Uint8Array;
}

/** What the header says of a dataset, whether or not its samples are read. */
interface DatasetMeta {
  readonly shape: readonly number[];
  readonly dtype: FeatureDtype;
  /** One name per class; label k means classNames[k]. */
  readonly classNames: readonly string[];
  /** Where the data came from and how it was prepared; prepare-data compares it to skip work. */
  readonly source: string;
}

/** What encodeDataset takes and decodeDataset returns. */
export interface DatasetFile extends DatasetMeta {
  readonly train: DatasetSplit;
  readonly test: DatasetSplit;
}

export type DecodedDataset = DatasetFile;

export interface DatasetHeader extends DatasetMeta {
  readonly version: number;
  readonly trainCount: number;
  readonly testCount: number;
  /** Where the features start. */
  readonly headerBytes: number;
  /** The exact length of the whole file this header describes. */
  readonly totalBytes: number;
}

const FIXED = 20;
const DTYPE_CODE: Record<FeatureDtype, number> = { uint8: 1, float32: 2 };
const BYTES: Record<FeatureDtype, number> = { uint8: 1, float32: 4 };
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const pad8 = (n: number) => Math.ceil(n / 8) * 8;
const sampleSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Packs a dataset into one SWDS buffer.
 * @throws RangeError on a dataset that cannot be represented (only the prepare script calls this).
 */
export function encodeDataset(ds: DatasetFile): Uint8Array {
  const utf8 = new TextEncoder();
  const names = ds.classNames.map(n => utf8.encode(n));
  const source = utf8.encode(ds.source);
  const size = sampleSize(ds.shape);
  const check = (cond: boolean, msg: string) => { if (!cond) throw new RangeError(msg); };
  check(ds.shape.length >= 1 && ds.shape.length <= 4, `Expected a shape of rank 1 to 4, but got [${ds.shape}]`);
  check(ds.shape.every(d => Number.isInteger(d) && d >= 1), `Expected positive integer dims, but got [${ds.shape}]`);
  check(names.length >= 1 && names.length <= 256, `Expected 1 to 256 classes, but got ${names.length}`);
  check(names.every(n => n.length <= 255), 'Expected class names of at most 255 bytes');
  check(source.length <= 65535, 'Expected a source of at most 65535 bytes');
  for (const [which, s] of [['train', ds.train], ['test', ds.test]] as const) {
    check(s.features instanceof (ds.dtype === 'uint8' ? Uint8Array : Float32Array), `Expected ${which} features of dtype ${ds.dtype}`);
    check(s.features.length === s.labels.length * size,
      `Expected ${which} features of length ${s.labels.length} * ${size}, but got ${s.features.length}`);
    check(s.labels.every(l => l < names.length), `Expected ${which} labels below ${names.length}`);
  }
  const headerBytes = pad8(FIXED + 4 * ds.shape.length + names.reduce((a, n) => a + 1 + n.length, 0) + 2 + source.length);
  const width = BYTES[ds.dtype];
  const trainF = ds.train.features.length * width;
  const testF = ds.test.features.length * width;
  const out = new Uint8Array(headerBytes + trainF + testF + ds.train.labels.length + ds.test.labels.length);
  const view = new DataView(out.buffer);
  out.set(utf8.encode(MAGIC), 0);
  view.setUint16(4, FORMAT_VERSION, true);
  view.setUint8(6, DTYPE_CODE[ds.dtype]);
  view.setUint8(7, ds.shape.length);
  view.setUint32(8, ds.train.labels.length, true);
  view.setUint32(12, ds.test.labels.length, true);
  view.setUint16(16, names.length, true);
  let at = FIXED;
  for (const d of ds.shape) { view.setUint32(at, d, true); at += 4; }
  for (const n of names) { out[at++] = n.length; out.set(n, at); at += n.length; }
  view.setUint16(at, source.length, true);
  out.set(source, at + 2);
  at = headerBytes;
  for (const f of [ds.train.features, ds.test.features]) {
    if (f instanceof Uint8Array) out.set(f, at);
    else for (let i = 0; i < f.length; i++) view.setFloat32(at + 4 * i, f[i]!, true);
    at += f.byteLength;
  }
  out.set(ds.train.labels, at);
  out.set(ds.test.labels, at + ds.train.labels.length);
  return out;
}

/**
 * Reads and checks the header alone (the prepare script needs only this to decide whether
 * a file is current). `bytes` may be just the start of the file. Never throws.
 */
export function decodeHeader(bytes: Uint8Array): Result<DatasetHeader, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, what: string) =>
    n > bytes.length ? `truncated header: ${what} needs ${n} bytes, but the file has ${bytes.length}` : null;
  const short = need(FIXED, 'the fixed part');
  if (short) return err(short);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== MAGIC) return err(`not a Sweepsheet dataset file: expected magic "${MAGIC}", but got ${JSON.stringify(magic)}`);
  const version = view.getUint16(4, true);
  if (version !== FORMAT_VERSION) return err(`unsupported format version ${version} (this build reads version ${FORMAT_VERSION})`);
  const dtype = view.getUint8(6) === 1 ? 'uint8' : view.getUint8(6) === 2 ? 'float32' : null;
  if (!dtype) return err(`unknown feature dtype code ${view.getUint8(6)} (expected 1 for uint8 or 2 for float32)`);
  const rank = view.getUint8(7);
  if (rank < 1 || rank > 4) return err(`expected a sample rank of 1 to 4, but got ${rank}`);
  const trainCount = view.getUint32(8, true);
  const testCount = view.getUint32(12, true);
  const classes = view.getUint16(16, true);
  if (classes < 1 || classes > 256) return err(`expected 1 to 256 classes, but got ${classes}`);
  let at = FIXED;
  const shape: number[] = [];
  const dims = need(at + 4 * rank, 'the shape');
  if (dims) return err(dims);
  for (let i = 0; i < rank; i++, at += 4) shape.push(view.getUint32(at, true));
  if (shape.some(d => d < 1)) return err(`expected positive dims, but got shape [${shape}]`);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const text = (len: number): string | null => {
    try { return utf8.decode(bytes.subarray(at, at + len)); } catch { return null; }
  };
  const classNames: string[] = [];
  for (let c = 0; c < classes; c++) {
    const lenShort = need(at + 1, `class name ${c}`);
    if (lenShort) return err(lenShort);
    const len = bytes[at++]!;
    const nameShort = need(at + len, `class name ${c}`);
    if (nameShort) return err(nameShort);
    const name = text(len);
    if (name === null) return err(`class name ${c} is not valid UTF-8`);
    classNames.push(name);
    at += len;
  }
  const srcLenShort = need(at + 2, 'the source');
  if (srcLenShort) return err(srcLenShort);
  const srcLen = view.getUint16(at, true);
  at += 2;
  const srcShort = need(at + srcLen, 'the source');
  if (srcShort) return err(srcShort);
  const source = text(srcLen);
  if (source === null) return err('the source is not valid UTF-8');
  const headerBytes = pad8(at + srcLen);
  // Plain numbers are exact up to 2^53, so these products cannot wrap.
  const totalBytes = headerBytes + (trainCount + testCount) * (sampleSize(shape) * BYTES[dtype] + 1);
  return ok({ version, shape, dtype, classNames, source, trainCount, testCount, headerBytes, totalBytes });
}

/** Decodes a whole SWDS file; any malformed input gives an error message, never an exception. */
export function decodeDataset(bytes: Uint8Array): Result<DecodedDataset, string> {
  const h = decodeHeader(bytes);
  if (!h.ok) return h;
  const { shape, dtype, classNames, source, trainCount, testCount, headerBytes, totalBytes } = h.value;
  if (bytes.length !== totalBytes) {
    const what = bytes.length < totalBytes ? 'truncated' : 'trailing bytes';
    return err(`${what}: the header describes ${trainCount} train and ${testCount} test samples of shape [${shape}] ` +
      `(${dtype}), which need ${totalBytes} bytes, but the file has ${bytes.length}`);
  }
  const size = sampleSize(shape);
  const features = (start: number, count: number): Features => {
    if (dtype === 'uint8') return bytes.subarray(start, start + count * size);
    const at = bytes.byteOffset + start;
    if (LITTLE_ENDIAN && at % 4 === 0) return new Float32Array(bytes.buffer, at, count * size);
    // Misaligned input (e.g. a pooled Node Buffer) or a big-endian machine: copy value by value.
    const view = new DataView(bytes.buffer, at, count * size * 4);
    const out = new Float32Array(count * size);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  };
  const width = size * BYTES[dtype];
  const labelsAt = headerBytes + (trainCount + testCount) * width;
  const train = { features: features(headerBytes, trainCount), labels: bytes.subarray(labelsAt, labelsAt + trainCount) };
  const test = { features: features(headerBytes + trainCount * width, testCount), labels: bytes.subarray(labelsAt + trainCount, totalBytes) };
  for (const [which, labels] of [['train', train.labels], ['test', test.labels]] as const) {
    for (let i = 0; i < labels.length; i++) {
      if (labels[i]! >= classNames.length) {
        return err(`${which} label ${labels[i]} at sample ${i} is out of range for ${classNames.length} classes`);
      }
    }
  }
  return ok({ shape, dtype, classNames, source, train, test });
}
