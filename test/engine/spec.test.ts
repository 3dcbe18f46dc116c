import { describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../src/engine/columns.ts';
import { describeCellError } from '../../src/engine/errors.ts';
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
      dataset: { name: 'circle', noise: 0.1 },
      layers: [{ kind: 'dense', units: 8, activation: 'relu', l1: 0, l2: 0 }],
      optimizer: 'adam', learningRate: 0.03, batchSize: 16, epochs: 10, seed: 3,
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
    ['dataset', 'mnist2', 'dataset: "mnist2" is not a choice (expected one of xor, circle, spiral, gaussian)'],
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
