/**
 * The end of a fused dense job without tfjs (dense/evaluate.ts denseTest, dense/start.ts, the
 * trainer's snapshot/restore) against what tfjs gives on the same weights (insights.ts
 * evaluateTest on a model the trainer's weights were written into), and whole fitJob runs.
 *
 * Tolerances: the same GEMM and the same loss arithmetic as the training step (dense-eval's
 * tolerances): loss and metric within 1e-5 relative. The predicted class is a first maximum on
 * both sides, so the confusion matrix, the samples chosen and their order are equal; a sample's
 * confidence is its output rounded to 2 decimals, so it may differ by one step of 0.01 at a
 * rounding edge, as the boundary's confidences.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainResult } from '../../../src/engine/job.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { type FitOptions, fitJob } from '../../../src/engine/train/fit.ts';
import { type TestOutcome, MAX_SAMPLES, evaluateTest } from '../../../src/engine/train/insights.ts';
import { buildModel } from '../../../src/engine/train/model.ts';
import { loadData } from '../../../src/engine/train/load.ts';
import { runViews } from '../../../src/engine/train/views.ts';
import { loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { denseEligibility } from '../../../src/engine/train/dense/plan.ts';
import { initialWeights } from '../../../src/engine/train/dense/start.ts';
import { denseTest } from '../../../src/engine/train/dense/evaluate.ts';
import { denseSetup } from '../../helpers/dense-setup.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
const base = { noise: '0.1', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '1', seed: '2' };

/** Ours and tfjs' test outcome agree: numbers within tolerance, matrix and choices exactly. */
function expectSameOutcome(ours: TestOutcome, theirs: TestOutcome): void {
  if (Number.isNaN(theirs.loss)) expect(ours.loss, 'loss').toBeNaN();
  else expect(rel(ours.loss, theirs.loss), `loss ${ours.loss} vs ${theirs.loss}`).toBeLessThan(1e-5);
  // Accuracy is whole hits over n on both sides; MAE a float32 mean.
  if (ours.insights.confusion) expect(ours.acc, 'accuracy').toBe(theirs.acc);
  else expect(rel(ours.acc, theirs.acc), `MAE ${ours.acc} vs ${theirs.acc}`).toBeLessThan(1e-5);
  expect(ours.insights.confusion).toEqual(theirs.insights.confusion);
  const pick = (o: TestOutcome) => o.insights.samples.map((s) => [s.index, s.label, s.predicted]);
  expect(pick(ours)).toEqual(pick(theirs));
  ours.insights.samples.forEach((s, i) => expect(Math.abs(s.confidence - theirs.insights.samples[i]!.confidence)).toBeLessThanOrEqual(0.0100001));
  const [a, b] = [ours.insights.boundary, theirs.insights.boundary];
  expect(a === null).toBe(b === null);
  if (!a || !b) return;
  expect({ ...a, confidence: [] }).toEqual({ ...b, confidence: [] });
  a.confidence.forEach((c, i) => expect(Math.abs(c - b.confidence[i]!)).toBeLessThanOrEqual(0.0100001));
}

describe('the fused test evaluation against evaluateTest on the same weights', () => {
  it.each([
    ['spiral, 3 classes, relu', { dataset: 'spiral', layers: 'dense(16, relu) dense(16, relu)' }, 40],
    ['circle, selu and a softmax hidden layer', { dataset: 'circle', layers: 'dense(8, selu) dense(6, softmax)' }, 40],
    ['xor without a hidden layer: about half wrong, a full gallery', { dataset: 'xor', layers: '' }, 5],
    ['iris: no boundary, 3x3 confusion', { dataset: 'iris', layers: 'dense(8, elu)', batch_size: '8' }, 30],
    ['gauss-mix regression: MSE and MAE, no confusion, a sign boundary', { dataset: 'gauss-mix', layers: 'dense(12, tanh)' }, 40],
    ['mnist:1k, 10 classes over chunks of 256', { dataset: 'mnist:1k', layers: 'dense(32, relu)', batch_size: '32' }, 20],
  ] as const)('%s', async (_name, cells, steps) => {
    const { data, model, optimizer, fast, spec } = await denseSetup(tf, { ...base, ...cells });
    try {
      const views = runViews(data, spec);
      const b = spec.batchSize;
      for (let k = 0; k < steps; k++) {
        const from = (k * b) % (views.train.idx.length - b);
        fast.step(data, views.train.samples, views.train.idx.subarray(from, from + b));
      }
      fast.writeTo(model, tf);
      const before = tf.memory().numTensors;
      const ours = denseTest(fast, data, views.test);
      expect(tf.memory().numTensors).toBe(before);
      const theirs = await evaluateTest(model, data, views.test);
      expectSameOutcome(ours, theirs);
      if (data.task === 'classification') {
        expect(ours.insights.samples.length).toBe(Math.min(MAX_SAMPLES, views.test.idx.length));
      } else {
        expect([ours.insights.confusion, ours.insights.samples]).toEqual([null, []]);
      }
      if (cells.dataset === 'xor') expect(ours.insights.samples.every((s) => s.label !== s.predicted), 'a gallery of wrong ones').toBe(true);
      if (ours.insights.boundary) expect(new Set(ours.insights.boundary.predicted).size, 'the boundary separates something').toBeGreaterThan(1);
    } finally {
      fast.dispose();
      model.dispose();
      optimizer.dispose();
    }
  });

  it('a diverged model (NaN weights): the clipped loss -log(ε) as tfjs gives it, class 0 everywhere, confidence 0', async () => {
    const { data, model, optimizer, fast, spec } = await denseSetup(tf, { ...base, dataset: 'spiral', layers: 'dense(8, relu)' });
    try {
      fast.setWeights(fast.weights().map((w) => w.fill(NaN)));
      fast.writeTo(model, tf);
      const views = runViews(data, spec);
      const ours = denseTest(fast, data, views.test);
      expectSameOutcome(ours, await evaluateTest(model, data, views.test));
      expect(ours.loss).toBeCloseTo(-Math.log(Math.fround(1e-7)), 4);
      expect(ours.insights.boundary!.predicted.every((p) => p === 0)).toBe(true);
      expect(ours.insights.boundary!.confidence.every((c) => c === 0)).toBe(true);
    } finally {
      fast.dispose();
      model.dispose();
      optimizer.dispose();
    }
  });
});

describe('the fused start: initial weights without a model', () => {
  it.each([
    ['spiral, two hidden layers', { dataset: 'spiral', layers: 'dense(16, relu) dense(16, relu)' }],
    ['an explicit output layer', { dataset: 'circle', layers: 'dense(8, tanh) dense(2, softmax)' }],
    ['leakyrelu (a layer of its own in tfjs) and l2', { dataset: 'circle', layers: 'dense(8, selu) dense(8, leakyrelu, l2=0.01)' }],
    ['no hidden layer', { dataset: 'xor', layers: '' }],
    ['regression', { dataset: 'gauss-mix', layers: 'dense(12, tanh)' }],
    ['images, a leading flatten', { dataset: 'mnist:1k', layers: 'flatten dense(16, relu)' }],
  ] as const)('%s: bit for bit buildModel\'s', async (_name, cells) => {
    const p = parseRow({ ...base, ...cells });
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
    const plan = denseEligibility(p.spec, data, 'wasm');
    if (!plan.ok) throw new Error(plan.reason);
    const before = tf.memory().numTensors;
    const ours = initialWeights(p.spec, plan.plan);
    expect(tf.memory().numTensors).toBe(before);
    const model = buildModel(p.spec, data.sampleShape, data.classes, data.task);
    try {
      const theirs = model.getWeights().map((w) => w.dataSync() as Float32Array);
      expect(ours.map((w) => w.length)).toEqual(theirs.map((w) => w.length));
      ours.forEach((w, i) => expect(Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(theirs[i]!.buffer, theirs[i]!.byteOffset, theirs[i]!.byteLength)), `weight ${i}`).toBe(true));
    } finally {
      model.dispose();
    }
  });

  it('bit for bit buildModel\'s over many seeds (our Alea stream is tfjs\' seedrandom one)', async () => {
    for (let seed = 1; seed <= 40; seed += 3) {
      const p = parseRow({ ...base, dataset: 'circle', layers: 'dense(5, tanh) dense(7)', seed: String(seed) });
      if (!p.ok) throw new Error(JSON.stringify(p.errors));
      const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
      const plan = denseEligibility(p.spec, data, 'wasm');
      if (!plan.ok) throw new Error(plan.reason);
      const model = buildModel(p.spec, data.sampleShape, data.classes, data.task);
      try {
        const theirs = model.getWeights().map((w) => Array.from(w.dataSync()));
        expect(initialWeights(p.spec, plan.plan).map((w) => Array.from(w)), `seed ${seed}`).toEqual(theirs);
      } finally {
        model.dispose();
      }
    }
  });
});

const hooks = { onProgress: () => {}, cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm' as const, backendReason: 'test' };

async function train(cells: Record<string, string>, step: FitOptions['step']): Promise<TrainResult & { path: string }> {
  const p = parseRow({ ...base, val_split: '0.2', ...cells });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  let path = '';
  const r = await fitJob({ id: 'job', spec: p.spec }, data, hooks, { step, onStep: (a) => { path = a; } });
  return { ...r, path };
}

/** A tensor id: tfjs numbers every tensor it makes, so the difference of two counts what was made between. */
const nextTensorId = () => tf.tidy(() => tf.scalar(0).id);

describe('fitJob: a fused job ends without tfjs', () => {
  it('sends a longer job\'s first update at once (MNIST), and holds a toy job\'s', async () => {
    const flushes = async (cells: Record<string, string>) => {
      const p = parseRow({ ...base, ...cells, epochs: '1' });
      if (!p.ok) throw new Error(JSON.stringify(p.errors));
      const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
      let n = 0;
      await fitJob({ id: 'job', spec: p.spec }, data, { ...hooks, flushProgress: () => { n++; } });
      return n;
    };
    expect(await flushes({ dataset: 'mnist:1k', layers: 'dense(64, relu)' })).toBe(1);
    expect(await flushes({ dataset: 'circle', layers: 'dense(8, relu)' })).toBe(0);
  });

  it('keep-best restores the best epoch: the test of a run stopped there, and the stock path\'s', async () => {
    const row = { dataset: 'circle', layers: 'dense(8, relu) dense(8, tanh)', optimizer: 'momentum', lr: '0.3', epochs: '30', early_stop: '4', keep_best: 'yes' };
    const fused = await train(row, 'auto');
    expect(fused.path).toBe('fused');
    expect(fused.restoredBest, 'the best epoch is not the last').toBe(true);
    // The same seeded run cut at the best epoch: its last parameters are the ones restored.
    const cut = await train({ ...row, epochs: String(fused.bestEpoch), keep_best: 'no' }, 'auto');
    expect(cut.history).toEqual(fused.history.slice(0, fused.bestEpoch));
    expect([fused.testLoss, fused.testAcc, fused.insights]).toEqual([cut.testLoss, cut.testAcc, cut.insights]);
    expect([fused.valLoss, fused.valAcc]).toEqual([cut.history.at(-1)!.valLoss, cut.history.at(-1)!.valAcc]);
    const stock = await train(row, 'stock');
    expect([stock.restoredBest, stock.bestEpoch, stock.epochsRun, stock.params]).toEqual([fused.restoredBest, fused.bestEpoch, fused.epochsRun, fused.params]);
    expect(rel(fused.testLoss, stock.testLoss)).toBeLessThan(1e-3);
    expect(Math.abs(fused.testAcc - stock.testAcc)).toBeLessThanOrEqual(2 / 250);
  });

  it('regression: test MSE and MAE, no confusion or samples, the boundary close to the stock path\'s', async () => {
    const row = { dataset: 'gauss-mix', layers: 'dense(12, tanh)', optimizer: 'rmsprop', lr: '0.01', epochs: '6' };
    const fused = await train(row, 'auto');
    const stock = await train(row, 'stock');
    expect(fused.path).toBe('fused');
    expect([fused.testAcc, stock.testAcc]).toEqual([NaN, NaN]);
    expect(rel(fused.testLoss, stock.testLoss)).toBeLessThan(1e-3);
    expect(rel(fused.testMae, stock.testMae)).toBeLessThan(1e-3);
    expect([fused.insights!.confusion, fused.insights!.samples]).toEqual([null, []]);
    const [a, b] = [fused.insights!.boundary!, stock.insights!.boundary!];
    expect(a.extent).toEqual(b.extent);
    const differ = a.predicted.filter((p, i) => p !== b.predicted[i]).length;
    expect(differ, 'cells on the other side of 0').toBeLessThanOrEqual(a.predicted.length / 100);
    expect(fused.params).toBe(stock.params);
  });

  it.each([
    ['regression, sgd at lr 10: the loss becomes Infinity in the first epoch', { dataset: 'gauss-mix', layers: 'dense(16, relu)', optimizer: 'sgd', lr: '10', epochs: '5' }],
    ['classification, momentum at lr 10: far above chance', { dataset: 'spiral', layers: 'dense(64, elu) dense(64, elu)', optimizer: 'momentum', lr: '10', epochs: '8' }],
  ])('a diverging row (%s) reports it as the stock path does and ends without a crash', async (_name, row) => {
    const fused = await train(row, 'auto');
    const stock = await train(row, 'stock');
    expect(fused.path).toBe('fused');
    expect(fused.diverged).not.toBeNull();
    expect(fused.diverged).toEqual(stock.diverged);
    expect(fused.epochsRun).toBe(stock.epochsRun);
    const close = (a: number, b: number) => Object.is(a, b) || rel(a, b) < 1e-4;
    for (const k of ['testLoss', 'testAcc', 'testMae'] as const) expect(close(fused[k], stock[k]), `${k} ${fused[k]} vs ${stock[k]}`).toBe(true);
    expect(fused.insights!.confusion).toEqual(stock.insights!.confusion);
    expect(fused.insights!.boundary!.predicted).toEqual(stock.insights!.boundary!.predicted);
  });

  it('makes only its initial weights\' tensors (a stock job makes thousands) and leaves none', async () => {
    const row = { dataset: 'spiral', layers: 'dense(16, relu) dense(16, relu)', epochs: '3', keep_best: 'yes' };
    await train(row, 'auto'); // warm: the wasm kernels' first calls
    const before = tf.memory().numTensors;
    const id0 = nextTensorId();
    const r = await train(row, 'auto');
    const made = nextTensorId() - id0 - 1;
    expect(r.path).toBe('fused');
    expect(tf.memory().numTensors).toBe(before);
    // Three layers: one initializer draw each, a few tensors per draw inside tfjs.
    expect(made, 'tensors made by a fused job').toBeLessThanOrEqual(3 * 4);
    const id1 = nextTensorId();
    await train(row, 'stock');
    expect(nextTensorId() - id1, 'tensors made by a stock job').toBeGreaterThan(1000);
  });
});
