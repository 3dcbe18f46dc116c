import { beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../../src/engine/datasets.ts';
import type { Boundary, TrainProgress, TrainResult } from '../../../src/engine/job.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { fitJob } from '../../../src/engine/train/fit.ts';
import { evaluateView } from '../../../src/engine/train/batches.ts';
import { BOUNDARY_SIZE, BoundaryThrottle, MAX_SAMPLES, SMALL_JOB_LIVE_BOUNDARY_MS, boundaryGrid, evaluateTest } from '../../../src/engine/train/insights.ts';
import { buildModel } from '../../../src/engine/train/model.ts';
import { runViews } from '../../../src/engine/train/views.ts';
import { loadData } from '../../../src/engine/train/load.ts';
import type { LoadedData } from '../../../src/engine/train/toy-data.ts';
import { loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });

const row = (over: Record<string, string>) => ({
  dataset: 'circle', noise: '0', layers: 'dense(8, relu) dense(8, relu)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '15', seed: '1', ...over,
});

async function train(over: Record<string, string>, progress: TrainProgress[] = []): Promise<{ r: TrainResult; data: LoadedData }> {
  const p = parseRow(row(over));
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  const r = await fitJob({ id: 'job', spec: p.spec }, data, {
    onProgress: (pr) => progress.push(pr), cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm', backendReason: 'test',
  });
  return { r, data };
}

/** The grid cell a point falls in, as the boundary views place it. */
function cellOf(b: Boundary, x: number, y: number): number {
  const [x0, x1, y0, y1] = b.extent;
  const c = Math.min(b.size - 1, Math.max(0, Math.floor(((x - x0) / (x1 - x0)) * b.size)));
  const r = Math.min(b.size - 1, Math.max(0, Math.floor(((y1 - y) / (y1 - y0)) * b.size)));
  return r * b.size + c;
}

function sum(m: readonly (readonly number[])[]): number {
  return m.reduce((a, row) => a + row.reduce((s, v) => s + v, 0), 0);
}

describe('insights from real training (tfjs, wasm)', () => {
  it('circle: the boundary has the right size and agrees with the model on the training points', async () => {
    const before = tf.memory().numTensors;
    const progress: TrainProgress[] = [];
    const { r, data } = await train({ dataset: 'circle' }, progress);
    expect(tf.memory().numTensors).toBe(before);
    const b = r.insights!.boundary!;
    expect(b.size).toBe(BOUNDARY_SIZE);
    expect(b.classes).toBe(2);
    expect(b.predicted).toHaveLength(BOUNDARY_SIZE ** 2);
    expect(b.confidence).toHaveLength(BOUNDARY_SIZE ** 2);
    expect(b.confidence.every((c) => c >= 0.5 && c <= 1 && Math.abs(Math.round(c * 100) - c * 100) < 1e-9)).toBe(true);
    expect(new Set(b.predicted)).toEqual(new Set([0, 1]));
    // Reading the class off the map gives about the model's own training accuracy.
    let agree = 0;
    for (let i = 0; i < data.train.n; i++) {
      if (b.predicted[cellOf(b, data.train.x[2 * i]!, data.train.x[2 * i + 1]!)] === data.train.y[i]) agree++;
    }
    expect(r.trainAcc).toBeGreaterThan(0.9);
    expect(Math.abs(agree / data.train.n - r.trainAcc)).toBeLessThan(0.06);
    // The disc (class 1) is in the middle, the ring (class 0) around it.
    expect(b.predicted[cellOf(b, 0, 0)]).toBe(1);
    expect(b.predicted[cellOf(b, b.extent[0], b.extent[3])]).toBe(0);
    // Every epoch end carries its record. This job is small: it draws a live boundary only if it
    // is still training SMALL_JOB_LIVE_BOUNDARY_MS in, and then of the final one's extent.
    const ends = progress.filter((p) => p.record !== undefined);
    expect(ends.map((p) => p.record)).toEqual(r.history);
    for (const p of progress) if (p.boundary) expect(p.boundary.extent).toEqual(b.extent);
  });

  it('a small job that outlives SMALL_JOB_LIVE_BOUNDARY_MS sends its first live boundary at once, and none at its last epoch', async () => {
    // 80,000 steps of batch 1: well past 25 ms on any machine, yet under fit.ts' HELD_JOB_MACS.
    const p = parseRow(row({ layers: 'dense(8, relu)', batch_size: '1', epochs: '500' }));
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
    const events: string[] = [];
    const r = await fitJob({ id: 'job', spec: p.spec }, data, {
      onProgress: (pr) => events.push(pr.boundary ? `boundary ${pr.epoch}` : 'update'),
      flushProgress: () => events.push('flush'),
      cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm', backendReason: 'test',
    });
    expect(r.epochsRun).toBe(500);
    const first = events.findIndex((e) => e.startsWith('boundary'));
    expect(first, events.slice(0, 5).join(', ')).toBeGreaterThan(0); // not with the first update: drawn 25 ms in
    expect(events[first + 1]).toBe('flush');
    // A small job's first update is held (no flush after it); the boundary's is the only flush.
    expect(events.filter((e) => e === 'flush')).toHaveLength(1);
    expect(events).not.toContain('boundary 500');
  });

  it('a job larger than a small one draws its first live boundary at epoch 1, of the final extent', async () => {
    const progress: TrainProgress[] = [];
    // ~4,400 weights x 60 epochs x the training points: well over fit.ts' HELD_JOB_MACS.
    const { r } = await train({ dataset: 'circle', layers: 'dense(64, relu) dense(64, relu)', epochs: '60' }, progress);
    const live = progress.filter((p) => p.boundary !== undefined);
    expect(live.length).toBeGreaterThanOrEqual(1);
    expect(live[0]!.epoch).toBe(1);
    for (const p of live) expect(p.boundary!.extent).toEqual(r.insights!.boundary!.extent);
  });

  it('xor: confusion counts sum to the test size and match the test accuracy; samples are wrong first', async () => {
    const before = tf.memory().numTensors;
    // No hidden layer: XOR stays about half wrong, so there are wrong samples to order.
    const { r, data } = await train({ dataset: 'xor', layers: '', epochs: '5' });
    expect(tf.memory().numTensors).toBe(before);
    const ins = r.insights!;
    const c = ins.confusion!;
    expect(c).toHaveLength(2);
    expect(sum(c)).toBe(data.test.n);
    expect((c[0]![0]! + c[1]![1]!) / data.test.n).toBeCloseTo(r.testAcc, 5);
    for (let k = 0; k < 2; k++) expect(c[k]!.reduce((a, v) => a + v, 0)).toBe(Array.from(data.test.y).filter((y) => y === k).length);
    expect(ins.samples).toHaveLength(MAX_SAMPLES);
    const wrongTotal = c[0]![1]! + c[1]![0]!;
    const wrongShown = ins.samples.filter((s) => s.label !== s.predicted).length;
    expect(wrongShown).toBe(Math.min(MAX_SAMPLES, wrongTotal));
    const firstRight = ins.samples.findIndex((s) => s.label === s.predicted);
    if (firstRight >= 0) expect(ins.samples.slice(firstRight).every((s) => s.label === s.predicted)).toBe(true);
    for (const s of ins.samples) {
      expect(s.label).toBe(data.test.y[s.index]);
      expect(s.confidence).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('iris: no boundary (four inputs), a 3x3 confusion matrix over the 30 test flowers', async () => {
    const { r } = await train({ dataset: 'iris', layers: 'dense(8, relu)', epochs: '10', batch_size: '8' });
    expect(r.insights!.boundary).toBeNull();
    expect(r.insights!.confusion).toHaveLength(3);
    expect(sum(r.insights!.confusion!)).toBe(30);
  });

  it('regression on the plane: no confusion or samples, a sign boundary', async () => {
    const before = tf.memory().numTensors;
    const { r } = await train({ dataset: 'plane', layers: '', epochs: '5' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.insights!.confusion).toBeNull();
    expect(r.insights!.samples).toEqual([]);
    const b = r.insights!.boundary!;
    // The target is (x + y) / 12: positive at the top right, negative at the bottom left.
    expect(b.predicted[BOUNDARY_SIZE - 1]).toBe(1);
    expect(b.predicted[BOUNDARY_SIZE * (BOUNDARY_SIZE - 1)]).toBe(0);
  });
});

describe('one pass for the test metrics and the insights', () => {
  it.each([['circle', 'dense(8, relu)'], ['plane', 'dense(8, relu)'], ['iris', '']])('%s: loss and metric equal model.evaluate\'s', async (dataset, layers) => {
    const p = parseRow(row({ dataset, layers }));
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
    const model = buildModel(p.spec, data.sampleShape, data.classes, data.task);
    const classification = data.task === 'classification';
    model.compile({ optimizer: 'sgd', loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError', metrics: [classification ? 'accuracy' : 'mae'] });
    try {
      const views = runViews(data, p.spec);
      const before = tf.memory().numTensors;
      const one = await evaluateTest(model, data, views.test);
      expect(tf.memory().numTensors).toBe(before);
      const ref = await evaluateView(model, data, views.test);
      expect(one.loss).toBeCloseTo(ref.loss, 5);
      expect(one.acc).toBeCloseTo(ref.acc, 5);
    } finally {
      model.dispose();
    }
  });
});

describe('class names', () => {
  it.each(['mnist', 'fashion-mnist', 'iris'] as const)('%s: datasets.ts names the classes as the prepared file does', async (name) => {
    const f = await loadDatasetFile(name);
    expect(f.ok && f.value.classNames).toEqual(DATASETS[name].classNames);
  });
});

describe('boundary grid and throttle', () => {
  it('the grid runs row by row from the top left, cell centres inside the extent', () => {
    const g = boundaryGrid(2, [-1, 1, -2, 2]);
    expect(Array.from(g)).toEqual([-0.5, 1, 0.5, 1, -0.5, -1, 0.5, -1]);
  });

  it('the throttle keeps boundaries under their share of the time and apart by the interval', () => {
    const t = new BoundaryThrottle(0, 0.1, 100);
    expect(t.due(10)).toBe(true);
    t.took(10, 30); // 20 ms spent
    expect(t.due(50)).toBe(false); // too soon
    expect(t.due(150)).toBe(false); // 20 > 10% of 150
    expect(t.due(200)).toBe(true);
  });

  it('a small job\'s throttle draws its first boundary only once the job has run firstAfterMs', () => {
    const t = new BoundaryThrottle(1000, 0.08, 100, SMALL_JOB_LIVE_BOUNDARY_MS);
    expect(t.due(1000 + SMALL_JOB_LIVE_BOUNDARY_MS - 1)).toBe(false);
    expect(t.due(1000 + SMALL_JOB_LIVE_BOUNDARY_MS)).toBe(true);
    t.took(1000 + SMALL_JOB_LIVE_BOUNDARY_MS, 1000 + SMALL_JOB_LIVE_BOUNDARY_MS + 1);
    expect(t.due(1000 + SMALL_JOB_LIVE_BOUNDARY_MS + 50)).toBe(false); // the interval still holds
    expect(t.due(1000 + SMALL_JOB_LIVE_BOUNDARY_MS + 101)).toBe(true);
  });
});
