import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainProgress } from '../../../src/engine/job.ts';
import { parseRow } from '../../../src/engine/spec.ts';
import { JobCancelled, fitJob } from '../../../src/engine/train/fit.ts';
import { loadData } from '../../../src/engine/train/load.ts';
import { loadDatasetFile } from '../../../src/engine/data/load-node.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });

const row = (over: Record<string, string>) => ({
  dataset: 'circle', noise: '0.1', layers: 'dense(8, relu) dense(8, relu)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '20', seed: '1', ...over,
});

async function train(over: Record<string, string>, hooks: { cancelAfter?: number; progress?: TrainProgress[]; label?: 'wasm' | 'cpu' } = {}) {
  const p = parseRow(row(over));
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  let epochs = 0;
  return fitJob({ id: 'job', spec: p.spec }, data, {
    onProgress: (pr) => { hooks.progress?.push(pr); if (pr.loss !== undefined) epochs++; },
    cancelled: () => hooks.cancelAfter !== undefined && epochs >= hooks.cancelAfter,
    yieldToEvents: async () => {},
    backend: hooks.label ?? 'wasm',
    backendReason: 'test',
  });
}

describe('training on the toy sets (real tfjs, wasm)', () => {
  it('an MLP separates the circle: test accuracy above 0.95', async () => {
    const r = await train({ dataset: 'circle' });
    expect(r.testAcc).toBeGreaterThan(0.95);
    expect(r.trainAcc).toBeGreaterThan(0.95);
    expect(r.history).toHaveLength(20);
    expect(r.history[19]!.loss).toBeLessThan(r.history[0]!.loss);
    expect(r.diverged).toBeNull();
  });

  it('a model with no hidden layer cannot separate XOR: test accuracy at most 0.75', async () => {
    for (const seed of ['1', '2', '3']) {
      const r = await train({ dataset: 'xor', noise: '0', layers: '', epochs: '30', seed });
      expect(r.testAcc, `seed ${seed}`).toBeLessThanOrEqual(0.75);
    }
  });

  it('one hidden layer does separate XOR', async () => {
    const r = await train({ dataset: 'xor', noise: '0', layers: 'dense(8, tanh)', epochs: '40' });
    expect(r.testAcc).toBeGreaterThan(0.95);
  });

  it('the same seed gives identical metrics; another seed does not', async () => {
    const a = await train({ epochs: '5', seed: '7', layers: 'dense(8, relu) dropout(0.2) dense(8, relu)' });
    const b = await train({ epochs: '5', seed: '7', layers: 'dense(8, relu) dropout(0.2) dense(8, relu)' });
    const c = await train({ epochs: '5', seed: '8', layers: 'dense(8, relu) dropout(0.2) dense(8, relu)' });
    expect(b.history).toEqual(a.history);
    expect([b.testLoss, b.testAcc]).toEqual([a.testLoss, a.testAcc]);
    expect(c.history).not.toEqual(a.history);
  });

  it('too high a learning rate is reported as diverged, with the epoch and the likely cause', async () => {
    const r = await train({ optimizer: 'sgd', lr: '10', epochs: '30' });
    expect(r.diverged).not.toBeNull();
    expect(r.diverged!.message).toMatch(/learning rate \(10\) is probably too high/);
    expect(r.diverged!.epoch).toBeLessThanOrEqual(30);
  });

  it('a learning rate too small is slow, not diverged, even when the loss is still above chance', async () => {
    const r = await train({ dataset: 'xor', noise: '0', layers: 'dense(8, tanh)', optimizer: 'sgd', lr: '0.0001', epochs: '5' });
    expect(r.diverged).toBeNull();
  });

  it('reads each step\'s loss from the wasm heap as dataSync reads it: the same history, bit for bit', async () => {
    // Both run on the wasm backend; the 'cpu' label only makes fitJob read with dataSync.
    const heap = await train({ epochs: '4', layers: 'dense(8, relu) dropout(0.1) dense(8, tanh)' });
    const copied = await train({ epochs: '4', layers: 'dense(8, relu) dropout(0.1) dense(8, tanh)' }, { label: 'cpu' });
    expect(heap.history).toEqual(copied.history);
    expect(heap.history.every((h) => Number.isFinite(h.loss) && h.acc > 0)).toBe(true);
  });

  it('reports progress per epoch with losses, fractions rising to 1', async () => {
    const progress: TrainProgress[] = [];
    await train({ epochs: '4' }, { progress });
    const ends = progress.filter((p) => p.loss !== undefined);
    expect(ends.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    expect(ends.map((p) => p.fraction)).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('every tensor is released after a run, a cancelled run and every optimizer', async () => {
    const before = tf.memory().numTensors;
    for (const optimizer of ['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamax']) {
      await train({ optimizer, epochs: '2', layers: 'dense(4, elu) batchnorm dropout(0.1) dense(4, leakyrelu, l2=0.01)' });
      expect(tf.memory().numTensors, optimizer).toBe(before);
    }
    await expect(train({ epochs: '10' }, { cancelAfter: 2 })).rejects.toBeInstanceOf(JobCancelled);
    expect(tf.memory().numTensors).toBe(before);
  });
});
