/**
 * The training loop: one job on one dataset, with seeded shuffling, progress within and after
 * each epoch, cooperative cancellation, divergence detection and a test evaluation at the end.
 * Every tensor made here is disposed here, on success, failure and cancellation alike.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, EpochRecord, TrainJob, TrainProgress, TrainResult } from '../job.ts';
import { buildModel, makeOptimizer } from './model.ts';
import { deriveSeed, mulberry32, permutation } from './rng.ts';
import type { Split, TabularData } from './toy-data.ts';

export class JobCancelled extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was cancelled`);
    this.name = 'JobCancelled';
  }
}

export interface FitHooks {
  /** Called within epochs (throttled) and at every epoch end. */
  readonly onProgress: (p: TrainProgress) => void;
  /** Polled between batches; true stops the run and rejects with JobCancelled. */
  readonly cancelled: () => boolean;
  /** Lets queued messages (a cancel) in; between batches, at most every `yieldMs`. */
  readonly yieldToEvents: () => Promise<void>;
  readonly backend: BackendName;
  readonly backendReason: string;
}

const PROGRESS_MS = 200;
const YIELD_MS = 50;

export async function fitJob(job: TrainJob, data: TabularData, hooks: FitHooks): Promise<TrainResult> {
  const { spec } = job;
  const started = now();
  const inputShape = [data.features];
  const model = buildModel(spec, inputShape, data.classes);
  const optimizer = makeOptimizer(spec.optimizer, spec.learningRate);
  const [xTrain, yTrain] = toTensors(data.train, data.features, data.classes);
  const [xTest, yTest] = toTensors(data.test, data.features, data.classes);
  const shuffle = mulberry32(deriveSeed(spec.seed, 'shuffle'));
  const history: EpochRecord[] = [];
  const chance = Math.log(data.classes);
  let diverged: TrainResult['diverged'] = null;
  let cancelled = false;
  const batches = Math.ceil(data.train.n / spec.batchSize);
  try {
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    let lastProgress = 0;
    let lastYield = now();
    for (let epoch = 1; epoch <= spec.epochs && !diverged; epoch++) {
      const order = tf.tensor1d(permutation(data.train.n, shuffle), 'int32');
      const xs = tf.gather(xTrain, order);
      const ys = tf.gather(yTrain, order);
      order.dispose();
      let h: tf.History;
      try {
        h = await model.fit(xs, ys, {
          batchSize: spec.batchSize, epochs: 1, shuffle: false, verbose: 0, yieldEvery: 'never',
          callbacks: {
            onBatchEnd: async (batch, logs) => {
              const loss = logs?.loss;
              if (loss !== undefined && !Number.isFinite(loss)) {
                diverged = { epoch, message: `the loss became ${loss} — the learning rate (${spec.learningRate}) is probably too high` };
                model.stopTraining = true;
              }
              const t = now();
              if (t - lastYield > YIELD_MS) {
                await hooks.yieldToEvents();
                lastYield = now();
              }
              if (hooks.cancelled()) {
                cancelled = true;
                model.stopTraining = true;
              }
              if (t - lastProgress > PROGRESS_MS) {
                lastProgress = t;
                hooks.onProgress({
                  jobId: job.id, epoch, epochs: spec.epochs, fraction: (epoch - 1 + (batch + 1) / batches) / spec.epochs, backend: hooks.backend,
                });
              }
            },
          },
        });
      } finally {
        xs.dispose();
        ys.dispose();
      }
      if (cancelled) throw new JobCancelled(job.id);
      const loss = lastOf(h.history.loss);
      const acc = lastOf(h.history.acc ?? h.history.accuracy);
      history.push({ loss, acc });
      if (!diverged && !Number.isFinite(loss)) {
        diverged = { epoch, message: `the loss became ${loss} — the learning rate (${spec.learningRate}) is probably too high` };
      }
      // A loss far above chance that is not falling: the steps overshoot.
      const first = history[0]!.loss;
      if (!diverged && epoch >= 3 && loss > 3 * chance && loss >= first) {
        diverged = {
          epoch,
          message: `the loss (${loss.toFixed(2)}) stayed far above chance (${chance.toFixed(2)}) — the learning rate (${spec.learningRate}) is probably too high`,
        };
      }
      hooks.onProgress({ jobId: job.id, epoch, epochs: spec.epochs, fraction: epoch / spec.epochs, loss, acc, backend: hooks.backend });
    }
    // Worse than guessing at the end: the steps overshoot rather than crawl.
    const end = history[history.length - 1];
    if (!diverged && end && history.length >= 5 && end.loss > 1.05 * chance) {
      diverged = {
        epoch: history.length,
        message: `the loss (${end.loss.toFixed(2)}) ended above chance level (${chance.toFixed(2)}) — the learning rate (${spec.learningRate}) is probably too high`,
      };
    }
    const [testLoss, testAcc] = await evaluate(model, xTest, yTest);
    const last = history[history.length - 1] ?? { loss: NaN, acc: NaN };
    return {
      jobId: job.id, trainLoss: last.loss, trainAcc: last.acc, testLoss, testAcc,
      seconds: (now() - started) / 1000, backend: hooks.backend, backendReason: hooks.backendReason,
      epochsRun: history.length, history, diverged,
    };
  } finally {
    model.dispose();
    disposeOptimizer(optimizer);
    tf.dispose([xTrain, yTrain, xTest, yTest]);
  }
}

/**
 * optimizer.dispose() misses some of an optimizer's own tensors in tfjs 4.22 (momentum keeps
 * its learning-rate scalar): release every tensor field it still holds.
 */
function disposeOptimizer(o: tf.Optimizer): void {
  o.dispose();
  for (const v of Object.values(o)) {
    if (v instanceof tf.Tensor && !v.isDisposed) v.dispose();
  }
}

function toTensors(s: Split, features: number, classes: number): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => {
    const x = tf.tensor2d(s.x, [s.n, features]);
    const y = tf.oneHot(tf.tensor1d(s.y, 'int32'), classes).toFloat() as tf.Tensor2D;
    return [x, y];
  });
}

async function evaluate(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<[number, number]> {
  const out = model.evaluate(x, y, { batchSize: 1024 }) as tf.Scalar[];
  try {
    const [loss, acc] = await Promise.all(out.map((t) => t.data()));
    return [loss![0]!, acc![0]!];
  } finally {
    tf.dispose(out);
  }
}

function lastOf(v: (number | tf.Tensor)[] | undefined): number {
  const x = v?.[v.length - 1];
  return typeof x === 'number' ? x : NaN;
}

function now(): number {
  return performance.now();
}
