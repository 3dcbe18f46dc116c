/**
 * The activations of our layers grammar, forward and backward, over rows of a float32 heap, as
 * tfjs defines them (tfjs-core's kernels and gradient functions): so the fused step's gradients
 * follow the stock step's. Float32 storage rounds each result once; intermediates are float64,
 * which is at least as close to the exact value as tfjs' float32 ops.
 *
 * Backward turns dA (the gradient at the layer's output) into dZ (at its pre-activation) in place.
 * Most gradients read only the output a; selu's reads the pre-activation z (tfjs saves x).
 */
import type { Activation } from '../../grammar/layers.ts';

/** tfjs-layers' LeakyReLU as model.ts adds it (alpha 0.3, a float32 attribute). */
export const LEAKY_ALPHA = Math.fround(0.3);
/** tfjs-core's selu constants, as the float32 scalars its ops make of them. */
const SELU_SCALE = Math.fround(1.0507009873554804934193349852946);
const SELU_SCALEALPHA = Math.fround(1.7580993408473768599402175208123);

/** Whether backward needs the pre-activation kept apart from the output. */
export function needsPreActivation(a: Activation): boolean {
  return a === 'selu';
}

/**
 * a[i] = act(z[i]) for rows x cols floats at `z` and `a` (which may be the same offset). relu and
 * linear are done already by the GEMM's bias_act and are not passed here.
 */
export function activate(h: Float32Array, act: Activation, z: number, a: number, rows: number, cols: number): void {
  const n = rows * cols;
  switch (act) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) h[a + i] = 1 / (1 + Math.exp(-h[z + i]!));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) h[a + i] = Math.tanh(h[z + i]!);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) {
        const x = h[z + i]!;
        h[a + i] = x < 0 ? Math.expm1(x) : x;
      }
      return;
    case 'selu':
      for (let i = 0; i < n; i++) {
        const x = h[z + i]!;
        h[a + i] = x > 0 ? SELU_SCALE * x : SELU_SCALEALPHA * Math.expm1(x);
      }
      return;
    case 'leakyrelu':
      for (let i = 0; i < n; i++) {
        const x = h[z + i]!;
        h[a + i] = x < 0 ? Math.fround(LEAKY_ALPHA * x) : x;
      }
      return;
    case 'softmax':
      for (let r = 0; r < rows; r++) softmaxRow(h, z + r * cols, a + r * cols, cols);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) h[a + i] = Math.max(h[z + i]!, 0);
      return;
    case 'linear':
      if (a !== z) h.copyWithin(a, z, z + n);
      return;
  }
}

/** One row's softmax as tfjs' kernel computes it: exp(x - max) / Σ exp(x - max). */
function softmaxRow(h: Float32Array, z: number, a: number, cols: number): void {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, h[z + j]!);
  let sum = 0;
  for (let j = 0; j < cols; j++) {
    const e = Math.fround(Math.exp(h[z + j]! - max));
    h[a + j] = e;
    sum += e;
  }
  const s = Math.fround(sum);
  for (let j = 0; j < cols; j++) h[a + j] = h[a + j]! / s;
}

/**
 * g := dZ from g = dA, in place, for rows x cols: the gradient functions of tfjs-core (Relu:
 * dy·step(x); Sigmoid: dy·y·(1-y); Tanh: (1-y²)·dy; EluGrad: y ≥ 0 ? dy : dy·(y+1); Selu:
 * x > 0 ? dy·scale : dy·scaleAlpha·exp(x); LeakyRelu: x > 0 ? dy : dy·alpha; Softmax:
 * dy·y - y·Σ(dy·y)). relu and leaky relu test the output, whose sign is the input's.
 */
export function activationGrad(h: Float32Array, act: Activation, g: number, z: number, a: number, rows: number, cols: number): void {
  const n = rows * cols;
  switch (act) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (!(h[a + i]! > 0)) h[g + i] = 0;
      return;
    case 'leakyrelu':
      for (let i = 0; i < n; i++) if (!(h[a + i]! > 0)) h[g + i] = LEAKY_ALPHA * h[g + i]!;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const y = h[a + i]!;
        h[g + i] = h[g + i]! * Math.fround(y * Math.fround(1 - y));
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const y = h[a + i]!;
        h[g + i] = Math.fround(1 - Math.fround(y * y)) * h[g + i]!;
      }
      return;
    case 'elu':
      for (let i = 0; i < n; i++) {
        const y = h[a + i]!;
        if (y < 0) h[g + i] = h[g + i]! * Math.fround(y + 1);
      }
      return;
    case 'selu':
      for (let i = 0; i < n; i++) {
        const x = h[z + i]!;
        const dy = h[g + i]!;
        h[g + i] = x > 0 ? dy * SELU_SCALE : Math.fround(dy * SELU_SCALEALPHA) * Math.fround(Math.exp(x));
      }
      return;
    case 'softmax':
      for (let r = 0; r < rows; r++) softmaxGradRow(h, g + r * cols, a + r * cols, cols);
      return;
  }
}

/** dz = dy·y - y·Σ(dy·y) for one row, in place over dy. */
function softmaxGradRow(h: Float32Array, g: number, a: number, cols: number): void {
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.fround(h[g + j]! * h[a + j]!);
  const sum = Math.fround(s);
  for (let j = 0; j < cols; j++) {
    const y = h[a + j]!;
    h[g + j] = Math.fround(h[g + j]! * y) - Math.fround(sum * y);
  }
}
