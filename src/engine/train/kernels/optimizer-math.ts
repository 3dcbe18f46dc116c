/**
 * One optimizer step for one variable, element by element, in a single pass over its arrays.
 *
 * tfjs 4.22's optimizers spend 4-14 tensor ops per variable per step (RMSprop even computes the
 * new mean square twice); on wasm each op is a kernel call plus engine bookkeeping over the whole
 * weight matrix. These loops do the same arithmetic in one pass. Every intermediate is rounded
 * to float32 (Math.fround) in the order tfjs' ops apply, so the results equal the stock
 * optimizers' (each op there rounds its float32 output), not merely approximate them.
 *
 * Scalars are passed already rounded to float32, as tfjs turns a number operand into a float32
 * scalar tensor; `1 - rho` and the like are computed in float64 first, as tfjs does in JS.
 */
const f = Math.fround;

/** Float32 scalars of tfjs' RMSprop (centered = false). */
export interface RmsPropScalars {
  /** rho (tfjs' `decay`) */ readonly decay: number;
  /** 1 - rho */ readonly oneMinusDecay: number;
  readonly lr: number;
  readonly momentum: number;
  readonly epsilon: number;
}

/**
 * ms' = ms·ρ + g²·(1-ρ); mom' = mom·μ + g·lr / √(ms' + ε); x' = x - mom'.
 * (ε inside the square root, as tfjs; Keras puts it outside.)
 */
export function rmsPropStep(
  x: Float32Array, g: Float32Array, ms: Float32Array, mom: Float32Array,
  s: RmsPropScalars,
  xOut: Float32Array, msOut: Float32Array, momOut: Float32Array,
): void {
  const { decay, oneMinusDecay, lr, momentum, epsilon } = s;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const m2 = f(f(ms[i]! * decay) + f(f(gi * gi) * oneMinusDecay));
    const step = f(f(mom[i]! * momentum) + f(f(gi * lr) / f(Math.sqrt(f(m2 + epsilon)))));
    msOut[i] = m2;
    momOut[i] = step;
    xOut[i] = x[i]! - step;
  }
}

/** Float32 scalars of tfjs' Adam at one step. */
export interface AdamScalars {
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  /** 1 - β1ᵗ, from the optimizer's float32 accumulator of β1 powers */ readonly oneMinusAccBeta1: number;
  /** 1 - β2ᵗ */ readonly oneMinusAccBeta2: number;
  readonly epsilon: number;
  /** -lr */ readonly negLr: number;
}

/** m' = m·β1 + g·(1-β1); v' = v·β2 + g²·(1-β2); x' = (m'/(1-β1ᵗ)) / (√(v'/(1-β2ᵗ)) + ε) · (-lr) + x. */
export function adamStep(
  x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  s: AdamScalars,
  xOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
): void {
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLr } = s;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const m1 = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1));
    const v1 = f(f(v[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
    const mHat = f(m1 / oneMinusAccBeta1);
    const vHat = f(v1 / oneMinusAccBeta2);
    mOut[i] = m1;
    vOut[i] = v1;
    xOut[i] = f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * negLr) + x[i]!;
  }
}

/** Float32 scalars of tfjs' Momentum (and plain SGD: momentum unused). */
export interface MomentumScalars {
  readonly momentum: number;
  /** -lr */ readonly negLr: number;
  readonly nesterov: boolean;
}

/** acc' = μ·acc + g; x' = -lr·acc' + x, or with Nesterov x' = -lr·(g + acc'·μ) + x. */
export function momentumStep(
  x: Float32Array, g: Float32Array, acc: Float32Array,
  s: MomentumScalars,
  xOut: Float32Array, accOut: Float32Array,
): void {
  const { momentum, negLr, nesterov } = s;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const a = f(f(momentum * acc[i]!) + gi);
    accOut[i] = a;
    xOut[i] = nesterov ? f(negLr * f(gi + f(a * momentum))) + x[i]! : f(negLr * a) + x[i]!;
  }
}

/** x' = -lr·g + x. */
export function sgdStep(x: Float32Array, g: Float32Array, negLr: number, xOut: Float32Array): void {
  for (let i = 0; i < x.length; i++) xOut[i] = f(negLr * g[i]!) + x[i]!;
}
