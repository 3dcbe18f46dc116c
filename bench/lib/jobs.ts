/** The workloads the benchmarks train, as sheet rows (parsed by the app's own parseRow). */
import type { TrainJob } from '../../src/engine/job.ts';
import { type ExperimentSpec, type RowCells, parseRow } from '../../src/engine/spec.ts';

/** W1: the MNIST MLP 784-512-10 with RMSprop, on a fixed 10k training subset. */
export const W1: RowCells = {
  dataset: 'mnist:10k', layers: 'dense(512, relu)', optimizer: 'rmsprop', lr: '0.001', batch_size: '128', epochs: '2', seed: '1',
};

/** A two-block CNN (W6's shape, lighter than the notes' W4) on a fixed 2k MNIST subset. */
export const CNN: RowCells = {
  dataset: 'mnist:2k', layers: 'conv2d(32, 3) maxpool(2) conv2d(64, 3) maxpool(2) flatten dropout(0.25) dense(128, relu) dropout(0.5)',
  optimizer: 'adam', lr: '0.001', batch_size: '64', epochs: '2', seed: '1',
};

/**
 * The notes' W4 as written (three convolutions at full 28x28 resolution before one max-pool: about
 * 12x the two-block CNN's multiply-adds per image), on a 1k MNIST subset for one epoch.
 */
export const W4: RowCells = {
  dataset: 'mnist:1k', layers: 'conv2d(16, 3, padding=same) conv2d(32, 4, padding=same) conv2d(64, 4, padding=valid) maxpool(2) flatten dropout(0.5) dense(50, relu) dense(20, relu)',
  optimizer: 'adam', lr: '0.001', batch_size: '64', epochs: '1', seed: '1',
};

/**
 * Epochs of a small job: 10, or SMALL_EPOCHS from the environment (bench:pool's --epochs sets it,
 * so its child processes train the same jobs). With the fused dense step (src/engine/train/dense)
 * 10 epochs take ~15 ms, where the per-job costs outside the training loop weigh most; 200 epochs
 * take about what 10 did through tfjs' step (~0.3 s).
 */
const smallEpochs = (): string => (typeof process !== 'undefined' && process.env.SMALL_EPOCHS) || '10';

/** A small job of a grid (a toy set, a few seconds at most): what pool scaling is measured on. */
export function smallJob(i: number): RowCells {
  return { dataset: 'spiral', noise: '0.1', layers: 'dense(16, relu) dense(16, relu)', optimizer: 'adam', lr: '0.01', batch_size: '16', epochs: smallEpochs(), seed: String(1 + (i % 4)), name: `small ${i}` };
}

export function specOf(cells: RowCells): ExperimentSpec {
  const r = parseRow(cells);
  if (!r.ok) throw new Error(`bench row does not parse: ${r.errors.map((e) => `${e.column}: ${e.message}`).join('; ')}`);
  return r.spec;
}

let n = 0;
export function jobOf(cells: RowCells, override: Partial<RowCells> = {}): TrainJob {
  return { id: `bench-${++n}`, spec: specOf({ ...cells, ...override } as RowCells) };
}
