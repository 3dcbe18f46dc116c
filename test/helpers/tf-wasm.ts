/** Run tfjs in this test process on the WASM backend, the one Node workers use. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mulberry32 } from '../../src/engine/train/rng.ts';

export async function useWasm(): Promise<typeof tf> {
  if (tf.getBackend() !== 'wasm') {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  }
  await tf.ready();
  return tf;
}

/**
 * Twenty trainOnBatch steps of a small seeded classifier (6 → 9 relu → 2 softmax) on seeded
 * batches, and its final weights: for checking that a kernel of ours trains exactly like stock.
 */
export async function trainTinyClassifier(optimizer: () => tf.Optimizer, metrics: string[] = []): Promise<number[][]> {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 9, activation: 'relu', inputShape: [6], kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  m.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  const opt = optimizer();
  m.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics });
  const rand = mulberry32(5);
  for (let step = 0; step < 20; step++) {
    const x = Float32Array.from({ length: 16 * 6 }, () => rand() * 2 - 1);
    const y = new Float32Array(16 * 2);
    for (let r = 0; r < 16; r++) y[r * 2 + (x[r * 6]! > 0 ? 1 : 0)] = 1;
    const xs = tf.tensor2d(x, [16, 6]);
    const ys = tf.tensor2d(y, [16, 2]);
    await m.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
  }
  const w = m.getWeights().map((t) => Array.from(t.dataSync()));
  m.dispose();
  opt.dispose();
  return w;
}
