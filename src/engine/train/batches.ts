/**
 * Tensors cut from the resident typed arrays, one batch at a time: pixels are scaled to [0, 1]
 * as they are copied, labels become one-hot rows (or a column of regression targets).
 */
import * as tf from '@tensorflow/tfjs';
import type { LoadedData, Samples } from './toy-data.ts';
import type { View } from './views.ts';

export interface Batch {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
}

/** Byte -> scaled float, one table per scale: a lookup is cheaper than a multiply per pixel. */
const tables = new Map<number, Float32Array>();
function scaleTable(scale: number): Float32Array {
  let t = tables.get(scale);
  if (!t) {
    t = new Float32Array(256);
    for (let i = 0; i < 256; i++) t[i] = i * scale;
    tables.set(scale, t);
  }
  return t;
}

/** Rows `idx` of `src`, scaled, into `x`. Separate loops per array type keep each one monomorphic. */
function gatherRows(x: Float32Array, src: Uint8Array | Float32Array, idx: ArrayLike<number>, f: number, scale: number): void {
  const n = idx.length;
  if (src instanceof Uint8Array && scale !== 1) {
    const table = scaleTable(scale);
    for (let r = 0; r < n; r++) {
      const from = idx[r]! * f;
      const to = r * f;
      for (let k = 0; k < f; k++) x[to + k] = table[src[from + k]!]!;
    }
  } else if (scale === 1) {
    for (let r = 0; r < n; r++) x.set(src.subarray(idx[r]! * f, idx[r]! * f + f), r * f);
  } else {
    for (let r = 0; r < n; r++) {
      const from = idx[r]! * f;
      const to = r * f;
      for (let k = 0; k < f; k++) x[to + k] = src[from + k]! * scale;
    }
  }
}

/** Reused batch buffers by length, x and y apart (wasm only, see batchOf). */
const reusable = [new Map<number, Float32Array>(), new Map<number, Float32Array>()] as const;

/**
 * A buffer of n floats (zeroed for y). The wasm backend copies an array into its heap when a tensor is
 * made, so there one buffer per size serves every batch, and no ArrayBuffer is left for V8's
 * background threads to free; the cpu and WebGL backends keep the array a tensor was made from
 * (a reused buffer would change tensors already handed out), so they get a fresh one.
 */
function buffer(which: 0 | 1, n: number): Float32Array {
  if (tf.getBackend() !== 'wasm') return new Float32Array(n);
  const pool = reusable[which];
  let b = pool.get(n);
  if (b === undefined) {
    // A handful of sizes per job (train batch, last batch, evaluation chunks).
    if (pool.size >= 8) pool.clear();
    b = new Float32Array(n);
    pool.set(n, b);
  } else if (which === 1) {
    b.fill(0); // one-hot rows set single entries; every x element is written by gatherRows
  }
  return b;
}

/** The samples `idx` of `s` as tensors. */
export function batchOf(data: LoadedData, s: Samples, idx: ArrayLike<number>): { xs: tf.Tensor; ys: tf.Tensor } {
  const f = data.features;
  const n = idx.length;
  const x = buffer(0, n * f);
  gatherRows(x, s.x, idx, f, data.scale);
  const xs = tf.tensor(x, [n, ...data.sampleShape], 'float32');
  let ys: tf.Tensor;
  if (data.task === 'classification') {
    const c = data.classes;
    const y = buffer(1, n * c);
    for (let r = 0; r < n; r++) y[r * c + s.y[idx[r]!]!] = 1;
    ys = tf.tensor2d(y, [n, c]);
  } else {
    const y = buffer(1, n);
    for (let r = 0; r < n; r++) y[r] = s.y[idx[r]!]!;
    ys = tf.tensor2d(y, [n, 1]);
  }
  return { xs, ys };
}

/** Loss and metric (accuracy, or MAE for regression) over a view, in batches, weighted by size. */
export async function evaluateView(model: tf.LayersModel, data: LoadedData, view: View): Promise<{ loss: number; acc: number }> {
  const size = data.sampleShape.length > 1 ? 256 : 2048;
  let loss = 0;
  let metric = 0;
  const n = view.idx.length;
  if (n === 0) return { loss: NaN, acc: NaN };
  for (let from = 0; from < n; from += size) {
    const idx = view.idx.subarray(from, Math.min(n, from + size));
    const { xs, ys } = batchOf(data, view.samples, idx);
    const out = model.evaluate(xs, ys, { batchSize: size }) as tf.Scalar[];
    try {
      const [l, m] = await Promise.all(out.map((t) => t.data()));
      loss += l![0]! * idx.length;
      metric += m![0]! * idx.length;
    } finally {
      tf.dispose([xs, ys, ...out]);
    }
  }
  return { loss: loss / n, acc: metric / n };
}
