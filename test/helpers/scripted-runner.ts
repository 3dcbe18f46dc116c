/**
 * A runner whose jobs finish when the test says so: it tests the scheduler's ordering, versions
 * and cancellation deterministically. Training itself is tested against real tfjs elsewhere.
 */
import type { TrainJob, TrainProgress, TrainResult } from '../../src/engine/job.ts';
import type { Runner } from '../../src/engine/scheduler/runner.ts';

export interface ScriptedCall {
  readonly job: TrainJob;
  readonly signal: AbortSignal;
  readonly progress: (p: Partial<TrainProgress>) => void;
  readonly finish: (metrics?: Partial<TrainResult>) => void;
  readonly fail: (message: string) => void;
}

export class ScriptedRunner implements Runner {
  readonly calls: ScriptedCall[] = [];
  constructor(readonly capacity = 2) {}

  run(job: TrainJob, opts: { signal: AbortSignal; onProgress: (p: TrainProgress) => void }): Promise<TrainResult> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        job,
        signal: opts.signal,
        progress: (p) => opts.onProgress({ jobId: job.id, epoch: 1, epochs: job.spec.epochs, fraction: 0.5, backend: 'cpu', ...p }),
        finish: (m = {}) => resolve({
          jobId: job.id, trainLoss: 0.1, trainAcc: 0.9, valLoss: NaN, valAcc: NaN, testLoss: 0.2, testAcc: 0.8, testMae: NaN,
          seconds: 1, samplesPerSec: 100, params: 10, backend: 'cpu', backendReason: 'scripted', epochsRun: job.spec.epochs,
          bestEpoch: job.spec.epochs, restoredBest: false, finalLr: job.spec.learningRate, history: [], diverged: null, stoppedEarly: null, ...m,
        }),
        fail: (message) => reject(new Error(message)),
      });
    });
  }

  /** The rows whose jobs were started, in start order. */
  started(): string[] {
    return this.calls.map((c) => c.job.id.split('@')[0]!);
  }

  /**
   * Finish the `n`th (modulo their count) of the calls this method has not finished yet, if any:
   * how the property tests pick which run lands next.
   */
  finishOpen(n: number, metrics?: Partial<TrainResult>): void {
    const open = this.calls.filter((c) => !this.finishedByOpen.has(c));
    const call = open[n % Math.max(1, open.length)];
    if (!call) return;
    this.finishedByOpen.add(call);
    call.finish(metrics);
  }

  private readonly finishedByOpen = new Set<ScriptedCall>();

  last(row: string): ScriptedCall {
    const c = [...this.calls].reverse().find((x) => x.job.id.startsWith(`${row}@`));
    if (!c) throw new Error(`no job for ${row}`);
    return c;
  }
}

/** Let queued promise callbacks run. */
export const settle = () => new Promise((r) => setTimeout(r, 0));
