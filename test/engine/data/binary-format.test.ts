import { describe, expect, it } from 'vitest';
import { decodeDataset, decodeHeader, encodeDataset, type DatasetFile } from '../../../src/engine/data/binary-format.ts';

/** 3 train + 2 test images of shape [2, 2, 1], three classes. */
const images: DatasetFile = {
  shape: [2, 2, 1], dtype: 'uint8', classNames: ['a', 'bb', '고양이'], source: 'test set; v1',
  train: { features: Uint8Array.from({ length: 12 }, (_, i) => i * 20), labels: Uint8Array.of(0, 2, 1) },
  test: { features: Uint8Array.of(255, 0, 1, 2, 3, 4, 5, 6), labels: Uint8Array.of(2, 2) },
};
const table: DatasetFile = {
  shape: [4], dtype: 'float32', classNames: ['x', 'y'], source: '',
  train: { features: Float32Array.of(5.1, 3.5, 1.4, 0.2, -1, 0, 1e30, 7.9), labels: Uint8Array.of(0, 1) },
  test: { features: Float32Array.of(6.3, 2.5, 5, 1.9), labels: Uint8Array.of(1) },
};

function decoded(bytes: Uint8Array) {
  const r = decodeDataset(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The error message, checking on the way that decoding neither throws nor succeeds. */
function failure(bytes: Uint8Array): string {
  const r = decodeDataset(bytes);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.error;
}

function edited(ds: DatasetFile, edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const b = encodeDataset(ds);
  edit(b, new DataView(b.buffer, b.byteOffset, b.byteLength));
  return b;
}

describe('encodeDataset / decodeDataset round trip', () => {
  it.each([['uint8 images', images], ['float32 table', table]])('%s', (_, ds) => {
    const d = decoded(encodeDataset(ds));
    expect(d.shape).toEqual(ds.shape);
    expect(d.dtype).toBe(ds.dtype);
    expect(d.classNames).toEqual(ds.classNames);
    expect(d.source).toBe(ds.source);
    for (const s of ['train', 'test'] as const) {
      expect(d[s].features).toBeInstanceOf(ds.dtype === 'uint8' ? Uint8Array : Float32Array);
      expect(Array.from(d[s].features)).toEqual(Array.from(ds[s].features));
      expect(Array.from(d[s].labels)).toEqual(Array.from(ds[s].labels));
    }
  });

  it('views the buffer in place when it can and copies when float32 data is misaligned', () => {
    const bytes = encodeDataset(table);
    expect(decoded(bytes).train.features.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const d = decoded(shifted.subarray(1));
    expect(Array.from(d.test.features)).toEqual(Array.from(table.test.features));
  });

  it('reads only its own bytes when it is a view into a larger buffer', () => {
    const bytes = encodeDataset(images);
    const big = new Uint8Array(bytes.length + 64).fill(7);
    big.set(bytes, 8);
    expect(Array.from(decoded(big.subarray(8, 8 + bytes.length)).test.labels)).toEqual([2, 2]);
    expect(failure(big.subarray(8, 8 + bytes.length - 1))).toMatch(/^truncated/);
  });

  it('header alone gives the exact file length', () => {
    const bytes = encodeDataset(images);
    const h = decodeHeader(bytes.subarray(0, 64));
    expect(h.ok && h.value.totalBytes).toBe(bytes.length);
    expect(h.ok && h.value.headerBytes % 8).toBe(0);
  });
});

describe('decodeDataset on malformed input', () => {
  // `images` is laid out as: fixed part 0..19, shape 20..31, class names 32..46 ("a", "bb" and
  // 9 bytes of 고양이, each after a length byte), source 47..60, padding to 64; then 5 * 4 pixel
  // bytes and 5 labels: 89 bytes in all.
  const good = encodeDataset(images);
  const headerBytes = 64;

  it('has the layout the cases below assume', () => {
    expect(good.length).toBe(89);
    const h = decodeHeader(good);
    expect(h.ok && h.value.headerBytes).toBe(headerBytes);
  });

  it.each([
    ['empty', 0, /truncated header: the fixed part needs 20 bytes, but the file has 0/],
    ['inside the magic', 2, /truncated header: the fixed part/],
    ['inside the fixed part', 19, /truncated header: the fixed part/],
    ['inside the shape', 24, /truncated header: the shape needs 32 bytes/],
    ['before a class name', 32, /truncated header: class name 0/],
    ['inside a class name', 36, /truncated header: class name 1/],
    ['inside the source', 47, /truncated header: the source/],
    ['at the end of the header', headerBytes, /^truncated: the header describes 3 train and 2 test samples of shape \[2,2,1\] \(uint8\), which need 89 bytes, but the file has 64/],
    ['inside the features', headerBytes + 5, /^truncated: .* need 89 bytes, but the file has 69/],
    ['inside the labels', good.length - 2, /^truncated: .* but the file has 87/],
  ])('truncated %s', (_, at, message) => {
    expect(failure(good.subarray(0, at))).toMatch(message);
  });

  it('every truncation is an error, never an exception', () => {
    for (const ds of [images, table]) {
      const b = encodeDataset(ds);
      for (let n = 0; n < b.length; n++) expect(decodeDataset(b.subarray(0, n)).ok).toBe(false);
    }
  });

  it('any single corrupted byte is a result, never an exception', () => {
    for (let i = 0; i < good.length; i++) {
      for (const v of [0, 1, 3, 128, 255]) {
        const b = good.slice();
        b[i] = v;
        expect(() => decodeDataset(b)).not.toThrow();
      }
    }
  });

  it.each([
    ['wrong magic', (b: Uint8Array) => { b[3] = 0x58; }, /not a Sweepsheet dataset file: expected magic "SWDS", but got "SWDX"/],
    ['wrong version', (_: Uint8Array, v: DataView) => v.setUint16(4, 2, true), /unsupported format version 2 \(this build reads version 1\)/],
    ['unknown dtype', (b: Uint8Array) => { b[6] = 9; }, /unknown feature dtype code 9/],
    ['rank 0', (b: Uint8Array) => { b[7] = 0; }, /expected a sample rank of 1 to 4, but got 0/],
    ['zero classes', (_: Uint8Array, v: DataView) => v.setUint16(16, 0, true), /expected 1 to 256 classes, but got 0/],
    ['257 classes', (_: Uint8Array, v: DataView) => v.setUint16(16, 257, true), /expected 1 to 256 classes, but got 257/],
    ['a zero dim', (_: Uint8Array, v: DataView) => v.setUint32(24, 0, true), /expected positive dims, but got shape \[2,0,1\]/],
    ['more train samples than bytes', (_: Uint8Array, v: DataView) => v.setUint32(8, 1000, true),
      /^truncated: the header describes 1000 train and 2 test samples .* but the file has 89/],
    ['a huge test count', (_: Uint8Array, v: DataView) => v.setUint32(12, 0xffffffff, true), /^truncated: .*4294967295 test samples/],
    ['fewer samples than bytes', (_: Uint8Array, v: DataView) => v.setUint32(12, 1, true), /^trailing bytes: .* need 84 bytes, but the file has 89/],
    ['a label out of range', (b: Uint8Array) => { b[b.length - 1] = 3; }, /test label 3 at sample 1 is out of range for 3 classes/],
    ['a class name that is not UTF-8', (b: Uint8Array) => { b[33] = 0xff; }, /class name 0 is not valid UTF-8/],
  ])('%s', (_, edit, message) => {
    expect(failure(edited(images, edit))).toMatch(message);
  });

  it('trailing bytes', () => {
    const b = new Uint8Array(good.length + 3);
    b.set(good);
    expect(failure(b)).toMatch(/^trailing bytes: .* need 89 bytes, but the file has 92/);
  });
});

describe('encodeDataset rejects what the format cannot hold', () => {
  it.each([
    ['no classes', { ...images, classNames: [] }, 'Expected 1 to 256 classes, but got 0'],
    ['a rank-5 shape', { ...images, shape: [1, 1, 1, 1, 4] }, 'Expected a shape of rank 1 to 4, but got [1,1,1,1,4]'],
    ['a zero dim', { ...images, shape: [0, 4] }, 'Expected positive integer dims, but got [0,4]'],
    ['features that do not match the labels', { ...images, test: { ...images.test, labels: Uint8Array.of(1) } },
      'Expected test features of length 1 * 4, but got 8'],
    ['a label out of range', { ...images, train: { ...images.train, labels: Uint8Array.of(0, 3, 1) } }, 'Expected train labels below 3'],
    ['float32 features for uint8', { ...images, dtype: 'float32' as const }, 'Expected train features of dtype float32'],
  ])('%s', (_, ds, message) => {
    expect(() => encodeDataset(ds)).toThrow(message);
  });
});
