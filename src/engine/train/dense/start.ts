/**
 * The start of a fused dense job: its plan, its seeded initial weights and its trainer, with no
 * tfjs model. Building one (layers, variables, their names) only to read its initial weights cost
 * about 1-2 ms and a few hundred kB of a ~12 ms small job (issue 7); the weights are the
 * initializers' tensors, which we draw here directly, exactly as buildModel (model.ts) draws them:
 * Glorot uniform with the seed `init:<n>` for the n-th dense layer, zero biases.
 * test/engine/train/dense-finish.test.ts checks them against buildModel's, bit for bit.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../job.ts';
import type { ExperimentSpec } from '../../spec.ts';
import type { GemmVariant } from '../kernels/gemm.ts';
import { alea, deriveSeed } from '../rng.ts';
import { type DataShape, type DensePlan, countParams, denseEligibility } from './plan.ts';
import { DenseTrainer } from './trainer.ts';

/** A fused job ready to train, or why the job keeps tfjs' step. */
export type DenseStart =
  | { readonly ok: true; readonly trainer: DenseTrainer; readonly plan: DensePlan; readonly params: number }
  | { readonly ok: false; readonly reason: string };

/**
 * The fused trainer for this job when denseEligibility allows it and our GEMM runs on the
 * current backend (`tfjs.backend()`); otherwise the reason, and nothing is left allocated.
 */
export function startDense(tfjs: typeof tf, spec: ExperimentSpec, data: DataShape, backend: BackendName, gemm?: GemmVariant): DenseStart {
  const eligible = denseEligibility(spec, data, backend);
  if (!eligible.ok) return eligible;
  const trainer = DenseTrainer.create(eligible.plan, tfjs.backend(), spec.batchSize, initialWeights(spec, eligible.plan), gemm);
  if (!trainer) return { ok: false, reason: 'no SIMD GEMM on this wasm backend' };
  return { ok: true, trainer, plan: eligible.plan, params: countParams(eligible.plan) };
}

/**
 * Kernel and bias per layer, as buildModel's model.getWeights() gives them before training.
 * buildModel seeds every layer that has an initializer in order; a dense-only plan has only dense
 * layers (a leading flatten takes no seed), so the n-th layer of the plan gets `init:<n>`.
 *
 * Drawn as tfjs-layers' glorotUniform draws them (VarianceScaling, fanAvg, uniform: limit
 * sqrt(3 / max(1, (fanIn + fanOut) / 2)), then tfjs-core's randomUniform(-limit, limit): min +
 * range * alea(seed) per value, stored as float32), without a tfjs op, tensor, wasm allocation and
 * read-back per layer: about 0.15 ms of a small job's ~5 ms in the worker (issue 7).
 */
export function initialWeights(spec: ExperimentSpec, plan: DensePlan): Float32Array[] {
  return plan.layers.flatMap((l, n) => {
    const limit = Math.sqrt(3 * (1 / Math.max(1, (l.inputs + l.units) / 2)));
    const min = -limit, range = limit - min;
    const random = alea(deriveSeed(spec.seed, `init:${n}`).toString());
    const kernel = new Float32Array(l.inputs * l.units);
    for (let i = 0; i < kernel.length; i++) kernel[i] = min + range * random();
    return [kernel, new Float32Array(l.units)];
  });
}
