import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { fitJob } from '../../../src/engine/train/fit.ts';
import { loadData } from '../../../src/engine/train/load.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';
import { prepareData } from '../../../scripts/prepare-data.ts';

beforeAll(async () => {
  await prepareData();
  await useWasm();
});

async function train(cells: Record<string, string>, backend: 'wasm' | 'cpu' = 'wasm') {
  const p = parseRow({ optimizer: 'adam', lr: '0.001', batch_size: '32', seed: '1', ...cells });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  await tf.setBackend(backend);
  const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  const lrs: number[] = [];
  try {
    const r = await fitJob({ id: 'job', spec: p.spec }, data, {
      onProgress: () => {}, cancelled: () => false, yieldToEvents: async () => {}, backend, backendReason: 'test',
    });
    return { r, lrs, spec: p.spec };
  } finally {
    await tf.setBackend('wasm');
  }
}

describe('the notes\' models on real data (real tfjs)', () => {
  it('an MLP learns an MNIST subset (W1 in miniature)', async () => {
    const { r } = await train({ dataset: 'mnist:2k', layers: 'dense(64, relu)', optimizer: 'rmsprop', batch_size: '64', epochs: '3' });
    expect(r.testAcc).toBeGreaterThan(0.8);
    expect(r.params).toBe(784 * 64 + 64 + 64 * 10 + 10);
    expect(r.samplesPerSec).toBeGreaterThan(0);
  });

  it('a CNN trains on a small MNIST subset on the cpu backend (the fallback without wasm; the wasm conv kernels are checked in wasm-conv.test.ts)', async () => {
    const { r } = await train({ dataset: 'mnist:300', layers: 'conv2d(4, 3) maxpool(2) flatten dense(16, relu)', epochs: '2', lr: '0.003', batch_size: '32' }, 'cpu');
    expect(r.history[1]!.loss).toBeLessThan(r.history[0]!.loss);
    expect(r.testAcc).toBeGreaterThan(0.3);
    expect(r.params).toBe(4 * 9 + 4 + 13 * 13 * 4 * 16 + 16 + 16 * 10 + 10);
  });

  it('Iris (W5): dense 10, 20, 10 reaches above 0.9', async () => {
    const { r } = await train({ dataset: 'iris', layers: 'dense(10) dense(20) dense(10)', lr: '0.01', batch_size: '16', epochs: '100' });
    expect(r.testAcc).toBeGreaterThan(0.9);
  });

  it('regression (plane): MSE falls and MAE is reported instead of accuracy', async () => {
    const { r } = await train({ dataset: 'plane', noise: '0', layers: 'dense(8, tanh)', lr: '0.01', epochs: '30' });
    expect(r.testMae).toBeLessThan(0.1);
    expect(Number.isNaN(r.testAcc)).toBe(true);
  });

  it('early stopping stops on the validation loss; reduce-lr-on-plateau drops the rate; keep-best restores the best epoch', async () => {
    // A large rate on a tiny subset overfits fast: validation loss stops improving early.
    const { r } = await train({
      dataset: 'mnist:500', layers: 'dense(128, relu)', lr: '0.01', batch_size: '16', epochs: '40',
      val_split: '0.3', early_stop: '3', reduce_lr: '0.1, 1', keep_best: 'yes',
    });
    expect(r.epochsRun).toBeLessThan(40);
    expect(r.stoppedEarly).toMatch(/early stopping: no better validation loss for 3 epochs/);
    expect(r.epochsRun - r.bestEpoch).toBe(3);
    // Every epoch without a better validation loss divides the rate by ten (patience 1).
    const lrs = r.history.map((h) => h.lr);
    for (const [i, lr] of lrs.entries()) {
      const k = Math.round(Math.log10(0.01 / lr));
      expect(lr, `epoch ${i + 1}`).toBeCloseTo(0.01 * 0.1 ** k, 12);
      if (i > 0) expect(lr).toBeLessThanOrEqual(lrs[i - 1]!);
    }
    expect(r.finalLr).toBeLessThanOrEqual(0.01 * 0.1 ** 3 * 1.000001);
    expect(r.restoredBest).toBe(true);
    const best = r.history[r.bestEpoch - 1]!;
    expect(r.valLoss).toBe(best.valLoss);
    expect(Math.min(...r.history.map((h) => h.valLoss))).toBe(best.valLoss);
  });

  it('the validation split is held out of training: 20 % of a 1,000 subset', async () => {
    const { r } = await train({ dataset: 'mnist:1k', layers: 'dense(16, relu)', epochs: '1', val_split: '0.2', batch_size: '50' });
    expect(r.samplesPerSec).toBeGreaterThan(0);
    expect(Number.isFinite(r.valLoss)).toBe(true);
    expect(Number.isFinite(r.valAcc)).toBe(true);
  });

  it('two runs with one seed agree exactly, dropout and validation split included', async () => {
    const cells = { dataset: 'fashion-mnist:600', layers: 'dense(32, relu) dropout(0.3)', epochs: '2', val_split: '0.2', seed: '5' };
    const a = await train(cells);
    const b = await train(cells);
    expect(b.r.history).toEqual(a.r.history);
    expect(b.r.testAcc).toBe(a.r.testAcc);
  });
});
