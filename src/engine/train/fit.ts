/**
 * The training loop: one job on one dataset. Batches are cut from the resident typed arrays in a
 * seeded order (no Math.random, no epoch-sized tensor copies); progress goes out within and after
 * each epoch; the notes' callbacks (EarlyStopping, ReduceLROnPlateau, ModelCheckpoint's keep-best)
 * run on the validation loss; cancellation is cooperative; divergence is detected and named.
 * Every tensor made here is disposed here, on success, failure and cancellation alike.
 * Dense-only models on wasm train on the fused step (dense/trainer.ts) and touch tfjs only for
 * their seeded initial weights (dense/start.ts): no tfjs model, op or tensor per batch, for
 * validation, the boundary, keep-best or the test (dense/evaluate.ts). Every other job trains a
 * compiled tfjs model on tfjs-layers' own step (step.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, Boundary, EpochRecord, TrainJob, TrainProgress, TrainResult } from '../job.ts';
import { batchOf, evaluateView } from './batches.ts';
import { BoundaryThrottle, SMALL_JOB_LIVE_BOUNDARY_MS, boundaryExtent, computeBoundary, evaluateTest, hasBoundary } from './insights.ts';
import { buildModel, makeOptimizer, setLearningRate } from './model.ts';
import { aboveSince, farAboveChance } from './divergence.ts';
import { Plateau } from './plateau.ts';
import { EpochMeans, trainStepOf } from './step.ts';
import { deriveSeed, mulberry32, permutation } from './rng.ts';
import type { LoadedData } from './toy-data.ts';
import { runViews } from './views.ts';
import { startDense } from './dense/start.ts';
import type { DenseTrainer } from './dense/trainer.ts';
import { denseBoundary } from './dense/boundary.ts';
import { denseTest } from './dense/evaluate.ts';
import type { GemmVariant } from './kernels/gemm.ts';

/**
 * Multiply-adds of a job's training (samples x epochs x parameters) above which its first update
 * is sent at once instead of held: the hold pays off for jobs of a few ms, and a longer job's
 * first update would wait for its first yield or epoch end (tens of ms for a 1-epoch MNIST row).
 */
const HELD_JOB_MACS = 2e7;

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
  /** Lets queued messages (a cancel) in; called between batches every few tens of ms. */
  readonly yieldToEvents: () => Promise<void>;
  /**
   * Sends progress the worker holds back (progress-batch's first-update hold, which bets that the
   * job ends first): called after the first update of a job too long for that bet (HELD_JOB_MACS).
   * Held, a 1-epoch MNIST row's first update waited for its epoch end: edit to first update 41 -> 108 ms.
   */
  readonly flushProgress?: () => void;
  readonly backend: BackendName;
  readonly backendReason: string;
}

/** How fitJob trains; for tests and benchmarks (the workers take the defaults). */
export interface FitOptions {
  /**
   * 'auto' (default): the fused dense step (dense/trainer.ts) where denseEligibility allows it,
   * else tfjs' step; 'stock': tfjs' step always (tests that compare with fitDataset pin it).
   */
  readonly step?: 'auto' | 'stock';
  /** Told which step trains this job, and why the fused one does not when it does not. */
  readonly onStep?: (path: 'fused' | 'stock', reason: string) => void;
  /** The fused step's GEMM build (default: the engine's, as kernels/gemm.ts picks it). */
  readonly gemm?: GemmVariant;
}

const PROGRESS_MS = 200;
const YIELD_MS = 50;

/**
 * Trains one job on its loaded dataset and returns its result: history, test metrics, insights.
 * Rejects with JobCancelled when `hooks.cancelled()` turns true; leaves no tensor behind.
 */
export async function fitJob(job: TrainJob, data: LoadedData, hooks: FitHooks, options: FitOptions = {}): Promise<TrainResult> {
  const { spec } = job;
  const started = performance.now();
  const views = runViews(data, spec);
  const classification = data.task === 'classification';
  const shuffle = mulberry32(deriveSeed(spec.seed, 'shuffle'));
  const history: EpochRecord[] = [];
  const losses: number[] = [];
  const chance = classification ? Math.log(data.classes) : Infinity;
  const trainN = views.train.idx.length;
  const batches = Math.ceil(trainN / spec.batchSize);
  const plateau = new Plateau(spec);
  // The live boundary shares one extent with the final one, so the picture does not jump.
  const extent = hasBoundary(data) ? boundaryExtent(data) : null;
  // Keep-best: tfjs' step keeps copies of the model's weights, the fused step one array of its own.
  let best: tf.Tensor[] | null = null;
  let bestParams: Float32Array | null = null;
  let diverged: TrainResult['diverged'] = null;
  let stoppedEarly: string | null = null;
  let cancelled = false;
  let lr = spec.learningRate;
  let epoch = 0;
  let lastProgress = 0;
  let lastYield = performance.now();
  // Exactly one of the two trains: the fused step, or a compiled tfjs model on tfjs' step.
  let fused: DenseTrainer | null = null;
  let stock: StockModel | null = null;
  try {
    const dense = options.step === 'stock' ? { ok: false as const, reason: 'the stock step was asked for' } : startDense(tf, spec, data, hooks.backend, options.gemm);
    if (dense.ok) fused = dense.trainer;
    else stock = stockModel(spec, data, hooks.backend);
    options.onStep?.(dense.ok ? 'fused' : 'stock', dense.ok ? 'dense layers on wasm' : dense.reason);
    const small = views.train.idx.length * spec.epochs * (dense.ok ? dense.params : Infinity) <= HELD_JOB_MACS;
    // A small job's first update may be held (progress-batch.ts); a larger one's goes at once. A
    // small job's first live boundary goes at once too: it is drawn only once the job has outlived
    // that hold, and waiting for the next batch (PROGRESS_BATCH_MS) would show it ~100 ms late, or
    // never for a job ending before then (review-22 F1).
    let firstSent = small;
    let boundarySent = !small;
    const throttle = new BoundaryThrottle(started, undefined, undefined, small ? SMALL_JOB_LIVE_BOUNDARY_MS : 0);
    const progress = (p: TrainProgress) => {
      hooks.onProgress(p);
      const flush = !firstSent || (p.boundary !== undefined && !boundarySent);
      firstSent = true;
      if (p.boundary) boundarySent = true;
      if (flush) hooks.flushProgress?.();
    };
    let stop = false;
    const idxBuf = new Int32Array(spec.batchSize);
    let orderBuf: Int32Array | undefined;
    while (epoch < spec.epochs && !stop) {
      // A fresh seeded order each epoch, as the generator fitDataset pulled from, in one buffer per job.
      const order = permutation(trainN, shuffle, orderBuf);
      orderBuf = order;
      const means = new EpochMeans(2);
      for (let b = 0; b < batches && !stop; b++) {
        const from = b * spec.batchSize;
        // The buffer itself for a full batch: a subarray per step is one more object to sweep.
        const size = Math.min(trainN, from + spec.batchSize) - from;
        const idx = size === spec.batchSize ? idxBuf : idxBuf.subarray(0, size);
        for (let i = 0; i < idx.length; i++) idx[i] = views.train.idx[order[from + i]!]!;
        let values: ArrayLike<number>;
        if (fused) {
          values = fused.step(data, views.train.samples, idx);
        } else {
          const { xs, ys } = batchOf(data, views.train.samples, idx);
          const outs = stock!.step(xs, ys);
          try {
            values = await stock!.read(outs);
          } finally {
            tf.dispose(outs);
          }
        }
        means.add(values, idx.length);
        const loss = values[0]!;
        if (!Number.isFinite(loss)) {
          diverged = { epoch: epoch + 1, message: `the loss became ${loss} — the learning rate (${spec.learningRate}) is probably too high` };
          stop = true;
        }
        const t = performance.now();
        if (t - lastYield > YIELD_MS) {
          await hooks.yieldToEvents();
          lastYield = performance.now();
        }
        if (hooks.cancelled()) {
          cancelled = true;
          stop = true;
        }
        if (t - lastProgress > PROGRESS_MS) {
          lastProgress = t;
          progress({ jobId: job.id, epoch: epoch + 1, epochs: spec.epochs, fraction: (epoch + (b + 1) / batches) / spec.epochs, backend: hooks.backend });
        }
      }
      if (cancelled || diverged) break;
      epoch++;
      const [loss = NaN, metric = NaN] = means.means();
      const acc = classification ? metric : NaN;
      const val = !views.val ? null : fused ? fused.evaluate(data, views.val.samples, views.val.idx) : await evaluateView(stock!.model, data, views.val);
      const record: EpochRecord = { loss, acc, valLoss: val?.loss ?? NaN, valAcc: classification ? (val?.acc ?? NaN) : NaN, lr };
      history.push(record);
      losses.push(loss);
      const farAbove = farAboveChance(losses, chance);
      if (!Number.isFinite(loss)) {
        diverged = { epoch, message: `the loss became ${loss} — the learning rate (${spec.learningRate}) is probably too high` };
      } else if (farAbove !== null) {
        diverged = { epoch: farAbove, message: `the loss (${loss.toFixed(2)}) stayed far above chance (${chance.toFixed(2)}) — the learning rate (${spec.learningRate}) is probably too high` };
      }
      const verdict = plateau.observe(views.val ? record.valLoss : loss);
      if (verdict.improved && spec.keepBest) {
        if (fused) {
          bestParams = fused.snapshot(bestParams);
        } else {
          tf.dispose(best ?? []);
          best = stock!.model.getWeights().map((w) => w.clone());
        }
      }
      if (verdict.reduceLr) {
        lr = Math.max(lr * spec.reduceLr!.factor, 1e-7);
        if (fused) fused.setLearningRate(lr);
        else setLearningRate(stock!.optimizer, lr);
      }
      if (verdict.stop) {
        stoppedEarly = `early stopping: no better ${views.val ? 'validation' : 'training'} loss for ${spec.earlyStop} epoch${spec.earlyStop === 1 ? '' : 's'}`;
      }
      if (diverged || verdict.stop) stop = true;
      let boundary: Boundary | undefined;
      const t0 = performance.now();
      // The last epoch's would be replaced at once by the final boundary, in the same message.
      if (extent && !stop && epoch < spec.epochs && throttle.due(t0)) {
        boundary = fused ? denseBoundary(fused, data, extent) : await computeBoundary(stock!.model, data, undefined, extent);
        throttle.took(t0, performance.now());
      }
      progress({ jobId: job.id, epoch, epochs: spec.epochs, fraction: epoch / spec.epochs, loss, acc, record, ...(boundary ? { boundary } : {}), backend: hooks.backend });
    }
    if (cancelled) throw new JobCancelled(job.id);
    const trainSeconds = (performance.now() - started) / 1000;
    // Worse than guessing at the end, and not at its lowest: the steps overshoot and bounce. (A
    // rate too small also ends above chance after a bad start, but its loss is still falling.)
    const end = history[history.length - 1];
    const lowest = Math.min(...history.map((h) => h.loss));
    if (!diverged && end && history.length >= 5 && end.loss > 1.05 * chance && end.loss > 1.02 * lowest) {
      diverged = { epoch: aboveSince(losses, 1.05 * chance), message: `the loss (${end.loss.toFixed(2)}) ended above chance level (${chance.toFixed(2)}) — the learning rate (${spec.learningRate}) is probably too high` };
    }
    const restoredBest = (best !== null || bestParams !== null) && plateau.bestEpoch !== history.length;
    if (restoredBest) {
      if (fused) fused.restore(bestParams!);
      else stock!.model.setWeights(best!);
    }
    const { insights, ...test } = fused ? denseTest(fused, data, views.test, extent) : await evaluateTest(stock!.model, data, views.test);
    const last = history[history.length - 1];
    const restored = restoredBest ? history[plateau.bestEpoch - 1] : last;
    return {
      jobId: job.id,
      trainLoss: last?.loss ?? NaN, trainAcc: last?.acc ?? NaN,
      valLoss: restored?.valLoss ?? NaN, valAcc: restored?.valAcc ?? NaN,
      testLoss: test.loss, testAcc: classification ? test.acc : NaN, testMae: classification ? NaN : test.acc,
      seconds: (performance.now() - started) / 1000,
      samplesPerSec: trainSeconds > 0 ? (trainN * history.length) / trainSeconds : 0,
      params: dense.ok ? dense.params : stock!.model.countParams(),
      backend: hooks.backend, backendReason: hooks.backendReason,
      epochsRun: history.length, bestEpoch: plateau.bestEpoch, restoredBest, finalLr: lr,
      history, diverged, stoppedEarly, insights,
    };
  } finally {
    fused?.dispose();
    tf.dispose(best ?? []);
    if (stock) {
      stock.model.dispose();
      disposeOptimizer(stock.optimizer);
    }
  }
}

/** What tfjs' step trains: the compiled model, its optimizer, the step and its loss read-back. */
interface StockModel {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly step: ReturnType<typeof trainStepOf>;
  readonly read: (ts: tf.Scalar[]) => number[] | Promise<number[]>;
}

/** The row's model built, seeded and compiled for tfjs' step; nothing is left allocated if compiling throws. */
function stockModel(spec: TrainJob['spec'], data: LoadedData, backend: BackendName): StockModel {
  const classification = data.task === 'classification';
  const model = buildModel(spec, data.sampleShape, data.classes, data.task);
  const optimizer = makeOptimizer(spec.optimizer, spec.learningRate);
  try {
    model.compile({ optimizer, loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError', metrics: [classification ? 'accuracy' : 'mae'] });
    // Read-backs: a synchronous read on wasm and cpu is cheaper than a promise per batch; WebGL
    // would stall its pipeline on it, so it keeps the asynchronous one (as fitDataset did).
    const scalar = backend === 'wasm' ? wasmScalarReader() : null;
    const read = backend === 'webgl'
      ? (ts: tf.Scalar[]) => Promise.all(ts.map((t) => t.data())).then((v) => v.map((a) => a[0]!))
      : scalar ? (ts: tf.Scalar[]) => ts.map(scalar) : (ts: tf.Scalar[]) => ts.map((t) => t.dataSync()[0]!);
    return { model, optimizer, step: trainStepOf(model), read };
  } catch (e) {
    model.dispose();
    disposeOptimizer(optimizer);
    throw e;
  }
}

/** The slice of tfjs-backend-wasm we read: every tensor's data sits in the module's heap. */
interface WasmHeapBackend {
  readonly wasm?: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap?: { get(id: object): { readonly memoryOffset: number | null } | undefined };
}

/**
 * Reads a float32 scalar in place on the wasm heap. dataSync copies it into a fresh ArrayBuffer:
 * two per step, each one more young object for V8's background threads to sweep (issue 7). The
 * view is made again when the heap grows (growing replaces the heap's buffer).
 */
function wasmScalarReader(): ((t: tf.Scalar) => number) | null {
  const b = tf.backend() as unknown as WasmHeapBackend;
  const wasm = b.wasm, ids = b.dataIdMap;
  if (!wasm || !ids) return null;
  let view = new Float32Array(wasm.HEAPU8.buffer);
  return (t) => {
    const at = t.dtype === 'float32' ? ids.get(t.dataId)?.memoryOffset : null;
    if (at === null || at === undefined) return t.dataSync()[0]!;
    if (view.buffer !== wasm.HEAPU8.buffer) view = new Float32Array(wasm.HEAPU8.buffer);
    return view[at >> 2]!;
  };
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
