/**
 * Which jobs the fused dense step (dense/trainer.ts) can train, decided from the row's spec and
 * the dataset alone, with the reason when it cannot: a Sequential of dense layers (an implied or
 * leading flatten is only a reshape of the row-major batch), a softmax + cross-entropy or linear +
 * MSE output, one of the optimizers whose update we own, on the wasm backend (our GEMM reads and
 * writes its heap). Everything else keeps tfjs' step.
 */
import type { Activation, LayerSpec } from '../../grammar/layers.ts';
import type { OptimizerName } from '../../columns.ts';
import type { ExperimentSpec } from '../../spec.ts';
import type { BackendName } from '../../job.ts';
import { hasExplicitOutput } from '../../model-shape.ts';

/** The optimizers the fused step updates itself (the others fall back to tfjs' step). */
export type DenseOptimizer = 'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adagrad' | 'adamax';
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'rmsprop', 'adam', 'adagrad', 'adamax'];

/** One dense layer as the fused step runs it: kernel inputs x units, bias, activation, penalties. */
export interface DenseLayerPlan {
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  readonly l1: number;
  readonly l2: number;
}

/** What the fused step trains: the layers in order (the output layer last) and how. */
export interface DensePlan {
  readonly layers: readonly DenseLayerPlan[];
  /** 'cce': softmax output, categorical cross-entropy, accuracy; 'mse': linear output, MSE, MAE. */
  readonly loss: 'cce' | 'mse';
  readonly optimizer: DenseOptimizer;
  readonly learningRate: number;
}

/** The slice of a dataset the decision needs. */
export interface DataShape {
  readonly task: 'classification' | 'regression';
  readonly sampleShape: readonly number[];
  readonly classes: number;
}

export type DenseEligibility = { readonly ok: true; readonly plan: DensePlan } | { readonly ok: false; readonly reason: string };

/**
 * Whether the fused dense step can train this job, and its plan; or why not. Pure: the same
 * layers buildModel (model.ts) builds, read from the spec instead of the tfjs model, so the two
 * agree on units, activations, penalties and the implied output layer.
 */
export function denseEligibility(spec: ExperimentSpec, data: DataShape, backend: BackendName): DenseEligibility {
  if (backend !== 'wasm') return { ok: false, reason: `the ${backend} backend (the fused step runs on the wasm heap)` };
  if (!(OPTIMIZERS as readonly string[]).includes(spec.optimizer)) return { ok: false, reason: `optimizer ${spec.optimizer} (fused: ${OPTIMIZERS.join(', ')})` };
  const denses: Extract<LayerSpec, { kind: 'dense' }>[] = [];
  for (const [i, l] of spec.layers.entries()) {
    // A flatten before any dense layer only reshapes the batch, which is row-major already.
    if (l.kind === 'flatten' && i === 0) continue;
    if (l.kind !== 'dense') return { ok: false, reason: `a ${l.kind} layer (fused: dense layers only)` };
    denses.push(l);
  }
  const outputs = data.classes;
  const classification = data.task === 'classification';
  const layers: DenseLayerPlan[] = [];
  let inputs = data.sampleShape.reduce((a, b) => a * b, 1);
  for (const l of denses) {
    layers.push({ inputs, units: l.units, activation: l.activation, l1: l.l1, l2: l.l2 });
    inputs = l.units;
  }
  if (!hasExplicitOutput(spec.layers, outputs, data.task)) {
    layers.push({ inputs, units: outputs, activation: classification ? 'softmax' : 'linear', l1: 0, l2: 0 });
  }
  if (layers.length === 0) return { ok: false, reason: 'no layers' };
  return { ok: true, plan: { layers, loss: classification ? 'cce' : 'mse', optimizer: spec.optimizer as DenseOptimizer, learningRate: spec.learningRate } };
}

/** Trainable parameters of the plan's model (kernel and bias per layer), as tfjs' countParams counts them. */
export function countParams(plan: DensePlan): number {
  return plan.layers.reduce((n, l) => n + l.inputs * l.units + l.units, 0);
}
