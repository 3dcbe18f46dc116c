/**
 * Kernels of our own that apply one optimizer step to one variable in one pass (the loops in
 * kernels/optimizer-math.ts), for tfjs' wasm and cpu backends. They read the variable, its
 * gradient and its accumulators straight from the backend's memory (the wasm heap, or the cpu
 * backend's arrays) and write fresh outputs, which the optimizer then assigns: inputs are never
 * written, so a tensor sharing a variable's data (a clone kept as the best weights) is safe.
 *
 * Why: see fused-optimizers.ts. Other backends (WebGL) have no such kernel; the optimizers then
 * run tfjs' own update.
 */
import * as tf from '@tensorflow/tfjs';
import { adamStep, momentumStep, rmsPropStep, sgdStep } from './kernels/optimizer-math.ts';
import { type SimdOptimizer, simdOptimizerFor } from './kernels/wasm-optimizer.ts';

export const FUSED_RMSPROP = 'SweepsheetRMSPropStep';
export const FUSED_ADAM = 'SweepsheetAdamStep';
export const FUSED_MOMENTUM = 'SweepsheetMomentumStep';
export const FUSED_SGD = 'SweepsheetSGDStep';
const FUSED_NAMES = [FUSED_RMSPROP, FUSED_ADAM, FUSED_MOMENTUM, FUSED_SGD];

/** The backends whose memory these kernels know how to reach. */
export const FUSED_BACKENDS = ['wasm', 'cpu'] as const;
type FusedBackend = (typeof FUSED_BACKENDS)[number];

type KernelParams = Parameters<tf.KernelFunc>[0];

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

interface CpuBackend {
  data: { get(id: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** Fresh float32 outputs shaped like `like`, and views on every input and output. */
interface Buffers {
  readonly inputs: Float32Array[];
  readonly outputs: Float32Array[];
  readonly infos: tf.TensorInfo[];
  /** On wasm, the SIMD loops bound to the backend's memory (null: JS loops only). */
  readonly simd: SimdOptimizer | null;
}

function buffers(backendName: FusedBackend, backend: unknown, inputs: tf.TensorInfo[], outputs: number): Buffers {
  const shape = [...inputs[0]!.shape];
  if (backendName === 'wasm') {
    const b = backend as WasmBackend;
    // Allocate every output before taking any view: an allocation may grow the wasm memory,
    // which detaches views taken earlier.
    const infos = Array.from({ length: outputs }, () => b.makeOutput(shape, 'float32'));
    return {
      inputs: inputs.map((t) => b.typedArrayFromHeap(t)), outputs: infos.map((t) => b.typedArrayFromHeap(t)), infos,
      simd: simdOptimizerFor(backend),
    };
  }
  const b = backend as CpuBackend;
  const size = shape.reduce((p, d) => p * d, 1);
  const outs = Array.from({ length: outputs }, () => new Float32Array(size));
  return {
    inputs: inputs.map((t) => b.data.get(t.dataId).values as Float32Array),
    outputs: outs,
    infos: outs.map((v) => b.makeTensorInfo(shape, 'float32', v)),
    simd: null,
  };
}

function checked(params: KernelParams, names: readonly string[], kernel: string): tf.TensorInfo[] {
  const list = names.map((n) => params.inputs[n]);
  const first = list[0];
  for (const [i, t] of list.entries()) {
    if (t === undefined) throw new Error(`${kernel}: missing input '${names[i]}'`);
    if (t.dtype !== 'float32') throw new Error(`${kernel}: expected float32 '${names[i]}', but got ${t.dtype}`);
    if (!tf.util.arraysEqual(t.shape, first!.shape)) {
      throw new Error(`${kernel}: expected '${names[i]}' of shape [${first!.shape}], but got [${t.shape}]`);
    }
  }
  return list as tf.TensorInfo[];
}

/** Elements the SIMD loop takes (a multiple of 4); the JS loop does the rest from there. */
const simdPart = (simd: SimdOptimizer | null, n: number): number => (simd === null ? 0 : n - (n % 4));
const from = (k: number) => (a: Float32Array) => a.subarray(k);

const num = (attrs: tf.NamedAttrMap | undefined, key: string): number => Math.fround(attrs?.[key] as number);

function kernelsFor(backendName: FusedBackend): tf.KernelConfig[] {
  return [
    {
      kernelName: FUSED_RMSPROP, backendName,
      kernelFunc: (p: KernelParams) => {
        const ins = checked(p, ['x', 'g', 'ms', 'mom'], FUSED_RMSPROP);
        const { inputs, outputs, infos, simd } = buffers(backendName, p.backend, ins, 3);
        const s = {
          decay: num(p.attrs, 'decay'), oneMinusDecay: num(p.attrs, 'oneMinusDecay'), lr: num(p.attrs, 'lr'),
          momentum: num(p.attrs, 'momentum'), epsilon: num(p.attrs, 'epsilon'),
        };
        const k = simdPart(simd, inputs[0]!.length);
        const [x, g, ms, mom, xo, mso, momo] = [...inputs, ...outputs].map((a) => a.byteOffset);
        if (k > 0) simd!.rmsprop(x!, g!, ms!, mom!, xo!, mso!, momo!, k, s.decay, s.oneMinusDecay, s.lr, s.momentum, s.epsilon);
        if (k === inputs[0]!.length) return infos;
        const [xa, ga, msa, moma, xoa, msoa, momoa] = [...inputs, ...outputs].map(from(k));
        rmsPropStep(xa!, ga!, msa!, moma!, s, xoa!, msoa!, momoa!);
        return infos;
      },
    },
    {
      kernelName: FUSED_ADAM, backendName,
      kernelFunc: (p: KernelParams) => {
        const ins = checked(p, ['x', 'g', 'm', 'v'], FUSED_ADAM);
        const { inputs, outputs, infos, simd } = buffers(backendName, p.backend, ins, 3);
        const s = {
          beta1: num(p.attrs, 'beta1'), oneMinusBeta1: num(p.attrs, 'oneMinusBeta1'),
          beta2: num(p.attrs, 'beta2'), oneMinusBeta2: num(p.attrs, 'oneMinusBeta2'),
          oneMinusAccBeta1: num(p.attrs, 'oneMinusAccBeta1'), oneMinusAccBeta2: num(p.attrs, 'oneMinusAccBeta2'),
          epsilon: num(p.attrs, 'epsilon'), negLr: num(p.attrs, 'negLr'),
        };
        const k = simdPart(simd, inputs[0]!.length);
        const [x, g, m, v, xo, mo, vo] = [...inputs, ...outputs].map((a) => a.byteOffset);
        if (k > 0) {
          simd!.adam(x!, g!, m!, v!, xo!, mo!, vo!, k, s.beta1, s.oneMinusBeta1, s.beta2, s.oneMinusBeta2,
            s.oneMinusAccBeta1, s.oneMinusAccBeta2, s.epsilon, s.negLr);
        }
        // No tail: the SIMD loop took every element, and seven empty views are worth skipping.
        if (k === inputs[0]!.length) return infos;
        const [xa, ga, ma, va, xoa, moa, voa] = [...inputs, ...outputs].map(from(k));
        adamStep(xa!, ga!, ma!, va!, s, xoa!, moa!, voa!);
        return infos;
      },
    },
    {
      kernelName: FUSED_MOMENTUM, backendName,
      kernelFunc: (p: KernelParams) => {
        const ins = checked(p, ['x', 'g', 'acc'], FUSED_MOMENTUM);
        const { inputs: [x, g, acc], outputs: [xo, acco], infos } = buffers(backendName, p.backend, ins, 2);
        momentumStep(x!, g!, acc!, {
          momentum: num(p.attrs, 'momentum'), negLr: num(p.attrs, 'negLr'), nesterov: p.attrs?.['nesterov'] === true,
        }, xo!, acco!);
        return infos;
      },
    },
    {
      kernelName: FUSED_SGD, backendName,
      kernelFunc: (p: KernelParams) => {
        const ins = checked(p, ['x', 'g'], FUSED_SGD);
        const { inputs: [x, g], outputs: [xo], infos } = buffers(backendName, p.backend, ins, 1);
        sgdStep(x!, g!, num(p.attrs, 'negLr'), xo!);
        return infos[0]!;
      },
    },
  ];
}

/**
 * Registers the four step kernels for the wasm and cpu backends (idempotent; the registry is
 * per tfjs instance, so a second copy of this module finds them registered).
 */
export function installFusedOptimizerKernels(): void {
  // Called at every optimizer step: look before building the configs (and their closures).
  if (FUSED_BACKENDS.every((b) => FUSED_NAMES.every((k) => tf.getKernel(k, b) !== undefined))) return;
  for (const backendName of FUSED_BACKENDS) {
    for (const k of kernelsFor(backendName)) {
      if (tf.getKernel(k.kernelName, backendName) === undefined) tf.registerKernel(k);
    }
  }
}

/** Whether `kernel` can run on the active backend (float32 variables only; checked by the caller). */
export function fusedKernelAvailable(kernel: string): boolean {
  return tf.getKernel(kernel, tf.getBackend()) !== undefined;
}
