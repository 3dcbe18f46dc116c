/**
 * The output layer's loss, metric and gradient for the fused dense step, as tfjs-layers' compiled
 * model computes them (training.ts makeTrainFunction: the loss's batch mean, the metric's mean):
 *
 * - categorical cross-entropy on a softmax output (losses.ts): the output divided by its row sum,
 *   clipped to [ε, 1-ε] (ε = 1e-7; NaN becomes ε as in tfjs' clip; the clip's gradient is zero
 *   outside, bounds included inside),
 *   -Σ t·log(p) per row; the gradient goes back through the clip, the division and tfjs' softmax
 *   gradient, op by op, so it equals the stock chain up to float32 rounding. Metric: accuracy
 *   (argmax of the output, first maximum, against the label).
 * - mean squared error on a linear output: mean over units of (p - t)², then over rows; metric MAE.
 *
 * Labels come as class indices (the one-hot rows batchOf builds have a single 1); regression
 * targets as a row-major array.
 */

const f = Math.fround;
/** tfjs-layers' epsilon() and the clip bounds as the float32 attributes ClipByValue receives. */
const EPS = f(1e-7);
const ONE_MINUS_EPS = f(1 - 1e-7);

/**
 * Softmax outputs y (rows x cols at `y`), labels → dZ at `g` (the gradient at the softmax's
 * input; not written when `grad` is false, for evaluation), and into out[0] the mean loss,
 * out[1] the accuracy.
 */
export function crossEntropy(h: Float32Array, y: number, g: number, labels: Int32Array, rows: number, cols: number, out: Float64Array, grad = true): void {
  const invM = f(-f(1 / rows)); // the mean's gradient, through neg
  let lossSum = 0;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const yr = y + r * cols;
    const gr = g + r * cols;
    const label = labels[r]!;
    let sum = 0;
    let best = 0;
    for (let j = 0; j < cols; j++) {
      const v = h[yr + j]!;
      sum += v;
      if (v > h[yr + best]!) best = j;
    }
    if (best === label) hits++;
    const s = f(sum);
    const yl = h[yr + label]!;
    const p = f(yl / s);
    // tfjs' clip (wasm) sends NaN to the lower bound: a diverged model's loss is -log(ε), not NaN.
    const pc = p >= EPS ? (p > ONE_MINUS_EPS ? ONE_MINUS_EPS : p) : EPS;
    lossSum += -f(Math.log(pc));
    if (!grad) continue;
    // dL/dpc at the label (zero elsewhere: the one-hot target multiplies log(pc)); the clip
    // passes it only inside [ε, 1-ε]; then d(y/s)/dy and d(y/s)/ds, the latter to every y_j.
    const gp = p >= EPS && p <= ONE_MINUS_EPS ? f(invM / pc) : 0;
    const gs = -f(f(gp * yl) / f(s * s));
    const gl = f(gp / s);
    // Softmax's gradient: dz = dy·y - y·Σ(dy·y), dy = gs (+ gl at the label).
    let dot = 0;
    for (let j = 0; j < cols; j++) {
      const dy = j === label ? f(gl + gs) : gs;
      dot += f(dy * h[yr + j]!);
    }
    const sdot = f(dot);
    for (let j = 0; j < cols; j++) {
      const v = h[yr + j]!;
      const dy = j === label ? f(gl + gs) : gs;
      h[gr + j] = f(dy * v) - f(sdot * v);
    }
  }
  out[0] = f(f(lossSum) / rows);
  out[1] = f(hits / rows);
}

/**
 * Linear outputs p (rows x cols at `p`), targets → dZ at `g` (unless `grad` is false), and into
 * out[0] the mean squared error, out[1] the mean absolute error.
 */
export function meanSquared(h: Float32Array, p: number, g: number, targets: Float32Array, rows: number, cols: number, out: Float64Array, grad = true): void {
  // mean over rows, then over units: each divides the incoming gradient.
  const dy = f(f(1 / rows) / cols);
  let sq = 0;
  let abs = 0;
  for (let r = 0; r < rows; r++) {
    let rowSq = 0;
    let rowAbs = 0;
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      const d = f(h[p + i]! - targets[i]!);
      rowSq += f(d * d);
      rowAbs += Math.abs(d);
      if (grad) h[g + i] = dy * f(2 * d);
    }
    sq += f(rowSq / cols);
    abs += f(rowAbs / cols);
  }
  out[0] = f(f(sq) / rows);
  out[1] = f(f(abs) / rows);
}
