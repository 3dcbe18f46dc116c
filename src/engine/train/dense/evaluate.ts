/**
 * The end of a fused dense job: the test set's loss and metric, confusion matrix, sample
 * predictions and the final decision boundary, from the trainer's own forward pass — what
 * insights.ts evaluateTest gives from tfjs' predict. Through tfjs this was about 4 of a small
 * job's ~12 ms and most of what it still allocated outside the loop (issue 7).
 *
 * The same numbers as evaluateTest: categorical cross-entropy with tfjs' clip, or MSE (loss.ts,
 * the functions the training step uses, without the penalties, as tf.metrics computes them);
 * accuracy or MAE; predicted class = first maximum of the outputs (tfjs' argMax), confidence =
 * that output rounded to 2 decimals; samples wrong first, each list in test order, at most
 * MAX_SAMPLES. test/engine/train/dense-finish.test.ts compares the two on the same weights.
 */
import type { SamplePrediction } from '../../job.ts';
import { MAX_SAMPLES, type TestOutcome, boundaryExtent, hasBoundary } from '../insights.ts';
import type { LoadedData } from '../toy-data.ts';
import type { View } from '../views.ts';
import { denseBoundary } from './boundary.ts';
import type { DenseTrainer } from './trainer.ts';

/** As insights.ts: two decimals; a diverged model's NaN becomes 0 (no confidence). */
const round2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

/**
 * The test view evaluated with the trainer's current parameters, as evaluateTest evaluates a
 * model: loss, metric (accuracy, or MAE for regression) and the insights. The boundary covers
 * `extent`: fitJob passes the one its live boundaries used (boundaryExtent(data), also
 * computeBoundary's default), so the dataset is not scanned for it again.
 */
export function denseTest(trainer: DenseTrainer, data: LoadedData, test: View, extent = hasBoundary(data) ? boundaryExtent(data) : null): TestOutcome {
  const classification = data.task === 'classification';
  const k = data.classes;
  const confusion = classification ? Array.from({ length: k }, () => new Array<number>(k).fill(0)) : null;
  const wrong: SamplePrediction[] = [];
  const right: SamplePrediction[] = [];
  const idx = test.idx;
  const y = test.samples.y;
  let hits = 0;
  const { loss, acc } = trainer.evaluate(data, test.samples, idx, !confusion ? undefined : (h, at, m, from) => {
    for (let r = 0; r < m; r++) {
      const row = at + r * k;
      // First maximum, as tfjs' argMax: a NaN row (a diverged model) predicts class 0.
      let best = 0;
      for (let j = 1; j < k; j++) if (h[row + j]! > h[row + best]!) best = j;
      const index = idx[from + r]!;
      const label = y[index]!;
      confusion[label]![best]!++;
      if (best === label) hits++;
      const into = best === label ? right : wrong;
      if (into.length < MAX_SAMPLES) into.push({ index, label, predicted: best, confidence: round2(h[row + best]!) });
    }
  });
  const boundary = extent ? denseBoundary(trainer, data, extent) : null;
  // Accuracy as evaluateTest divides it: whole hits over n (the trainer's is a float32 mean per chunk).
  return { loss, acc: confusion && idx.length > 0 ? hits / idx.length : acc, insights: { confusion, samples: [...wrong, ...right].slice(0, MAX_SAMPLES), boundary } };
}
