/**
 * The fused training step for dense-only models on the wasm backend: no tfjs op per step.
 *
 * Why: tfjs-layers' step (step.ts) costs about 1 ms of engine bookkeeping per batch on a small
 * job and allocates ~115 MB per job (kernel calls, tensor records, the gradient tape's sets),
 * swept by V8's background threads, which is what kept two workers on two cores from scaling
 * (issue 7). Here every buffer is on the wasm heap at a fixed offset for the job (arena.ts):
 * the batch is gathered from the resident arrays, the products run through our GEMM
 * (kernels/gemm.ts), the rest in float32 loops, and the optimizer updates our own parameters in
 * place. A step allocates nothing in JS once warm.
 *
 * The arithmetic follows tfjs' (activations.ts, loss.ts, update.ts), not bit for bit (sums in
 * another order): test/engine/train/dense-step.test.ts states the tolerances. Validation, the
 * live boundary and the test set's evaluation run on our forward pass too (`evaluate`, `predict`,
 * dense/boundary.ts, dense/evaluate.ts), and keep-best copies our parameters (`snapshot`,
 * `restore`): a fused job needs no tfjs model at all (dense/start.ts). `writeTo` is for tests
 * that compare with tfjs on the same weights.
 */
import type * as tf from '@tensorflow/tfjs';
import { type Gemm, type GemmVariant, gemmFor } from '../kernels/gemm.ts';
import type { LoadedData, Samples } from '../toy-data.ts';
import { activate, activationGrad, needsPreActivation } from './activations.ts';
import { HeapArena, type Slab } from './arena.ts';
import { crossEntropy, meanSquared } from './loss.ts';
import type { DenseLayerPlan, DensePlan } from './plan.ts';
import { DenseUpdate } from './update.ts';

const f = Math.fround;
/** Rows per forward pass when evaluating (validation chunks, the boundary grid): at least this. */
const EVAL_ROWS = 256;
const NONE: Slab = { at: 0, ptr: 0, length: 0 };

/** One layer's buffers: pre-activation z, output a (= z unless backward needs z), gradient g. */
interface LayerBufs {
  readonly plan: DenseLayerPlan;
  w: Slab; b: Slab; dw: Slab; db: Slab;
  z: Slab; a: Slab; g: Slab;
}

/** Trains the model of a DensePlan one batch at a time; see the module comment. */
export class DenseTrainer {
  private readonly layers: LayerBufs[];
  private x: Slab = NONE;
  private xView: Float32Array = new Float32Array(0);
  private readonly labels: Int32Array;
  private readonly targets: Float32Array;
  private readonly colSums: Float64Array;
  private readonly update: DenseUpdate;
  private readonly out = new Float64Array(2);
  /** Rows the forward buffers hold: a training batch, or an evaluation chunk. */
  private readonly rows: number;
  private readonly outUnits: number;

  private constructor(
    private readonly plan: DensePlan,
    private readonly arena: HeapArena,
    private readonly gemm: Gemm,
    private readonly maxBatch: number,
    backend: unknown,
  ) {
    const reserve = (n: number, set: (s: Slab) => void) => arena.reserve(n, set);
    const inputs = plan.layers[0]!.inputs;
    const rows = (this.rows = Math.max(maxBatch, EVAL_ROWS));
    reserve(rows * inputs, (s) => { this.x = s; });
    this.layers = plan.layers.map((p) => {
      const l: LayerBufs = { plan: p, w: NONE, b: NONE, dw: NONE, db: NONE, z: NONE, a: NONE, g: NONE };
      reserve(p.inputs * p.units, (s) => { l.w = s; });
      reserve(p.units, (s) => { l.b = s; });
      reserve(p.inputs * p.units, (s) => { l.dw = s; });
      reserve(p.units, (s) => { l.db = s; });
      reserve(rows * p.units, (s) => { l.z = s; });
      if (needsPreActivation(p.activation)) reserve(rows * p.units, (s) => { l.a = s; });
      reserve(maxBatch * p.units, (s) => { l.g = s; });
      return l;
    });
    const out = (this.outUnits = plan.layers[plan.layers.length - 1]!.units);
    this.labels = new Int32Array(rows);
    this.targets = new Float32Array(plan.loss === 'mse' ? rows * out : 0);
    this.colSums = new Float64Array(Math.max(...plan.layers.map((p) => p.units)));
    this.update = new DenseUpdate(arena, plan.optimizer, plan.learningRate, plan.layers.flatMap((p) => [p.inputs * p.units, p.units]), backend);
    arena.allocate();
    for (const l of this.layers) if (l.a === NONE) l.a = l.z;
    this.update.bind(this.layers.flatMap((l) => [[l.w, l.dw], [l.b, l.db]] as const));
    this.xView = arena.viewOf(this.x);
    arena.onGrow(() => { this.xView = arena.viewOf(this.x); });
  }

  /**
   * A trainer for `plan` on the wasm backend `backend`, with batches of at most `maxBatch` rows,
   * starting from `weights` (kernel, bias per layer, as tfjs' model.getWeights() orders them);
   * null when our GEMM cannot run on this backend (no wasm SIMD, or not the wasm backend).
   * `variant` picks the GEMM build (default: relaxed SIMD where the engine has it).
   */
  static create(plan: DensePlan, backend: unknown, maxBatch: number, weights: readonly Float32Array[], variant?: GemmVariant): DenseTrainer | null {
    const gemm = gemmFor(backend, variant);
    const arena = HeapArena.on(backend);
    if (gemm === null || arena === null) return null;
    const t = new DenseTrainer(plan, arena, gemm, maxBatch, backend);
    try {
      t.setWeights(weights);
    } catch (e) {
      t.dispose(); // the heap block is ours to free
      throw e;
    }
    return t;
  }

  /** Replaces the parameters (kernel, bias per layer). */
  setWeights(weights: readonly Float32Array[]): void {
    if (weights.length !== this.layers.length * 2) throw new Error(`dense step: expected ${this.layers.length * 2} weight arrays, got ${weights.length}`);
    const h = this.arena.heap();
    this.layers.forEach((l, i) => {
      for (const [slab, w] of [[l.w, weights[2 * i]!], [l.b, weights[2 * i + 1]!]] as const) {
        if (w.length !== slab.length) throw new Error(`dense step: weight ${i} has ${w.length} values, expected ${slab.length}`);
        h.set(w, slab.at);
      }
    });
  }

  /** Copies of the parameters (kernel, bias per layer). */
  weights(): Float32Array[] {
    const h = this.arena.heap();
    return this.layers.flatMap((l) => [h.slice(l.w.at, l.w.at + l.w.length), h.slice(l.b.at, l.b.at + l.b.length)]);
  }

  /** Copies of the last step's gradients (kernel, bias per layer, penalties included): for tests. */
  gradients(): Float32Array[] {
    const h = this.arena.heap();
    return this.layers.flatMap((l) => [h.slice(l.dw.at, l.dw.at + l.dw.length), h.slice(l.db.at, l.db.at + l.db.length)]);
  }

  /**
   * All parameters in one array (kernel, bias per layer), into `into` when it is given and of
   * the right length: keep-best takes one per improved epoch, and reusing the array keeps it
   * to one allocation per job.
   */
  snapshot(into?: Float32Array | null): Float32Array {
    const total = this.layers.reduce((n, l) => n + l.w.length + l.b.length, 0);
    const out = into && into.length === total ? into : new Float32Array(total);
    const h = this.arena.heap();
    let at = 0;
    for (const l of this.layers) {
      for (const s of [l.w, l.b]) {
        out.set(h.subarray(s.at, s.at + s.length), at);
        at += s.length;
      }
    }
    return out;
  }

  /** Puts back parameters a `snapshot` took (the optimizer's state stays as it is). */
  restore(from: Float32Array): void {
    const h = this.arena.heap();
    let at = 0;
    for (const l of this.layers) {
      for (const s of [l.w, l.b]) {
        h.set(from.subarray(at, at + s.length), s.at);
        at += s.length;
      }
    }
    if (at !== from.length) throw new Error(`dense step: a snapshot of ${from.length} values, expected ${at}`);
  }

  /** Copies the parameters into the model's variables (same order as getWeights): for tests. */
  writeTo(model: tf.LayersModel, tfjs: typeof tf): void {
    const vars = model.getWeights();
    const ws = this.weights();
    const ts = ws.map((w, i) => tfjs.tensor(w, vars[i]!.shape, 'float32'));
    try {
      model.setWeights(ts);
    } finally {
      tfjs.dispose(ts);
    }
  }

  /** The learning rate of the next steps. */
  setLearningRate(lr: number): void {
    this.update.setLearningRate(lr);
  }

  /**
   * One training step on the samples `idx` of `s`: forward, loss and metric, backward, update.
   * Returns [loss (with the penalties, as tfjs reports it), metric] in a reused array.
   */
  step(data: LoadedData, s: Samples, idx: ArrayLike<number>): Float64Array {
    const m = idx.length;
    if (m > this.maxBatch || m === 0) throw new Error(`dense step: batch of ${m} rows, expected 1 to ${this.maxBatch}`);
    this.gather(data, s, idx);
    this.forward(m);
    const last = this.layers[this.layers.length - 1]!;
    const h = this.arena.heap();
    const out = this.out;
    if (this.plan.loss === 'cce') crossEntropy(h, last.a.at, last.g.at, this.labels, m, last.plan.units, out);
    else meanSquared(h, last.a.at, last.g.at, this.targets, m, last.plan.units, out);
    out[0] = f(out[0]! + this.penalties(h));
    this.backward(m);
    this.update.apply();
    return out;
  }

  /**
   * Loss and metric over the samples `idx` of `s` with the current parameters, forward only, in
   * chunks, weighted by size (as batches.ts evaluateView reports model.evaluate's). `visit`, if
   * given, sees each chunk's outputs as `predict`'s does (rows from.. of idx): the test set's
   * confusion matrix and samples come from the same pass.
   */
  evaluate(data: LoadedData, s: Samples, idx: Int32Array, visit?: (h: Float32Array, at: number, m: number, from: number) => void): { loss: number; acc: number } {
    const n = idx.length;
    if (n === 0) return { loss: NaN, acc: NaN };
    let loss = 0, metric = 0;
    const last = this.layers[this.layers.length - 1]!;
    for (let from = 0; from < n; from += this.rows) {
      const chunk = idx.subarray(from, Math.min(n, from + this.rows));
      const m = chunk.length;
      this.gather(data, s, chunk);
      this.forward(m);
      const h = this.arena.heap();
      if (this.plan.loss === 'cce') crossEntropy(h, last.a.at, 0, this.labels, m, last.plan.units, this.out, false);
      else meanSquared(h, last.a.at, 0, this.targets, m, last.plan.units, this.out, false);
      loss += this.out[0]! * m;
      metric += this.out[1]! * m;
      visit?.(h, last.a.at, m, from);
    }
    return { loss: loss / n, acc: metric / n };
  }

  /**
   * The model's outputs for `n` rows of plain features (row-major in `x`), chunk by chunk:
   * `visit(heap, at, m, first)` sees m output rows at float offset `at`, for rows first.. of x.
   */
  predict(x: Float32Array, n: number, visit: (h: Float32Array, at: number, m: number, first: number) => void): void {
    const nf = this.plan.layers[0]!.inputs;
    const last = this.layers[this.layers.length - 1]!;
    for (let from = 0; from < n; from += this.rows) {
      const m = Math.min(n, from + this.rows) - from;
      this.arena.heap().set(x.subarray(from * nf, (from + m) * nf), this.x.at);
      this.forward(m);
      visit(this.arena.heap(), last.a.at, m, from);
    }
  }

  /**
   * Batch rows into x, scaled as batchOf scales them (bytes through the same float32 table),
   * labels or targets aside. Element loops, not subarray copies: those allocate a view per row.
   */
  private gather(data: LoadedData, s: Samples, idx: ArrayLike<number>): void {
    this.arena.heap();
    const x = this.xView, src = s.x, nf = data.features, m = idx.length;
    if (src instanceof Uint8Array && data.scale !== 1) {
      const table = this.scaleTable(data.scale);
      for (let r = 0; r < m; r++) {
        const from = idx[r]! * nf, to = r * nf;
        for (let k = 0; k < nf; k++) x[to + k] = table[src[from + k]!]!;
      }
    } else {
      const scale = data.scale;
      for (let r = 0; r < m; r++) {
        const from = idx[r]! * nf, to = r * nf;
        if (scale === 1) for (let k = 0; k < nf; k++) x[to + k] = src[from + k]!;
        else for (let k = 0; k < nf; k++) x[to + k] = src[from + k]! * scale;
      }
    }
    if (this.plan.loss === 'cce') {
      for (let r = 0; r < m; r++) this.labels[r] = s.y[idx[r]!]!;
    } else {
      const c = this.outUnits;
      for (let r = 0; r < m; r++) for (let j = 0; j < c; j++) this.targets[r * c + j] = s.y[idx[r]! * c + j]!;
    }
  }

  private table: Float32Array | null = null;
  private tableScale = NaN;

  /** Byte -> scaled float32, as batches.ts's table. */
  private scaleTable(scale: number): Float32Array {
    if (this.table === null || this.tableScale !== scale) {
      this.table = new Float32Array(256);
      for (let i = 0; i < 256; i++) this.table[i] = i * scale;
      this.tableScale = scale;
    }
    return this.table;
  }

  /** z = in·W + b, a = act(z), layer by layer; x stays the left operand (sparse pixels skipped). */
  private forward(m: number): void {
    let input = this.x;
    for (const l of this.layers) {
      const { inputs, units, activation } = l.plan;
      this.gemm.matmul(input.ptr, l.w.ptr, l.z.ptr, m, units, inputs, false, false);
      this.gemm.biasAct(l.z.ptr, l.b.ptr, m, units, activation === 'relu');
      if (activation !== 'relu' && activation !== 'linear') activate(this.arena.heap(), activation, l.z.at, l.a.at, m, units);
      input = l.a;
    }
  }

  /** dW = inᵀ·dZ, db = Σ rows of dZ, dIn = dZ·Wᵀ → dZ of the layer below; then the penalties' gradients. */
  private backward(m: number): void {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i]!;
      const { inputs, units } = l.plan;
      const input = i === 0 ? this.x : this.layers[i - 1]!.a;
      this.gemm.matmul(input.ptr, l.g.ptr, l.dw.ptr, inputs, units, m, true, false);
      const h = this.arena.heap();
      const sums = this.colSums;
      sums.fill(0, 0, units);
      for (let r = 0, at = l.g.at; r < m; r++, at += units) for (let j = 0; j < units; j++) sums[j] = sums[j]! + h[at + j]!;
      for (let j = 0; j < units; j++) h[l.db.at + j] = sums[j]!;
      if (l.plan.l1 !== 0 || l.plan.l2 !== 0) this.penaltyGrad(h, l);
      if (i > 0) {
        const below = this.layers[i - 1]!;
        this.gemm.matmul(l.g.ptr, l.w.ptr, below.g.ptr, m, inputs, units, false, true);
        activationGrad(this.arena.heap(), below.plan.activation, below.g.at, below.z.at, below.a.at, m, inputs);
      }
    }
  }

  /** Σ l1·|W| + l2·W² over the regularized kernels, as tfjs' L1L2 adds them to the loss. */
  private penalties(h: Float32Array): number {
    let total = 0;
    for (const l of this.layers) {
      const { l1, l2 } = l.plan;
      if (l1 === 0 && l2 === 0) continue;
      let s1 = 0, s2 = 0;
      const end = l.w.at + l.w.length;
      for (let i = l.w.at; i < end; i++) {
        const w = h[i]!;
        s1 += Math.abs(w);
        s2 += w * w;
      }
      total += (l1 !== 0 ? f(f(l1) * s1) : 0) + (l2 !== 0 ? f(f(l2) * s2) : 0);
    }
    return total;
  }

  /** dW += l1·sign(W) + 2·l2·W (tfjs' abs gradient is -1 at 0: step(x, -1)). */
  private penaltyGrad(h: Float32Array, l: LayerBufs): void {
    const l1 = f(l.plan.l1), l2 = f(l.plan.l2);
    const n = l.w.length;
    for (let i = 0; i < n; i++) {
      const w = h[l.w.at + i]!;
      let g = h[l.dw.at + i]!;
      if (l1 !== 0) g = f(g + (w > 0 ? l1 : -l1));
      if (l2 !== 0) g = f(g + f(l2 * f(2 * w)));
      h[l.dw.at + i] = g;
    }
  }

  /** Frees the heap block. */
  dispose(): void {
    this.arena.free();
  }
}
