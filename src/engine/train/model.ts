/**
 * ExperimentSpec -> a compiled tfjs model. Every initializer and dropout layer takes a seed
 * derived from the row's seed, so weights and masks are reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerSpec } from '../grammar/layers.ts';
import type { OptimizerName } from '../columns.ts';
import type { ExperimentSpec } from '../spec.ts';
import type { Task } from '../datasets.ts';
import { hasExplicitOutput } from '../model-shape.ts';
import { deriveSeed } from './rng.ts';
import { FusedAdamOptimizer, FusedMomentumOptimizer, FusedRMSPropOptimizer, FusedSGDOptimizer } from './fused-optimizers.ts';

const TF_ACTIVATION = {
  sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', elu: 'elu', selu: 'selu', softmax: 'softmax', linear: 'linear',
} as const satisfies Record<Exclude<Activation, 'leakyrelu'>, string>;

/**
 * Build the layers of a spec on the given input shape, ending with the output layer the dataset
 * implies (softmax over its classes, or one linear unit for regression) unless the row wrote it.
 */
export function buildModel(spec: ExperimentSpec, inputShape: readonly number[], outputs: number, task: Task = 'classification'): tf.Sequential {
  const model = tf.sequential();
  let first = true;
  let n = 0;
  const seed = () => deriveSeed(spec.seed, `init:${n++}`);
  const withInput = <T extends object>(cfg: T): T => {
    if (!first) return cfg;
    first = false;
    return { ...cfg, inputShape: [...inputShape] };
  };
  let flat = inputShape.length === 1;
  for (const l of spec.layers) {
    if (l.kind === 'dense' && !flat) {
      model.add(tf.layers.flatten(withInput({})));
      flat = true;
    }
    addLayer(model, l, withInput, seed);
    if (l.kind === 'flatten') flat = true;
  }
  if (!hasExplicitOutput(spec.layers, outputs, task)) {
    if (!flat) model.add(tf.layers.flatten(withInput({})));
    model.add(tf.layers.dense(withInput({
      units: outputs, activation: task === 'classification' ? 'softmax' : 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }),
    })));
  }
  return model;
}

/** SGD and momentum keep the rate in a tensor; the others read a plain field at every step. */
export function setLearningRate(o: tf.Optimizer, lr: number): void {
  const withSetter = o as tf.Optimizer & { setLearningRate?: (lr: number) => void };
  if (typeof withSetter.setLearningRate === 'function') withSetter.setLearningRate(lr);
  else (o as unknown as { learningRate: number }).learningRate = lr;
}

function addLayer(
  model: tf.Sequential,
  l: LayerSpec,
  withInput: <T extends object>(cfg: T) => T,
  seed: () => number,
): void {
  const act = (a: Activation) => (a === 'leakyrelu' ? undefined : TF_ACTIVATION[a]);
  const after = (a: Activation) => { if (a === 'leakyrelu') model.add(tf.layers.leakyReLU({ alpha: 0.3 })); };
  switch (l.kind) {
    case 'dense': {
      const reg = l.l1 || l.l2 ? tf.regularizers.l1l2({ l1: l.l1, l2: l.l2 }) : undefined;
      model.add(tf.layers.dense(withInput({
        units: l.units, activation: act(l.activation),
        kernelInitializer: initializerFor(l.activation, seed()),
        ...(reg ? { kernelRegularizer: reg } : {}),
      })));
      after(l.activation);
      return;
    }
    case 'conv2d':
      model.add(tf.layers.conv2d(withInput({
        filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: l.padding,
        activation: act(l.activation), kernelInitializer: initializerFor(l.activation, seed()),
      })));
      after(l.activation);
      return;
    case 'maxpool':
      model.add(tf.layers.maxPooling2d(withInput({ poolSize: l.size, strides: l.stride })));
      return;
    case 'avgpool':
      model.add(tf.layers.averagePooling2d(withInput({ poolSize: l.size, strides: l.stride })));
      return;
    case 'flatten':
      model.add(tf.layers.flatten(withInput({})));
      return;
    case 'dropout':
      model.add(tf.layers.dropout(withInput({ rate: l.rate, seed: seed() })));
      return;
    case 'batchnorm':
      model.add(tf.layers.batchNormalization(withInput({})));
      return;
  }
}

/** Keras' default (Glorot uniform) everywhere, seeded; He for the ReLU family would be kinder but the notes use the default. */
function initializerFor(_a: Activation, seed: number) {
  return tf.initializers.glorotUniform({ seed });
}

/**
 * Keras names and defaults; `momentum` is SGD with momentum 0.9. SGD, momentum, RMSprop and Adam
 * are tfjs' own with the update fused into one kernel per variable (fused-optimizers.ts): same
 * hyper-parameters, same results, fewer ops per step.
 */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  switch (name) {
    case 'sgd': return new FusedSGDOptimizer(lr);
    case 'momentum': return new FusedMomentumOptimizer(lr, 0.9);
    case 'adagrad': return tf.train.adagrad(lr);
    case 'adadelta': return tf.train.adadelta(lr, 0.95, 1e-7);
    case 'rmsprop': return new FusedRMSPropOptimizer(lr, 0.9, 0, 1e-7);
    case 'adam': return new FusedAdamOptimizer(lr, 0.9, 0.999, 1e-7);
    case 'adamax': return tf.train.adamax(lr, 0.9, 0.999, 1e-7);
  }
}
