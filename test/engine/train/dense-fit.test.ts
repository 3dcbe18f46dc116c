/**
 * fitJob on the fused dense step against fitJob forced onto tfjs' step, whole jobs: histories,
 * the learning rate schedule, keep-best, early stopping, test metrics, repeatability, and which
 * jobs take which step.
 *
 * Tolerance: the steps differ by float32 rounding of element-wise ops (dense-step.test.ts), and
 * over hundreds of Adam steps those differences grow but stay small on these convex-ish toy
 * problems: losses within 1e-3 relative; accuracies within 2 samples of a 250-sample split.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainResult } from '../../../src/engine/job.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { type FitOptions, fitJob } from '../../../src/engine/train/fit.ts';
import { loadData } from '../../../src/engine/train/load.ts';
import { loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });

const row = (over: Record<string, string>) => ({
  dataset: 'circle', noise: '0.1', layers: 'dense(8, relu) dense(8, tanh)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '12', seed: '1', val_split: '0.2', ...over,
});

async function train(over: Record<string, string>, step: FitOptions['step']): Promise<TrainResult & { path: string; reason: string }> {
  const p = parseRow(row(over));
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  let path = '', reason = '';
  const r = await fitJob({ id: 'job', spec: p.spec }, data, {
    onProgress: () => {}, cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm', backendReason: 'test',
  }, { step, onStep: (a, b) => { path = a; reason = b; } });
  return { ...r, path, reason };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);

/** Fused vs stock: same shape of result, histories and test numbers close. */
async function compare(over: Record<string, string>) {
  const before = tf.memory().numTensors;
  const fused = await train(over, 'auto');
  expect(tf.memory().numTensors, 'tensors left after the fused job').toBe(before);
  const stock = await train(over, 'stock');
  expect([fused.path, stock.path]).toEqual(['fused', 'stock']);
  expect(fused.history.length).toBe(stock.history.length);
  fused.history.forEach((h, i) => {
    const s = stock.history[i]!;
    expect(rel(h.loss, s.loss), `epoch ${i + 1} loss`).toBeLessThan(1e-3);
    expect(rel(h.valLoss, s.valLoss), `epoch ${i + 1} val loss`).toBeLessThan(1e-3);
    if (!Number.isNaN(s.acc)) expect(Math.abs(h.acc - s.acc), `epoch ${i + 1} acc`).toBeLessThan(0.01);
    expect(h.lr).toBe(s.lr);
  });
  expect(rel(fused.testLoss, stock.testLoss)).toBeLessThan(1e-3);
  if (!Number.isNaN(stock.testAcc)) expect(Math.abs(fused.testAcc - stock.testAcc)).toBeLessThanOrEqual(2 / 250);
  if (!Number.isNaN(stock.testMae)) expect(rel(fused.testMae, stock.testMae)).toBeLessThan(1e-3);
  const shape = (r: TrainResult) => ({ ...r, seconds: 0, samplesPerSec: 0 });
  expect(Object.keys(shape(fused)).sort()).toEqual(Object.keys(shape(stock)).sort());
  expect([fused.epochsRun, fused.bestEpoch, fused.restoredBest, fused.finalLr, fused.stoppedEarly, fused.diverged, fused.params])
    .toEqual([stock.epochsRun, stock.bestEpoch, stock.restoredBest, stock.finalLr, stock.stoppedEarly, stock.diverged, stock.params]);
  expect(fused.insights?.boundary?.predicted.length).toBe(stock.insights?.boundary?.predicted.length);
  return { fused, stock };
}

describe('fitJob on the fused dense step', () => {
  it('classification: histories, validation and test close to the stock step', async () => {
    const { fused } = await compare({});
    expect(fused.testAcc).toBeGreaterThan(0.9);
  });

  it('regression (gauss-mix, rmsprop): MSE and MAE close', async () => {
    await compare({ dataset: 'gauss-mix', layers: 'dense(12, tanh) dense(8, elu)', optimizer: 'rmsprop', lr: '0.01', epochs: '8' });
  });

  it('the reduced learning rate reaches the fused optimizer; keep-best and early stopping agree', async () => {
    const { fused } = await compare({ lr: '0.3', optimizer: 'momentum', epochs: '30', reduce_lr: '0.5, 1', early_stop: '4', keep_best: 'yes' });
    expect(fused.finalLr).toBeLessThan(0.3);
  });

  it('a seeded run repeats exactly', async () => {
    const a = await train({ epochs: '6', layers: 'dense(8, selu) dense(8, leakyrelu, l2=0.01)' }, 'auto');
    const b = await train({ epochs: '6', layers: 'dense(8, selu) dense(8, leakyrelu, l2=0.01)' }, 'auto');
    expect(a.path).toBe('fused');
    expect(b.history).toEqual(a.history);
    expect([b.testLoss, b.testAcc, b.insights]).toEqual([a.testLoss, a.testAcc, a.insights]);
  });

  it('a model with dropout keeps the stock step, and says why', async () => {
    const r = await train({ epochs: '2', layers: 'dense(8) dropout(0.2)' }, 'auto');
    expect([r.path, r.reason]).toEqual(['stock', 'a dropout layer (fused: dense layers only)']);
  });
});
