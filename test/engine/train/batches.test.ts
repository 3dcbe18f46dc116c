import { describe, expect, it } from 'vitest';
import { batchOf } from '../../../src/engine/train/batches.ts';
import type { LoadedData } from '../../../src/engine/train/toy-data.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

function data(x: Uint8Array | Float32Array, y: Uint8Array | Float32Array, features: number, scale: number, task: LoadedData['task'], classes: number): LoadedData {
  const s = { x, y, n: y.length };
  return { task, sampleShape: [features], features, scale, classes, train: s, test: s };
}

describe('batchOf', () => {
  it('batches of the same size keep their own values on wasm and cpu (buffers are reused only on wasm)', async () => {
    const tf = await useWasm();
    const x = Uint8Array.from({ length: 6 * 2 }, (_, i) => i * 10);
    const d = data(x, Uint8Array.from([0, 1, 2, 0, 1, 2]), 2, 1 / 255, 'classification', 3);
    for (const backend of ['wasm', 'cpu']) {
      await tf.setBackend(backend);
      const a = batchOf(d, d.train, [0, 1]);
      const b = batchOf(d, d.train, [4, 5]);
      expect(await a.ys.array(), backend).toEqual([[1, 0, 0], [0, 1, 0]]);
      expect(await b.ys.array(), backend).toEqual([[0, 1, 0], [0, 0, 1]]);
      expect(Array.from(await a.xs.data()), backend).toEqual([0, 10, 20, 30].map((v) => Math.fround(v * (1 / 255))));
      tf.dispose([a.xs, a.ys, b.xs, b.ys]);
    }
    await useWasm();
  });

  it('scales byte pixels by the dataset scale, in the order of idx, with one-hot labels', async () => {
    const tf = await useWasm();
    const x = Uint8Array.from({ length: 4 * 3 }, (_, i) => (i * 37) % 256);
    const d = data(x, Uint8Array.from([2, 0, 1, 2]), 3, 1 / 255, 'classification', 3);
    const { xs, ys } = batchOf(d, d.train, [3, 0, 2]);
    const want = [3, 0, 2].flatMap((r) => [0, 1, 2].map((k) => Math.fround(x[r * 3 + k]! * (1 / 255))));
    expect(Array.from(await xs.data())).toEqual(want);
    expect(xs.shape).toEqual([3, 3]);
    expect(await ys.array()).toEqual([[0, 0, 1], [0, 0, 1], [0, 1, 0]]);
    tf.dispose([xs, ys]);
  });

  it('copies float features as they are when the scale is 1, and regression targets as a column', async () => {
    const tf = await useWasm();
    const x = Float32Array.from([0.5, -1, 2, 3.25, -0.125, 7]);
    const d = data(x, Float32Array.from([0.1, -0.2, 0.3]), 2, 1, 'regression', 1);
    const { xs, ys } = batchOf(d, d.train, Int32Array.from([2, 1]));
    expect(Array.from(await xs.data())).toEqual([-0.125, 7, 2, 3.25]);
    expect(Array.from(await ys.data())).toEqual([Math.fround(0.3), Math.fround(-0.2)]);
    expect(ys.shape).toEqual([2, 1]);
    tf.dispose([xs, ys]);
  });

  it('scales float features that are not already in range', async () => {
    const tf = await useWasm();
    const d = data(Float32Array.from([10, 20]), Uint8Array.from([1]), 2, 0.5, 'classification', 2);
    const { xs, ys } = batchOf(d, d.train, [0]);
    expect(Array.from(await xs.data())).toEqual([5, 10]);
    tf.dispose([xs, ys]);
  });
});
