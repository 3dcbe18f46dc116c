/**
 * What a run shows a learner beyond its metrics: the decision boundary of a 2-D model over a grid,
 * and on the test set the confusion matrix and a few predictions, wrong ones first. Predictions
 * run in batches inside tf.tidy; only plain numbers leave this module.
 */
import * as tf from '@tensorflow/tfjs';
import type { Boundary, Insights, SamplePrediction } from '../job.ts';
import { batchOf } from './batches.ts';
import type { LoadedData } from './toy-data.ts';
import type { View } from './views.ts';

/** Cells per side of the boundary grid. */
export const BOUNDARY_SIZE = 40;
/** Test predictions kept for the gallery. */
export const MAX_SAMPLES = 24;

/** Two decimals; a diverged model's NaN becomes 0 (no confidence). */
const round2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

/** Whether a dataset gets a decision boundary: two plain input features. */
export function hasBoundary(data: LoadedData): boolean {
  return data.sampleShape.length === 1 && data.sampleShape[0] === 2;
}

/**
 * The square the boundary covers: every point of the dataset with a margin, at least the
 * Playground's [-1.2, 1.2] (the toy sets are scaled to about [-1, 1]), so it does not change
 * from one epoch to the next.
 */
export function boundaryExtent(data: LoadedData): [number, number, number, number] {
  let m = 1;
  for (const s of [data.train, data.test]) {
    for (let i = 0; i < s.n * 2; i++) m = Math.max(m, Math.abs(s.x[i]!));
  }
  const r = Math.ceil(m * 1.2 * 10) / 10;
  return [-r, r, -r, r];
}

/** Cell centres, row-major from the top row (yMax) down: size*size (x, y) pairs. */
export function boundaryGrid(size: number, extent: readonly [number, number, number, number]): Float32Array {
  const [x0, x1, y0, y1] = extent;
  const g = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      g[2 * i] = x0 + ((c + 0.5) / size) * (x1 - x0);
      g[2 * i + 1] = y1 - ((r + 0.5) / size) * (y1 - y0);
    }
  }
  return g;
}

/**
 * The model's prediction at every grid cell. A regression model (one linear output) is drawn as
 * the Playground draws it: class 1 where the output is positive, class 0 where negative, and the
 * confidence grows with |output| up to 1.
 */
export async function computeBoundary(model: tf.LayersModel, data: LoadedData, size = BOUNDARY_SIZE, extent = boundaryExtent(data)): Promise<Boundary> {
  const grid = boundaryGrid(size, extent);
  const regression = data.task === 'regression';
  const [cls, conf] = tf.tidy(() => {
    // One batch: predict() would otherwise cut it into batches of 32.
    const out = model.predict(tf.tensor2d(grid, [size * size, 2]), { batchSize: size * size }) as tf.Tensor2D;
    if (regression) {
      const v = out.reshape([-1]);
      return [v.greaterEqual(0).toInt(), v.abs().minimum(1).div(2).add(0.5)];
    }
    return [out.argMax(1), out.max(1)];
  });
  try {
    const [p, c] = await Promise.all([cls.data(), conf.data()]);
    return {
      size, extent: [...extent] as [number, number, number, number], classes: regression ? 2 : data.classes,
      predicted: Array.from(p), confidence: Array.from(c, round2),
    };
  } finally {
    tf.dispose([cls, conf]);
  }
}

/** The test set's loss and metric (accuracy, or MAE for regression), as model.evaluate gives them, and the insights. */
export interface TestOutcome {
  readonly loss: number;
  readonly acc: number;
  readonly insights: Insights;
}

/**
 * One pass over the test view: the loss and metric the model was compiled with (the same tfjs
 * functions model.evaluate uses), the confusion matrix and sample predictions, and the boundary
 * for 2-D inputs. One forward pass instead of two: on MNIST's 10,000 test images it is most of
 * the cost.
 */
export async function evaluateTest(model: tf.LayersModel, data: LoadedData, test: View): Promise<TestOutcome> {
  const boundary = hasBoundary(data) ? await computeBoundary(model, data) : null;
  const classification = data.task === 'classification';
  const k = data.classes;
  const confusion = classification ? Array.from({ length: k }, () => new Array<number>(k).fill(0)) : null;
  const wrong: SamplePrediction[] = [];
  const right: SamplePrediction[] = [];
  const size = data.sampleShape.length > 1 ? 256 : 2048;
  const n = test.idx.length;
  let loss = 0;
  let metric = 0;
  for (let from = 0; from < n; from += size) {
    const idx = test.idx.subarray(from, Math.min(n, from + size));
    const { xs, ys } = batchOf(data, test.samples, idx);
    const outs = tf.tidy(() => {
      const out = model.predict(xs, { batchSize: idx.length }) as tf.Tensor2D;
      if (!classification) return [tf.metrics.meanSquaredError(ys, out).sum(), tf.metrics.meanAbsoluteError(ys, out).sum()];
      return [tf.metrics.categoricalCrossentropy(ys, out).sum(), tf.metrics.categoricalAccuracy(ys, out).sum(), out.argMax(1), out.max(1)];
    });
    try {
      const [l, m, p, c] = await Promise.all(outs.map((t) => t.data()));
      loss += l![0]!;
      metric += m![0]!;
      if (confusion) {
        for (let j = 0; j < idx.length; j++) {
          const label = test.samples.y[idx[j]!]!;
          const predicted = p![j]!;
          confusion[label]![predicted]!++;
          const into = predicted === label ? right : wrong;
          if (into.length < MAX_SAMPLES) into.push({ index: idx[j]!, label, predicted, confidence: round2(c![j]!) });
        }
      }
    } finally {
      tf.dispose([xs, ys, ...outs]);
    }
  }
  return {
    loss: n > 0 ? loss / n : NaN, acc: n > 0 ? metric / n : NaN,
    insights: { confusion, samples: [...wrong, ...right].slice(0, MAX_SAMPLES), boundary },
  };
}

/** Confusion matrix and sample predictions on the test view; the boundary for 2-D inputs. */
export async function computeInsights(model: tf.LayersModel, data: LoadedData, test: View): Promise<Insights> {
  return (await evaluateTest(model, data, test)).insights;
}

/**
 * How long a small job (fit.ts' HELD_JOB_MACS) runs (from fitJob's start) before it draws a live
 * boundary. Most such jobs end sooner, and their end brings the final boundary in the same message
 * as the first update would have gone (progress-batch.ts' first hold, 20 ms): a live one drawn
 * before then was never seen, and cost a 2 ms job ~6 % of its time (issue 7). fit.ts sends the
 * first one it draws at once.
 */
export const SMALL_JOB_LIVE_BOUNDARY_MS = 25;

/**
 * When to send a boundary during training: at most `share` of the time trained so far goes to
 * drawing it, and never more often than every `minMs`; the first epoch that ends `firstAfterMs`
 * or more after the start always gets one (0: the first epoch).
 */
export class BoundaryThrottle {
  private spent = 0;
  private last = -Infinity;
  constructor(private readonly started: number, private readonly share = 0.08, private readonly minMs = 100, private readonly firstAfterMs = 0) {}

  due(now: number): boolean {
    return now - this.started >= this.firstAfterMs && now - this.last >= this.minMs && this.spent <= this.share * (now - this.started);
  }

  /** Record one boundary that took from `t0` to `t1`. */
  took(t0: number, t1: number): void {
    this.spent += t1 - t0;
    this.last = t1;
  }
}
