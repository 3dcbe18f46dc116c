import { describe, expect, it } from 'vitest';
import { formatLayers, parseLayers } from '../../src/engine/grammar/layers.ts';

describe('layers grammar: good input', () => {
  it.each([
    ['', []],
    ['none', []],
    ['dense(8, relu)', [{ kind: 'dense', units: 8, activation: 'relu', l1: 0, l2: 0 }]],
    ['dense(8)', [{ kind: 'dense', units: 8, activation: 'relu', l1: 0, l2: 0 }]],
    ['dense(4, tanh) dense(2, sigmoid)', [
      { kind: 'dense', units: 4, activation: 'tanh', l1: 0, l2: 0 },
      { kind: 'dense', units: 2, activation: 'sigmoid', l1: 0, l2: 0 },
    ]],
    ['dense(4,leaky_relu); dense(3, activation=elu, l2=0.01)', [
      { kind: 'dense', units: 4, activation: 'leakyrelu', l1: 0, l2: 0 },
      { kind: 'dense', units: 3, activation: 'elu', l1: 0, l2: 0.01 },
    ]],
    ['2*dense(3, selu)', [
      { kind: 'dense', units: 3, activation: 'selu', l1: 0, l2: 0 },
      { kind: 'dense', units: 3, activation: 'selu', l1: 0, l2: 0 },
    ]],
    ['conv2d(16, 3, padding=same) -> maxpool(2) -> flatten -> dropout(0.5) -> batchnorm', [
      { kind: 'conv2d', filters: 16, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
      { kind: 'maxpool', size: 2, stride: 2 },
      { kind: 'flatten' },
      { kind: 'dropout', rate: 0.5 },
      { kind: 'batchnorm' },
    ]],
    ['avgpool(3, stride=1)', [{ kind: 'avgpool', size: 3, stride: 1 }]],
    ['Dense(8, ReLU)', [{ kind: 'dense', units: 8, activation: 'relu', l1: 0, l2: 0 }]],
  ])('%j', (text, expected) => {
    const r = parseLayers(text);
    expect(r).toEqual({ ok: true, value: expected });
  });

  it('prints back what it parsed', () => {
    const r = parseLayers('dense(8, relu) dropout(0.2) dense(4, tanh, l2=0.001)');
    if (!r.ok) throw new Error(r.error.message);
    expect(formatLayers(r.value)).toBe('dense(8, relu) dropout(0.2) dense(4, tanh, l2=0.001)');
    expect(parseLayers(formatLayers(r.value))).toEqual(r);
  });
});

describe('layers grammar: every bad input names what is wrong', () => {
  it.each([
    ['dens(8)', 'unknown layer "dens"; known layers are dense, conv2d, maxpool, avgpool, flatten, dropout, batchnorm', 0],
    ['dense', 'dense needs units, e.g. dense(8, relu)', 0],
    ['dense()', 'dense needs units, e.g. dense(8, relu)', 0],
    ['dense(0)', 'dense units must be a whole number from 1 to 4096, not "0"', 6],
    ['dense(2.5)', 'dense units must be a whole number from 1 to 4096, not "2.5"', 6],
    ['dense(99999)', 'dense units must be a whole number from 1 to 4096, not "99999"', 6],
    ['dense(8, relux)', 'dense: unknown activation "relux"; use one of sigmoid, tanh, relu, leakyrelu, elu, selu, softmax, linear', 9],
    ['dense(8, relu, 0.1, 0.1, 3)', 'dense takes at most 4 arguments (units, activation, l1, l2)', 25],
    ['dense(8, size=3)', 'dense has no parameter "size"; its parameters are units, activation, l1, l2', 9],
    ['dense(8, units=3)', 'dense: units is given twice', 9],
    ['dense(8, l2=5)', 'dense l2 must be a number from 0 to 1, not "5"', 9],
    ['dense(8, relu', '"(" after dense is never closed', 5],
    ['dense(8) $', 'unexpected character "$"', 9],
    ['conv2d(16)', 'conv2d needs kernel, e.g. conv2d(16, 3)', 0],
    ['conv2d(16, 3, padding=full)', 'conv2d padding must be same or valid, not "full"', 14],
    ['dropout', 'dropout needs rate, e.g. dropout(0.5)', 0],
    ['dropout(1.5)', 'dropout rate must be a number from 0 to 0.99, not "1.5"', 8],
    ['flatten(3)', 'flatten takes at most 0 arguments (none)', 8],
    ['0*dense(3)', 'repeat count 0 must be a whole number from 1 to 16', 0],
    ['dense(8) (', 'expected a layer name here, found "("', 9],
    ['16*dense(2) 16*dense(2) dense(2)', 'more than 32 layers', 24],
    // Names of Object.prototype's members are unknown words, not entries of the alias tables.
    ['constructor', 'unknown layer "constructor"; known layers are dense, conv2d, maxpool, avgpool, flatten, dropout, batchnorm', 0],
    ['__proto__(1)', 'unknown layer "__proto__"; known layers are dense, conv2d, maxpool, avgpool, flatten, dropout, batchnorm', 0],
    ['dense(8) Constructor(2)', 'unknown layer "Constructor"; known layers are dense, conv2d, maxpool, avgpool, flatten, dropout, batchnorm', 9],
    ['dense(8, constructor)', 'dense: unknown activation "constructor"; use one of sigmoid, tanh, relu, leakyrelu, elu, selu, softmax, linear', 9],
    ['dense(8, __proto__)', 'dense: unknown activation "__proto__"; use one of sigmoid, tanh, relu, leakyrelu, elu, selu, softmax, linear', 9],
  ])('%j', (text, message, at) => {
    expect(parseLayers(text)).toEqual({ ok: false, error: { message, at } });
  });
});
