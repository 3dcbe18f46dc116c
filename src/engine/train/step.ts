/**
 * One training step without model.fitDataset: the model's own train function (the one fitDataset
 * calls: forward with training=true, the compiled loss, regularizer penalties, the compiled metric,
 * gradients and the optimizer's update), and the epoch means fitDataset's BaseLogger would report.
 *
 * Why: fitDataset wraps each step in a tf.data iterator, a callback list, promises per callback
 * and float32 tensor arithmetic for the running means: about 80 KB of allocation per step on a
 * small job (bench/pool-loop.ts), much of it freed by V8's background threads, which is what keeps
 * two workers on two cores from scaling. The arithmetic of the step itself is unchanged, so
 * histories stay equal to fitDataset's for the same seed.
 */
import * as tf from '@tensorflow/tfjs';

/** The slice of tfjs-layers' LayersModel we call (protected in its typings, stable in 4.x). */
interface TrainableModel {
  makeTrainFunction(): (data: tf.Tensor[]) => tf.Scalar[];
}

/**
 * A step function for a compiled Sequential model: takes a batch (which it disposes) and returns
 * [loss, metric] as scalars the caller owns.
 */
export function trainStepOf(model: tf.Sequential): (xs: tf.Tensor, ys: tf.Tensor) => tf.Scalar[] {
  // Sequential compiles and trains the functional model it wraps; fitDataset calls this function.
  const inner = (model as unknown as { model: TrainableModel }).model;
  const train = inner.makeTrainFunction();
  return (xs, ys) => {
    try {
      return train([xs, ys]);
    } finally {
      tf.dispose([xs, ys]);
    }
  };
}

const f32 = Math.fround;

/**
 * Batch-size-weighted means over an epoch, rounded as tfjs-layers' BaseLogger computes them in
 * float32 tensors (total += value * size; mean = (1 / seen) * total), so the numbers equal what
 * fitDataset reported. Each float32 operation is one correctly rounded double operation followed
 * by Math.fround, which is exact for +, * and / of float32 operands.
 */
export class EpochMeans {
  private seen = 0;
  private readonly totals: number[];

  constructor(keys: number) {
    // Doubles from the start (NaN first, then 0), and means() copies them: the caller's optimized
    // code then always sees one array map. `new Array(n).fill(0)` began as small integers and
    // map() chose its result's kind by the values, so fitJob's TurboFan code (~50 ms to compile)
    // met a new map now and then, deopted and was compiled again.
    this.totals = [];
    for (let k = 0; k < keys; k++) this.totals.push(NaN);
    this.totals.fill(0);
  }

  add(values: ArrayLike<number>, size: number): void {
    this.seen += size;
    for (let k = 0; k < this.totals.length; k++) this.totals[k] = f32(this.totals[k]! + f32(values[k]! * size));
  }

  /** The means so far; NaN before the first batch. */
  means(): number[] {
    const inv = f32(1 / this.seen);
    const out = this.totals.slice();
    for (let k = 0; k < out.length; k++) out[k] = this.seen === 0 ? NaN : f32(inv * out[k]!);
    return out;
  }
}
