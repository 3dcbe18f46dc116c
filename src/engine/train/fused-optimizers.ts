/**
 * tfjs' RMSprop, Adam, Momentum and SGD optimizers with each variable's update applied by one
 * kernel of ours (fused-kernels.ts) instead of tfjs' 2-14 element-wise ops per variable per step.
 *
 * Why: on W1 (MLP 784-512-10, RMSprop, batch 128, wasm) the stock update was 18-25 % of a
 * training step: about 50 kernel calls over the 784x512 weights, each with the engine's
 * per-op bookkeeping and a fresh output. Measured numbers are in the commit that added this.
 *
 * They extend the stock classes and keep their state in the same fields (accumulators as
 * non-trainable variables, iteration count, Adam's β powers), so getWeights/setWeights,
 * setLearningRate, dispose and the configs behave as before; the arithmetic rounds as tfjs' ops
 * do, so the weights equal the stock optimizer's step for step (test/engine/train/
 * fused-optimizers.test.ts). Where our kernel is not registered for the active backend (WebGL),
 * or a variable is not float32, the stock update runs.
 */
import * as tf from '@tensorflow/tfjs';
import {
  FUSED_ADAM, FUSED_MOMENTUM, FUSED_RMSPROP, FUSED_SGD, fusedKernelAvailable, installFusedOptimizerKernels,
} from './fused-kernels.ts';

type Grads = Parameters<tf.Optimizer['applyGradients']>[0];

interface Slot { originalName: string; variable: tf.Variable }

const f = Math.fround;

/** The variables the gradients name, in their order, with each gradient (null when absent). */
function entries(grads: Grads): { value: tf.Variable; grad: tf.Tensor | null; name: string }[] {
  const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
  return names.map((name, i) => ({
    name,
    value: tf.engine().registeredVariables[name]!,
    grad: (Array.isArray(grads) ? grads[i]!.tensor : grads[name]) ?? null,
  }));
}

/** Our kernel runs on this backend, and every variable it would update is float32. */
function canFuse(kernel: string, grads: Grads): boolean {
  installFusedOptimizerKernels();
  if (!fusedKernelAvailable(kernel)) return false;
  return entries(grads).every(({ value, grad }) => value !== undefined && value.dtype === 'float32' && (grad === null || grad.dtype === 'float32'));
}

/** The accumulator slot i of a stock optimizer, created as tfjs creates it (zeros, not trainable). */
function slot(slots: (Slot | undefined)[], i: number, value: tf.Variable, suffix: string): tf.Variable {
  slots[i] ??= { originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  return slots[i]!.variable;
}

/** Runs a step kernel and assigns its outputs to the variables in order. */
function step(kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap, targets: tf.Variable[]): void {
  tf.tidy(() => {
    const out = tf.engine().runKernel(kernel, inputs, attrs);
    const list = Array.isArray(out) ? out : [out];
    targets.forEach((v, i) => v.assign(list[i]!));
  });
}

interface RmsPropState {
  learningRate: number; decay: number; momentum: number; epsilon: number; centered: boolean;
  accumulatedMeanSquares: (Slot | undefined)[]; accumulatedMoments: (Slot | undefined)[];
}

/** tf.train.rmsprop with a fused update (centered RMSprop keeps the stock one). */
export class FusedRMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(grads: Grads): void {
    const s = this as unknown as RmsPropState;
    if (s.centered || !canFuse(FUSED_RMSPROP, grads)) {
      super.applyGradients(grads as never);
      return;
    }
    const attrs = { decay: s.decay, oneMinusDecay: 1 - s.decay, lr: s.learningRate, momentum: s.momentum, epsilon: s.epsilon };
    entries(grads).forEach(({ value, grad }, i) => {
      const ms = slot(s.accumulatedMeanSquares, i, value, 'rms');
      const mom = slot(s.accumulatedMoments, i, value, 'momentum');
      if (grad === null) return;
      step(FUSED_RMSPROP, { x: value, g: grad, ms, mom }, attrs, [value, ms, mom]);
    });
    this.incrementIterations();
  }
}

interface AdamState {
  learningRate: number; beta1: number; beta2: number; epsilon: number;
  accBeta1: tf.Variable; accBeta2: tf.Variable;
  accumulatedFirstMoment: (Slot | undefined)[]; accumulatedSecondMoment: (Slot | undefined)[];
}

/** tf.train.adam with a fused update. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(grads: Grads): void {
    const s = this as unknown as AdamState;
    if (!canFuse(FUSED_ADAM, grads)) {
      super.applyGradients(grads as never);
      return;
    }
    // tfjs keeps β1ᵗ and β2ᵗ in float32 variables and forms 1 - βᵗ in float32.
    const accBeta1 = s.accBeta1.dataSync()[0]!;
    const accBeta2 = s.accBeta2.dataSync()[0]!;
    const attrs = {
      beta1: s.beta1, oneMinusBeta1: 1 - s.beta1, beta2: s.beta2, oneMinusBeta2: 1 - s.beta2,
      oneMinusAccBeta1: f(1 - accBeta1), oneMinusAccBeta2: f(1 - accBeta2), epsilon: s.epsilon, negLr: -s.learningRate,
    };
    entries(grads).forEach(({ value, grad }, i) => {
      const m = slot(s.accumulatedFirstMoment, i, value, 'm');
      const v = slot(s.accumulatedSecondMoment, i, value, 'v');
      if (grad === null) return;
      step(FUSED_ADAM, { x: value, g: grad, m, v }, attrs, [value, m, v]);
    });
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    this.incrementIterations();
  }
}

interface MomentumState {
  learningRate: number; momentum: number; useNesterov: boolean; accumulations: (Slot | undefined)[];
}

/** tf.train.momentum with a fused update. */
export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(grads: Grads): void {
    const s = this as unknown as MomentumState;
    if (!canFuse(FUSED_MOMENTUM, grads)) {
      super.applyGradients(grads as never);
      return;
    }
    const attrs = { momentum: s.momentum, negLr: -s.learningRate, nesterov: s.useNesterov };
    entries(grads).forEach(({ value, grad }, i) => {
      const acc = slot(s.accumulations, i, value, 'momentum');
      if (grad === null) return;
      step(FUSED_MOMENTUM, { x: value, g: grad, acc }, attrs, [value, acc]);
    });
    this.incrementIterations();
  }
}

/** tf.train.sgd with a fused update (one kernel per variable instead of two). */
export class FusedSGDOptimizer extends tf.SGDOptimizer {
  override applyGradients(grads: Grads): void {
    if (!canFuse(FUSED_SGD, grads)) {
      super.applyGradients(grads as never);
      return;
    }
    const attrs = { negLr: -(this as unknown as { learningRate: number }).learningRate };
    for (const { value, grad } of entries(grads)) {
      if (grad !== null) step(FUSED_SGD, { x: value, g: grad }, attrs, [value]);
    }
    this.incrementIterations();
  }
}
