/** Which jobs the fused dense step takes (dense/plan.ts), and the reason for each it leaves to tfjs. */
import { describe, expect, it } from 'vitest';
import { parseRow } from '../../../src/engine/spec.ts';
import { denseEligibility } from '../../../src/engine/train/dense/plan.ts';
import type { BackendName } from '../../../src/engine/job.ts';

const spiral = { task: 'classification', sampleShape: [2], classes: 2 } as const;
const mnist = { task: 'classification', sampleShape: [28, 28, 1], classes: 10 } as const;
const plane = { task: 'regression', sampleShape: [2], classes: 1 } as const;

function check(layers: string, optimizer = 'adam', data: typeof spiral | typeof mnist | typeof plane = spiral, backend: BackendName = 'wasm') {
  const p = parseRow({ dataset: data === mnist ? 'mnist' : data === plane ? 'plane' : 'spiral', layers, optimizer, lr: '0.01', batch_size: '16', epochs: '1', seed: '1' });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return denseEligibility(p.spec, data, backend);
}

describe('denseEligibility', () => {
  it.each([
    ['dropout', 'dense(8) dropout(0.2)', 'adam', 'wasm', 'a dropout layer (fused: dense layers only)'],
    ['batchnorm', 'dense(8) batchnorm', 'adam', 'wasm', 'a batchnorm layer (fused: dense layers only)'],
    ['conv', 'conv2d(4, 3) flatten dense(8)', 'adam', 'wasm', 'a conv2d layer (fused: dense layers only)'],
    ['a flatten between dense layers', 'dense(8) flatten dense(4)', 'adam', 'wasm', 'a flatten layer (fused: dense layers only)'],
    ['adadelta', 'dense(8)', 'adadelta', 'wasm', 'optimizer adadelta (fused: sgd, momentum, rmsprop, adam, adagrad, adamax)'],
    ['webgl', 'dense(8)', 'adam', 'webgl', 'the webgl backend (the fused step runs on the wasm heap)'],
    ['cpu', 'dense(8)', 'adam', 'cpu', 'the cpu backend (the fused step runs on the wasm heap)'],
  ] as const)('falls back for %s, saying why', (_what, layers, opt, backend, reason) => {
    expect(check(layers, opt, layers.startsWith('conv') ? mnist : spiral, backend)).toEqual({ ok: false, reason });
  });

  it('takes dense layers of every activation, with penalties, and adds the implied softmax output', () => {
    const r = check('dense(8, sigmoid) dense(7, tanh, l1=0.01) dense(6, leakyrelu, l2=0.1) dense(5, elu) dense(4, selu) dense(3, softmax) dense(2, linear)');
    expect(r.ok && r.plan.layers.map((l) => [l.inputs, l.units, l.activation, l.l1, l.l2])).toEqual([
      [2, 8, 'sigmoid', 0, 0], [8, 7, 'tanh', 0.01, 0], [7, 6, 'leakyrelu', 0, 0.1], [6, 5, 'elu', 0, 0],
      [5, 4, 'selu', 0, 0], [4, 3, 'softmax', 0, 0], [3, 2, 'linear', 0, 0], [2, 2, 'softmax', 0, 0],
    ]);
    expect(r.ok && [r.plan.loss, r.plan.optimizer, r.plan.learningRate]).toEqual(['cce', 'adam', 0.01]);
  });

  it('uses a written output layer as the output, and flattens images (W1: 784-512-10)', () => {
    expect(check('dense(16) dense(2, softmax)').ok && check('dense(16) dense(2, softmax)')).toMatchObject({ plan: { layers: [{ units: 16 }, { units: 2, activation: 'softmax' }] } });
    const w1 = check('dense(512, relu)', 'rmsprop', mnist);
    expect(w1.ok && w1.plan.layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([[784, 512, 'relu'], [512, 10, 'softmax']]);
    expect(check('flatten dense(32)', 'sgd', mnist).ok).toBe(true);
  });

  it('regression: a linear output with MSE', () => {
    const r = check('dense(8, tanh)', 'momentum', plane);
    expect(r.ok && [r.plan.loss, r.plan.layers[1]]).toEqual(['mse', { inputs: 8, units: 1, activation: 'linear', l1: 0, l2: 0 }]);
  });
});
