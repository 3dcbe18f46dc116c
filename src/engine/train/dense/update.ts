/**
 * The optimizer update of the fused dense step, in place on our parameter slabs: the float32 loops
 * of kernels/optimizer-math.ts (the ones our fused tfjs optimizers are checked against), or for
 * RMSprop and Adam their SIMD builds (kernels/wasm-optimizer.ts), which give the same floats.
 * Hyper-parameters and float32 scalars are the ones model.ts's makeOptimizer and
 * fused-optimizers.ts pass: RMSprop ρ 0.9, momentum 0, ε 1e-7; Adam β 0.9 / 0.999, ε 1e-7
 * with the β powers kept in float32 as tfjs keeps them; momentum 0.9 without Nesterov. Adagrad
 * (accumulators from 0.1) and Adamax (β 0.9 / 0.999, ε 1e-7, no decay) have their own loops
 * below, written from tfjs-core's optimizers op by op; Adadelta keeps tfjs' step.
 */
import { adamStep, momentumStep, rmsPropStep, sgdStep } from '../kernels/optimizer-math.ts';
import { type SimdOptimizer, simdOptimizerFor } from '../kernels/wasm-optimizer.ts';
import type { HeapArena, Slab } from './arena.ts';
import type { DenseOptimizer } from './plan.ts';

const f = Math.fround;

/** Slots per parameter for each optimizer. */
const SLOTS: Record<DenseOptimizer, number> = { sgd: 0, momentum: 1, rmsprop: 2, adam: 2, adagrad: 1, adamax: 2 };
/** tfjs' Adagrad starts its accumulators at 0.1 (initialAccumulatorValue). */
const ADAGRAD_INITIAL = 0.1;
/** The float32 backends' epsilon(), which tfjs' Adagrad adds under the square root. */
const BACKEND_EPSILON = f(1e-7);

const NO_SLAB: Slab = { at: 0, ptr: 0, length: 0 };

interface Param {
  x: Slab;
  g: Slab;
  slots: Slab[];
  views: Float32Array[];
}

/** Updates a fixed list of parameters from their gradients, holding the optimizer's state. */
export class DenseUpdate {
  private readonly params: Param[] = [];
  private readonly simd: SimdOptimizer | null;
  private lr: number;
  private accBeta1 = f(0.9);
  private accBeta2 = f(0.999);
  // The float32 scalars as fused-optimizers.ts passes them (1 - ρ etc. formed in float64 first).
  private readonly momentum = { momentum: f(0.9), negLr: 0, nesterov: false };
  private readonly rms = { decay: f(0.9), oneMinusDecay: f(1 - 0.9), lr: 0, momentum: 0, epsilon: f(1e-7) };
  private readonly adam = {
    beta1: f(0.9), oneMinusBeta1: f(1 - 0.9), beta2: f(0.999), oneMinusBeta2: f(1 - 0.999),
    oneMinusAccBeta1: 0, oneMinusAccBeta2: 0, epsilon: f(1e-7), negLr: 0,
  };

  /** Reserves the optimizer's slots in `arena` for parameters of these lengths (see bind). */
  constructor(private readonly arena: HeapArena, private readonly name: DenseOptimizer, lr: number, lengths: readonly number[], backend: unknown) {
    this.lr = lr;
    this.simd = name === 'rmsprop' || name === 'adam' ? simdOptimizerFor(backend) : null;
    for (const length of lengths) {
      const p: Param = { x: NO_SLAB, g: NO_SLAB, slots: [], views: [] };
      for (let k = 0; k < SLOTS[name]; k++) arena.reserve(length, (s) => { p.slots[k] = s; });
      this.params.push(p);
    }
    arena.onGrow(() => this.takeViews());
  }

  /** After the arena is allocated: each parameter's slab and its gradient's, in constructor order. */
  bind(pairs: readonly (readonly [Slab, Slab])[]): void {
    pairs.forEach(([x, g], i) => {
      const p = this.params[i]!;
      if (x.length !== p.slots[0]?.length && p.slots.length > 0) throw new Error('dense update: parameter lengths differ from the reserved ones');
      p.x = x;
      p.g = g;
    });
    this.takeViews();
    if (this.name === 'adagrad') for (const p of this.params) this.arena.heap().fill(ADAGRAD_INITIAL, p.slots[0]!.at, p.slots[0]!.at + p.x.length);
  }

  /** Takes the JS loops' views (once after the arena is allocated, again when the heap grows). */
  takeViews(): void {
    if (this.simd !== null) return;
    for (const p of this.params) p.views = [p.x, p.g, ...p.slots].map((s) => this.arena.viewOf(s));
  }

  /** The learning rate of the next steps (ReduceLROnPlateau's changes reach us here). */
  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  /** One step over every parameter: x -= update(g). No allocation: the scalars objects are reused. */
  apply(): void {
    this.arena.heap(); // re-takes views if the heap grew since the last step
    const lr = this.lr;
    const ps = this.params;
    switch (this.name) {
      case 'sgd': {
        const negLr = f(-lr);
        for (let i = 0; i < ps.length; i++) sgdStep(ps[i]!.views[0]!, ps[i]!.views[1]!, negLr, ps[i]!.views[0]!);
        return;
      }
      case 'momentum': {
        const s = this.momentum;
        s.negLr = f(-lr);
        for (let i = 0; i < ps.length; i++) {
          const v = ps[i]!.views;
          momentumStep(v[0]!, v[1]!, v[2]!, s, v[0]!, v[2]!);
        }
        return;
      }
      case 'rmsprop': {
        const s = this.rms;
        s.lr = f(lr);
        for (let i = 0; i < ps.length; i++) {
          const p = ps[i]!;
          if (this.simd !== null) {
            const ms = p.slots[0]!.ptr, mom = p.slots[1]!.ptr;
            this.simd.rmsprop(p.x.ptr, p.g.ptr, ms, mom, p.x.ptr, ms, mom, p.x.length, s.decay, s.oneMinusDecay, s.lr, s.momentum, s.epsilon);
          } else {
            const v = p.views;
            rmsPropStep(v[0]!, v[1]!, v[2]!, v[3]!, s, v[0]!, v[2]!, v[3]!);
          }
        }
        return;
      }
      case 'adagrad':
        for (let i = 0; i < ps.length; i++) {
          const v = ps[i]!.views;
          adagradStep(v[0]!, v[1]!, v[2]!, f(-lr));
        }
        return;
      case 'adamax': {
        // tfjs: lr / (iteration·decay + 1) with decay 0, over 1 - β1ᵗ, both float32 scalars.
        const scale = f(f(-lr) / f(1 - this.accBeta1));
        for (let i = 0; i < ps.length; i++) {
          const v = ps[i]!.views;
          adamaxStep(v[0]!, v[1]!, v[2]!, v[3]!, scale);
        }
        this.accBeta1 = f(this.accBeta1 * f(0.9));
        return;
      }
      case 'adam': {
        const s = this.adam;
        s.oneMinusAccBeta1 = f(1 - this.accBeta1);
        s.oneMinusAccBeta2 = f(1 - this.accBeta2);
        s.negLr = f(-lr);
        for (let i = 0; i < ps.length; i++) {
          const p = ps[i]!;
          if (this.simd !== null) {
            const m = p.slots[0]!.ptr, v = p.slots[1]!.ptr;
            this.simd.adam(p.x.ptr, p.g.ptr, m, v, p.x.ptr, m, v, p.x.length,
              s.beta1, s.oneMinusBeta1, s.beta2, s.oneMinusBeta2, s.oneMinusAccBeta1, s.oneMinusAccBeta2, s.epsilon, s.negLr);
          } else {
            const v = p.views;
            adamStep(v[0]!, v[1]!, v[2]!, v[3]!, s, v[0]!, v[2]!, v[3]!);
          }
        }
        // tfjs multiplies its float32 β-power variables after every step.
        this.accBeta1 = f(this.accBeta1 * s.beta1);
        this.accBeta2 = f(this.accBeta2 * s.beta2);
        return;
      }
    }
  }
}

/** tfjs' Adagrad: acc' = acc + g²; x' = g / √(acc' + ε) · (-lr) + x. */
function adagradStep(x: Float32Array, g: Float32Array, acc: Float32Array, negLr: number): void {
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const a = f(acc[i]! + f(gi * gi));
    acc[i] = a;
    x[i] = f(f(gi / f(Math.sqrt(f(a + BACKEND_EPSILON)))) * negLr) + x[i]!;
  }
}

/**
 * tfjs' Adamax (β1 0.9, β2 0.999, ε 1e-7): m' = m·β1 + g·(1-β1); u' = max(u·β2, |g|);
 * x' = scale · m' / (u' + ε) + x, scale = -lr / (1 - β1ᵗ).
 */
function adamaxStep(x: Float32Array, g: Float32Array, m: Float32Array, u: Float32Array, scale: number): void {
  const beta1 = f(0.9), oneMinusBeta1 = f(1 - 0.9), beta2 = f(0.999), epsilon = f(1e-7);
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    const m1 = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1));
    const u1 = Math.max(f(u[i]! * beta2), Math.abs(gi));
    m[i] = m1;
    u[i] = u1;
    x[i] = f(scale * f(m1 / f(u1 + epsilon))) + x[i]!;
  }
}
