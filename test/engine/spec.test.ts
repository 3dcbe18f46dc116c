import { describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../src/engine/columns.ts';
import { describeCellError } from '../../src/engine/errors.ts';
import { DATASET_EXPECTED } from '../../src/engine/datasets.ts';
import { parseRow } from '../../src/engine/spec.ts';

const good = {
  name: 'a run', dataset: 'circle', noise: '0.1', layers: 'dense(8, relu)', optimizer: 'adam',
  lr: '0.03', batch_size: '16', epochs: '10', seed: '3', notes: '',
};

function errorsOf(cells: Record<string, string>): string[] {
  const r = parseRow(cells);
  return r.ok ? [] : r.errors.map(describeCellError);
}

describe('parseRow', () => {
  it('turns a good row into a spec', () => {
    const r = parseRow(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec).toEqual({
      dataset: { name: 'circle', subset: null, noise: 0.1 },
      layers: [{ kind: 'dense', units: 8, activation: 'relu', l1: 0, l2: 0 }],
      optimizer: 'adam', learningRate: 0.03, batchSize: 16, epochs: 10, seed: 3,
      valSplit: 0, earlyStop: 0, reduceLr: null, keepBest: false,
    });
    expect(r.summary.totalParams).toBe(2 * 8 + 8 + 8 * 2 + 2);
  });

  it('fills empty cells with the column defaults', () => {
    const r = parseRow({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const defaults = Object.fromEntries(INPUT_COLUMNS.map((c) => [c.key, c.default]));
    expect(r.key).toBe((parseRow(defaults) as { key: string }).key);
  });

  it.each([
    ['dataset', 'mnist2', `dataset: "mnist2" is not a dataset (expected ${DATASET_EXPECTED})`],
    ['dataset', 'mnist:100k', `dataset: mnist has 60,000 training samples; a subset must be a whole number from 20 to 60000, not 100k (expected ${DATASET_EXPECTED})`],
    ['dataset', 'spiral:5k', `dataset: spiral is generated with a fixed size; a size applies to mnist, fashion-mnist and iris (expected ${DATASET_EXPECTED})`],
    ['dataset', 'cifar', `dataset: unknown dataset "cifar" (expected ${DATASET_EXPECTED})`],
    ['dataset', 'mnist;5', `dataset: "mnist;5" is not a dataset (expected ${DATASET_EXPECTED})`],
    ['val_split', '0.8', 'val_split: 0.8 is out of range (expected a number from 0 to 0.5)'],
    ['early_stop', '-3', 'early_stop: -3 is out of range (expected a whole number from 0 to 100)'],
    ['reduce_lr', '2, 2', 'reduce_lr: "2, 2" is not a factor and a patience (expected off, or "factor, patience" with a factor from 0.01 to 0.99 and a patience from 1 to 100, e.g. 0.1, 2)'],
    ['reduce_lr', 'soon', 'reduce_lr: "soon" is not a factor and a patience (expected off, or "factor, patience" with a factor from 0.01 to 0.99 and a patience from 1 to 100, e.g. 0.1, 2)'],
    ['keep_best', 'maybe', 'keep_best: "maybe" is not a choice (expected one of no, yes)'],
    ['noise', '0.9', 'noise: 0.9 is out of range (expected a number from 0 to 0.5)'],
    ['noise', 'lots', 'noise: "lots" is not a number (expected a number from 0 to 0.5)'],
    ['optimizer', 'adamw', 'optimizer: "adamw" is not a choice (expected one of sgd, momentum, adagrad, adadelta, rmsprop, adam, adamax)'],
    ['lr', 'abc', 'lr: "abc" is not a number (expected a number above 0, up to 10)'],
    ['lr', '0', 'lr: 0 is out of range (expected a number above 0, up to 10)'],
    ['lr', '-0.1', 'lr: -0.1 is out of range (expected a number above 0, up to 10)'],
    ['lr', 'Infinity', 'lr: "Infinity" is not a number (expected a number above 0, up to 10)'],
    ['lr', '0x10', 'lr: "0x10" is not a number (expected a number above 0, up to 10)'],
    ['batch_size', '12.5', 'batch_size: 12.5 is not a whole number (expected a whole number from 1 to 4096)'],
    ['batch_size', '0', 'batch_size: 0 is out of range (expected a whole number from 1 to 4096)'],
    ['epochs', '100000', 'epochs: 100000 is out of range (expected a whole number from 1 to 500)'],
    ['seed', '-1', 'seed: -1 is out of range (expected a whole number from 0 to 2147483647)'],
    ['layers', 'dense(8, relux)',
      'layers: dense: unknown activation "relux"; use one of sigmoid, tanh, relu, leakyrelu, elu, selu, softmax, linear (at character 10) (expected layers such as dense(8, relu) dense(8, relu); also conv2d(16, 3), maxpool(2), flatten, dropout(0.5), batchnorm — or empty for none)'],
    ['layers', 'conv2d(8, 3)',
      'layers: conv2d (layer 1) needs image input: put it before flatten or dense, on an image dataset (expected a model that fits circle (input 2))'],
    ['layers', 'dense(4096) dense(4096)',
      'layers: the model has 16,801,794 parameters, over the cap of 5,000,000: use fewer units or filters (expected a model that fits circle (input 2))'],
  ])('%s = %j gives its message', (column, text, message) => {
    expect(errorsOf({ ...good, [column]: text })).toEqual([message]);
  });

  it('reads a blank layers cell as no hidden layers, and a missing one as the default', () => {
    const blank = parseRow({ ...good, layers: '  ' });
    expect(blank.ok && blank.spec.layers).toEqual([]);
    const { layers: _, ...rest } = good;
    const missing = parseRow(rest);
    expect(missing.ok && missing.spec.layers.length).toBe(2);
  });

  it('caps the sample-epochs of a run, and suggests a subset', () => {
    expect(errorsOf({ ...good, dataset: 'mnist', epochs: '80' })).toEqual([
      'epochs: 60,000 samples x 80 epochs is over the cap of 3,000,000 sample-epochs (expected at most 50 epochs on mnist, or a subset such as mnist:5k)',
    ]);
    expect(errorsOf({ ...good, dataset: 'mnist:5k', epochs: '80' })).toEqual([]);
  });

  const W4 = 'conv2d(16, 3, padding=same) conv2d(32, 4, padding=same) conv2d(64, 4, padding=valid) maxpool(2) flatten dropout(0.5) dense(50, relu) dense(20, relu)';

  it('caps the multiply-adds of one sample: parameters alone do not bound a convolution', () => {
    // 2.4M parameters (under their cap), but 1.9G multiply-adds per image: hours per epoch on a CPU.
    expect(errorsOf({ ...good, dataset: 'mnist:1k', epochs: '1', layers: 'conv2d(512, 3, padding=same) conv2d(512, 3, padding=same) flatten dense(2)' })).toEqual([
      'layers: the model needs 1,854,103,572 multiply-adds per sample, over the cap of 100,000,000: use fewer filters, or pool or stride earlier (expected a model that fits mnist (input 28x28x1))',
    ]);
  });

  it('caps the multiply-adds of a run, and keeps the notes\' W4 on all of Fashion-MNIST for 5 epochs', () => {
    const r = parseRow({ ...good, dataset: 'fashion-mnist', epochs: '5', layers: W4 });
    expect(r.ok && r.summary.totalMacs).toBe(28 * 28 * 16 * 9 + 28 * 28 * 32 * 16 * 16 + 25 * 25 * 64 * 16 * 32 + 12 * 12 * 64 * 4 + 9216 * 50 + 50 * 20 + 20 * 10);
    expect(r.ok).toBe(true);
    expect(errorsOf({ ...good, dataset: 'fashion-mnist', epochs: '20', layers: W4 })).toEqual([
      'epochs: 60,000 samples x 20 epochs through this model is 3.3e13 multiply-adds, over the cap of 3.0e13 a run (expected at most 18 epochs on fashion-mnist, a subset, or a smaller model)',
    ]);
    expect(errorsOf({ ...good, dataset: 'fashion-mnist:20k', epochs: '20', layers: W4 })).toEqual([]);
  });

  it('reads the callbacks and the dataset variants', () => {
    const r = parseRow({ ...good, dataset: 'Fashion:12k', val_split: '0.2', early_stop: '3', reduce_lr: '0.1, 2', keep_best: 'yes' });
    expect(r.ok && r.spec).toMatchObject({
      dataset: { name: 'fashion-mnist', subset: 12000, noise: 0 }, valSplit: 0.2, earlyStop: 3, reduceLr: { factor: 0.1, patience: 2 }, keepBest: true,
    });
  });

  it('ignores the noise cell for datasets read from files: editing it retrains nothing', () => {
    const a = parseRow({ ...good, dataset: 'iris', noise: '0.1' });
    const b = parseRow({ ...good, dataset: 'iris', noise: '0.3' });
    expect(a.ok && b.ok && a.key === b.key).toBe(true);
  });

  it('counts the parameters of the notes\' CNN (W4) as the notes do: 160, 8224, 32832', () => {
    const r = parseRow({ ...good, dataset: 'mnist',
      layers: 'conv2d(16, 3, padding=same) conv2d(32, 4, padding=same) conv2d(64, 4, padding=valid) maxpool(2) flatten dropout(0.5) dense(50, relu) dense(20, relu)' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.summary.layers.filter((l) => l.name === 'conv2d').map((l) => l.params)).toEqual([160, 8224, 32832]);
    expect(r.summary.layers.map((l) => l.outputShape)).toEqual([[28, 28, 16], [28, 28, 32], [25, 25, 64], [12, 12, 64], [9216], [9216], [50], [20], [10]]);
  });

  it('takes a last dense layer that matches the output as the output layer (Keras style)', () => {
    const implied = parseRow({ ...good, dataset: 'mnist', layers: 'dense(512, relu)' });
    const written = parseRow({ ...good, dataset: 'mnist', layers: 'dense(512, relu) dense(10, softmax)' });
    expect(implied.ok && written.ok && implied.summary.totalParams).toBe(written.ok && written.summary.totalParams);
    expect(implied.ok && implied.summary.totalParams).toBe(784 * 512 + 512 + 512 * 10 + 10);
  });

  it.each([
    ['conv2d(8, 9) maxpool(3) conv2d(8, 9)', 'kernel 9 is larger than the 6x6 input of layer 3: use a smaller kernel or padding=same'],
    ['dense(8) conv2d(8, 3)', 'conv2d (layer 2) needs image input: put it before flatten or dense, on an image dataset'],
    ['conv2d(8, 15) maxpool(15)', 'pool size 15 is larger than the 14x14 input of layer 2'],
  ])('explains a model that cannot be built: %s', (layers, message) => {
    expect(errorsOf({ ...good, dataset: 'mnist:1k', layers })).toEqual([`layers: ${message} (expected a model that fits mnist (input 28x28x1))`]);
  });

  it('reports every bad cell of a row, in column order', () => {
    const errs = errorsOf({ ...good, lr: 'x', dataset: 'nope', epochs: '0' });
    expect(errs.map((e) => e.split(':')[0])).toEqual(['dataset', 'lr', 'epochs']);
  });

  it('gives the same key whatever the name or notes say', () => {
    const a = parseRow(good);
    const b = parseRow({ ...good, name: 'renamed', notes: 'a note' });
    expect(a.ok && b.ok && a.key === b.key).toBe(true);
  });

  it('gives a different key when anything that trains changes', () => {
    const base = parseRow(good);
    for (const [k, v] of [['lr', '0.3'], ['seed', '4'], ['layers', 'dense(9, relu)'], ['noise', '0.2'], ['dataset', 'xor']]) {
      const other = parseRow({ ...good, [k!]: v! });
      expect(base.ok && other.ok && base.key !== other.key, `${k}=${v}`).toBe(true);
    }
  });

  it('treats spelling variants of the same number as the same spec', () => {
    const a = parseRow({ ...good, lr: '0.03' });
    const b = parseRow({ ...good, lr: '3e-2' });
    expect(a.ok && b.ok && a.key === b.key).toBe(true);
  });
});
