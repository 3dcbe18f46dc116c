import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EpochRecord, TrainProgress } from '../../src/engine/job.ts';
import { progressBatcher } from '../../src/workers/progress-batch.ts';

const record = (loss: number): EpochRecord => ({ loss, acc: 0.5, valLoss: NaN, valAcc: NaN, lr: 0.01 });
const end = (epoch: number): TrainProgress => ({ jobId: 'j', epoch, epochs: 10, fraction: epoch / 10, loss: 1 / epoch, acc: 0.5, record: record(1 / epoch), backend: 'wasm' });
const within = (epoch: number, fraction: number): TrainProgress => ({ jobId: 'j', epoch, epochs: 10, fraction, backend: 'wasm' });

describe('progressBatcher', () => {
  let clock = 0;
  let sent: TrainProgress[][] = [];
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1000;
    sent = [];
  });
  afterEach(() => { vi.useRealTimers(); });
  // No hold of the first update unless a test asks for one (their first updates come at 0 ms).
  const batcher = (holdMs = 0) => progressBatcher((b) => sent.push(b), 100, () => clock, holdMs);

  it('sends the first update at once, then at most one batch per 100 ms, every record in order', () => {
    const b = batcher();
    b.push(end(1));
    expect(sent).toEqual([[end(1)]]);
    clock += 30;
    b.push(end(2));
    clock += 30;
    b.push(end(3));
    expect(sent).toHaveLength(1);
    clock += 40;
    vi.advanceTimersByTime(70); // the timer set at +30 for the 70 ms left
    expect(sent).toEqual([[end(1)], [end(2), end(3)]]);
    clock += 150;
    b.push(end(4)); // 150 ms after the last batch: at once
    expect(sent.at(-1)).toEqual([end(4)]);
  });

  it('holds the first update while the job may end within the hold: it then rides with the end', () => {
    const b = batcher(20);
    clock += 1;
    b.push(within(1, 0.01));
    clock += 1;
    b.push(end(1)); // 0.09 in 1 ms: done in about 10 ms, before the hold is over
    expect(sent).toEqual([]);
    clock += 8;
    b.push(end(9));
    expect(b.drain()).toEqual([end(1), end(9)]); // the fraction-only update superseded, as in any batch
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([]);
  });

  it('sends the held first update once a later one shows the job runs past the hold, or when the hold is over', () => {
    const longer = batcher(20);
    clock += 1;
    longer.push(within(1, 0.001));
    clock += 1;
    longer.push(within(1, 0.002)); // 0.001 per ms: 998 ms to go
    expect(sent).toEqual([[within(1, 0.002)]]);
    sent = [];
    const quiet = batcher(20);
    quiet.push(within(1, 0.001)); // and nothing more for a while
    clock += 20;
    vi.advanceTimersByTime(20);
    expect(sent).toEqual([[within(1, 0.001)]]);
    quiet.push(end(1));
    expect(sent).toHaveLength(1); // then batches as before, 100 ms apart
  });

  it('drops only a fraction-only update that a later one in the same batch supersedes', () => {
    const b = batcher();
    b.push(within(1, 0.05));
    clock += 10;
    b.push(within(1, 0.07));
    b.push(within(1, 0.09));
    b.push(end(1));
    b.push(within(2, 0.12));
    const withBoundary: TrainProgress = { ...within(2, 0.15), boundary: { size: 1, extent: [-1, 1, -1, 1], classes: 2, predicted: [1], confidence: [0.9] } };
    b.push(withBoundary);
    b.push(within(2, 0.17));
    b.flush();
    expect(sent).toEqual([[within(1, 0.05)], [end(1), withBoundary, within(2, 0.17)]]);
  });

  it('flush sends what is queued and stops the timer; with nothing queued it sends nothing', () => {
    const b = batcher();
    b.push(end(1));
    clock += 10;
    b.push(end(2));
    b.flush();
    b.flush();
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([[end(1)], [end(2)]]);
  });

  it('drain hands back what is queued without sending it, and stops the timer', () => {
    const b = batcher();
    b.push(end(1));
    clock += 10;
    b.push(end(2));
    b.push(end(3));
    expect(b.drain()).toEqual([end(2), end(3)]);
    expect(b.drain()).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([[end(1)]]);
  });
});
