/**
 * A TrainResult as the engine holds it and as the file stores it: the file drops jobId, keeps the
 * history by series, and adds the status, when the run finished and what ran it.
 */
import type { TrainResult } from '../job.ts';
import type { SavedResult } from './types.ts';

/** Who wrote a result: stamped when a result is first saved, kept on later saves. */
export interface ResultStamp {
  /** ISO 8601, e.g. new Date().toISOString(). */
  readonly finishedAt: string | null;
  readonly app: string | null;
  readonly tfjs: string | null;
}

export function savedFromTrainResult(r: TrainResult, stamp: ResultStamp): SavedResult {
  return {
    status: r.diverged ? 'diverged' : 'done',
    trainLoss: r.trainLoss, trainAcc: r.trainAcc, valLoss: r.valLoss, valAcc: r.valAcc, testLoss: r.testLoss,
    testAcc: r.testAcc, testMae: r.testMae, seconds: r.seconds, samplesPerSec: r.samplesPerSec, params: r.params,
    backend: r.backend, backendReason: r.backendReason, epochsRun: r.epochsRun, bestEpoch: r.bestEpoch,
    restoredBest: r.restoredBest, finalLr: r.finalLr,
    diverged: r.diverged ? { epoch: r.diverged.epoch, message: r.diverged.message } : null,
    stoppedEarly: r.stoppedEarly,
    history: {
      loss: r.history.map((h) => h.loss), acc: r.history.map((h) => h.acc), valLoss: r.history.map((h) => h.valLoss),
      valAcc: r.history.map((h) => h.valAcc), lr: r.history.map((h) => h.lr),
    },
    ...(r.insights ? { insights: r.insights } : {}),
    finishedAt: stamp.finishedAt,
    provenance: { app: stamp.app, tfjs: stamp.tfjs, backend: r.backend },
  };
}

/** The engine's form; `jobId` is "saved" for every result read from a file. */
export function trainResultFromSaved(s: SavedResult): TrainResult {
  const h = s.history;
  return {
    jobId: 'saved',
    trainLoss: s.trainLoss, trainAcc: s.trainAcc, valLoss: s.valLoss, valAcc: s.valAcc, testLoss: s.testLoss,
    testAcc: s.testAcc, testMae: s.testMae, seconds: s.seconds, samplesPerSec: s.samplesPerSec, params: s.params,
    backend: s.backend, backendReason: s.backendReason, epochsRun: s.epochsRun, bestEpoch: s.bestEpoch,
    restoredBest: s.restoredBest, finalLr: s.finalLr,
    history: h.loss.map((loss, i) => ({ loss, acc: h.acc[i] ?? NaN, valLoss: h.valLoss[i] ?? NaN, valAcc: h.valAcc[i] ?? NaN, lr: h.lr[i] ?? NaN })),
    diverged: s.diverged, stoppedEarly: s.stoppedEarly,
    ...(s.insights ? { insights: s.insights } : {}),
  };
}
