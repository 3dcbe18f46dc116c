import { beforeAll, describe, expect, it } from 'vitest';
import { EpochMeans, trainStepOf } from '../../../src/engine/train/step.ts';
import { mulberry32 } from '../../../src/engine/train/rng.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });

/** A small seeded model with a regularizer and dropout, compiled as fit.ts compiles. */
function model(seed: number) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed }), kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }));
  m.add(tf.layers.dropout({ rate: 0.2, seed: seed + 1 }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  m.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** Batches of 10, 10 and 7 samples (an uneven last batch, as the weighted means must handle). */
function batches() {
  const rnd = mulberry32(5);
  const out: { x: number[][]; y: number[][] }[] = [];
  for (const n of [10, 10, 7]) {
    const x = Array.from({ length: n }, () => [rnd() * 2 - 1, rnd() * 2 - 1]);
    const y = x.map(([a, b]) => [0, 1, 2].map((k) => (k === (a! > 0 ? (b! > 0 ? 0 : 1) : 2) ? 1 : 0)));
    out.push({ x, y });
  }
  return out;
}

describe('a training step without fitDataset', () => {
  it('gives the epoch losses, accuracies and weights fitDataset gives, bit for bit', async () => {
    const data = batches();
    const a = model(3);
    const ds = tf.data.generator(function* () {
      for (const b of data) yield { xs: tf.tensor2d(b.x), ys: tf.tensor2d(b.y) };
    });
    const logged: number[][] = [];
    await a.fitDataset(ds, { epochs: 3, verbose: 0, callbacks: { onEpochEnd: async (_e, logs) => { logged.push([logs!.loss!, logs!.acc!]); } } });

    const b = model(3);
    const step = trainStepOf(b);
    const ours: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const means = new EpochMeans(2);
      for (const d of data) {
        const outs = step(tf.tensor2d(d.x), tf.tensor2d(d.y));
        means.add(outs.map((t) => t.dataSync()[0]!), d.x.length);
        tf.dispose(outs);
      }
      ours.push(means.means());
    }
    expect(ours).toEqual(logged);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wb).toEqual(wa);
    a.dispose();
    b.dispose();
  });

  it('disposes the batch it is given and leaks nothing but the outputs it returns', () => {
    const m = model(4);
    const step = trainStepOf(m);
    const before = tf.memory().numTensors;
    const xs = tf.tensor2d([[0.1, 0.2]]);
    const ys = tf.tensor2d([[1, 0, 0]]);
    const outs = step(xs, ys);
    expect(xs.isDisposed && ys.isDisposed).toBe(true);
    expect(outs).toHaveLength(2);
    tf.dispose(outs);
    // The optimizer's slots appear on the first step; nothing else stays.
    const after = tf.memory().numTensors;
    const second = step(tf.tensor2d([[0.3, 0.4]]), tf.tensor2d([[0, 1, 0]]));
    tf.dispose(second);
    expect(tf.memory().numTensors).toBe(after);
    expect(after).toBeGreaterThanOrEqual(before);
    m.dispose();
  });

  it('rounds the running means as float32 tensors would', () => {
    const rnd = mulberry32(9);
    const means = new EpochMeans(1);
    let total: import("@tensorflow/tfjs").Tensor = tf.scalar(0);
    let seen = 0;
    for (let i = 0; i < 50; i++) {
      const v = Math.fround(rnd() * 3);
      const size = 1 + Math.floor(rnd() * 64);
      means.add([v], size);
      seen += size;
      const next = tf.add(total, tf.mul(tf.scalar(v), size));
      total.dispose();
      total = next;
    }
    const expected = tf.mul(tf.div(1, seen), total);
    expect(means.means()).toEqual([expected.dataSync()[0]]);
    tf.dispose([total, expected]);
    expect(new EpochMeans(2).means()).toEqual([NaN, NaN]);
  });
});
