/**
 * The notes' callbacks as one small state machine over the monitored loss, epoch by epoch:
 * EarlyStopping(patience), ReduceLROnPlateau(factor, patience) and the best epoch for keep-best.
 */
import type { ExperimentSpec } from '../spec.ts';

export interface PlateauVerdict {
  /** This epoch's loss is the best so far. */
  readonly improved: boolean;
  /** EarlyStopping: patience ran out. */
  readonly stop: boolean;
  /** ReduceLROnPlateau: patience ran out; the counter starts again. */
  readonly reduceLr: boolean;
}

export class Plateau {
  /** 1-based epoch of the best loss seen, 0 before the first epoch. */
  bestEpoch = 0;
  private best = Infinity;
  private epoch = 0;
  private sinceBest = 0;
  private sinceLrChange = 0;

  constructor(private readonly spec: Pick<ExperimentSpec, 'earlyStop' | 'reduceLr'>) {}

  observe(loss: number): PlateauVerdict {
    this.epoch++;
    const improved = loss < this.best;
    if (improved) {
      this.best = loss;
      this.bestEpoch = this.epoch;
      this.sinceBest = 0;
      this.sinceLrChange = 0;
    } else {
      this.sinceBest++;
      this.sinceLrChange++;
    }
    const stop = this.spec.earlyStop > 0 && this.sinceBest >= this.spec.earlyStop;
    const reduceLr = this.spec.reduceLr !== null && this.sinceLrChange >= this.spec.reduceLr.patience;
    if (reduceLr) this.sinceLrChange = 0;
    return { improved, stop, reduceLr };
  }
}
