/**
 * The one table of columns. Each column is described once — key, type, default, allowed values
 * or range, a one-line explanation — and that description drives parsing, validation, the grid's
 * editors and the help text.
 */
import { DATASET_EXPECTED, DATASET_SUGGESTIONS } from './datasets.ts';
import { LAYERS_EXPECTED } from './grammar/layers.ts';
import type { TrainResult } from './job.ts';

export const OPTIMIZERS = ['sgd', 'momentum', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamax'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

interface ColumnBase {
  readonly key: string;
  readonly label: string;
  /** One line: what the setting does and what to try. */
  readonly help: string;
  /** Suggested grid width in pixels. */
  readonly width: number;
}

/** An input the person types. `spec: false` columns (name, notes) never change what trains. */
export type InputColumn = ColumnBase & { readonly role: 'input'; readonly spec: boolean; readonly default: string } & (
  | { readonly type: 'text' }
  | { readonly type: 'enum'; readonly options: readonly string[] }
  | { readonly type: 'number'; readonly min: number; readonly max: number; readonly integer: boolean; readonly minExclusive?: boolean }
  | { readonly type: 'layers' }
  /** A dataset name with an optional subset size; `options` are suggestions for the editor. */
  | { readonly type: 'dataset'; readonly options: readonly string[] }
  /** ReduceLROnPlateau as `factor, patience`, or empty/off. */
  | { readonly type: 'reduce_lr' }
);

export type ResultFormat = 'status' | 'loss' | 'accuracy' | 'seconds' | 'count' | 'number' | 'text';

/** A cell filled by training; never typed. */
export interface ResultColumn extends ColumnBase {
  readonly role: 'result';
  readonly format: ResultFormat;
  /** The field of a finished run this column shows (the status column has none). */
  readonly value?: (r: TrainResult) => number | string;
}

export type Column = InputColumn | ResultColumn;

export const INPUT_COLUMNS: readonly InputColumn[] = [
  { key: 'name', label: 'name', role: 'input', spec: false, type: 'text', default: '', width: 130,
    help: 'A label for the run; changing it never retrains.' },
  { key: 'dataset', label: 'dataset', role: 'input', spec: true, type: 'dataset', options: DATASET_SUGGESTIONS, default: 'circle', width: 110,
    help: 'The data to learn: toy 2-D sets (xor, circle, spiral, gaussian), regression (plane, gauss-mix), iris, mnist, fashion-mnist. mnist:5k trains on a seeded 5,000-image subset; the test set is always the full held-out set.' },
  { key: 'noise', label: 'noise', role: 'input', spec: true, type: 'number', min: 0, max: 0.5, integer: false, default: '0.1', width: 60,
    help: 'How much the toy points scatter (0 to 0.5). More noise, fuzzier boundary, lower ceiling on accuracy.' },
  { key: 'layers', label: 'layers', role: 'input', spec: true, type: 'layers', default: 'dense(8, relu) dense(8, relu)', width: 210,
    help: 'Hidden layers, e.g. dense(8, relu) dense(8, relu). Empty means none: a single-layer perceptron. The output layer is implied by the dataset.' },
  { key: 'optimizer', label: 'optimizer', role: 'input', spec: true, type: 'enum', options: OPTIMIZERS, default: 'adam', width: 85,
    help: 'How weights move along the gradient. adam is a safe start; sgd needs a larger learning rate.' },
  { key: 'lr', label: 'lr', role: 'input', spec: true, type: 'number', min: 0, minExclusive: true, max: 10, integer: false, default: '0.03', width: 60,
    help: 'Learning rate: the step size. Too high diverges, too low crawls. Try 0.003, 0.03, 0.3.' },
  { key: 'batch_size', label: 'batch', role: 'input', spec: true, type: 'number', min: 1, max: 4096, integer: true, default: '32', width: 55,
    help: 'Samples per gradient step. Small batches are noisy but take more steps per epoch.' },
  { key: 'epochs', label: 'epochs', role: 'input', spec: true, type: 'number', min: 1, max: 500, integer: true, default: '30', width: 60,
    help: 'Passes over the training set (at most 500).' },
  { key: 'seed', label: 'seed', role: 'input', spec: true, type: 'number', min: 0, max: 2 ** 31 - 1, integer: true, default: '1', width: 50,
    help: 'Drives the data, the initial weights and the shuffling: the same seed gives the same run.' },
  { key: 'val_split', label: 'val split', role: 'input', spec: true, type: 'number', min: 0, max: 0.5, integer: false, default: '0', width: 60,
    help: 'Fraction of the training set held out for validation (stratified, seeded). Needed to see overfitting and for the callbacks; the test set is always held out.' },
  { key: 'early_stop', label: 'early stop', role: 'input', spec: true, type: 'number', min: 0, max: 100, integer: true, default: '0', width: 65,
    help: 'EarlyStopping patience: stop after this many epochs without a better validation loss. 0 is off.' },
  { key: 'reduce_lr', label: 'reduce lr', role: 'input', spec: true, type: 'reduce_lr', default: 'off', width: 70,
    help: 'ReduceLROnPlateau as "factor, patience", e.g. 0.1, 2: multiply the learning rate by factor after patience epochs without a better validation loss.' },
  { key: 'keep_best', label: 'keep best', role: 'input', spec: true, type: 'enum', options: ['no', 'yes'], default: 'no', width: 60,
    help: 'ModelCheckpoint: restore the weights of the epoch with the best validation loss before testing.' },
  { key: 'notes', label: 'notes', role: 'input', spec: false, type: 'text', default: '', width: 140,
    help: 'Free text; changing it never retrains.' },
];

export const RESULT_COLUMNS: readonly ResultColumn[] = [
  { key: 'status', label: 'status', role: 'result', format: 'status', width: 150,
    help: 'queued, running (with progress), done, diverged (with the epoch and likely cause), failed (with the reason), or invalid input.' },
  { key: 'train_loss', label: 'train loss', role: 'result', format: 'loss', value: (r) => r.trainLoss, width: 72,
    help: 'Loss on the training set over the last epoch (cross-entropy, or MSE for regression).' },
  { key: 'train_acc', label: 'train acc', role: 'result', format: 'accuracy', value: (r) => r.trainAcc, width: 65,
    help: 'Accuracy on the training set over the last epoch.' },
  { key: 'val_loss', label: 'val loss', role: 'result', format: 'loss', value: (r) => r.valLoss, width: 65,
    help: 'Loss on the validation split after the last epoch: rising while train loss falls means overfitting.' },
  { key: 'val_acc', label: 'val acc', role: 'result', format: 'accuracy', value: (r) => r.valAcc, width: 60,
    help: 'Accuracy on the validation split after the last epoch.' },
  { key: 'test_loss', label: 'test loss', role: 'result', format: 'loss', value: (r) => r.testLoss, width: 65,
    help: 'Loss on the held-out test set.' },
  { key: 'test_acc', label: 'test acc', role: 'result', format: 'accuracy', value: (r) => r.testAcc, width: 65,
    help: 'Accuracy on the held-out test set: the number to sort by.' },
  { key: 'test_mae', label: 'test MAE', role: 'result', format: 'loss', value: (r) => r.testMae, width: 65,
    help: 'Regression only: mean absolute error on the test set.' },
  { key: 'epochs_run', label: 'epochs run', role: 'result', format: 'count', value: (r) => r.epochsRun, width: 60,
    help: 'Epochs actually trained (early stopping may end a run sooner).' },
  { key: 'best_epoch', label: 'best epoch', role: 'result', format: 'count', value: (r) => r.bestEpoch, width: 60,
    help: 'The epoch with the lowest validation loss (training loss without a validation split).' },
  { key: 'final_lr', label: 'final lr', role: 'result', format: 'number', value: (r) => r.finalLr, width: 60,
    help: 'The learning rate at the end, after any reduce-on-plateau steps.' },
  { key: 'params', label: 'params', role: 'result', format: 'count', value: (r) => r.params, width: 65,
    help: 'Trainable and non-trainable parameters of the model (known before training).' },
  { key: 'samples_per_s', label: 'samples/s', role: 'result', format: 'count', value: (r) => r.samplesPerSec, width: 70,
    help: 'Training throughput: samples per second over all epochs.' },
  { key: 'time', label: 'time', role: 'result', format: 'seconds', value: (r) => r.seconds, width: 55,
    help: 'Wall-clock training time in seconds.' },
  { key: 'backend', label: 'backend', role: 'result', format: 'text', value: (r) => r.backend, width: 65,
    help: 'The tfjs backend the worker chose: webgl, wasm or cpu.' },
];

export const COLUMNS: readonly Column[] = [...INPUT_COLUMNS, ...RESULT_COLUMNS];

const byKey = new Map<string, Column>(COLUMNS.map((c) => [c.key, c]));

export function column(key: string): Column | undefined {
  return byKey.get(key);
}

/** The value a result column shows for a finished run, or undefined for a column without one. */
export function resultValue(key: string, r: TrainResult): number | string | undefined {
  const c = byKey.get(key);
  return c?.role === 'result' && c.value ? c.value(r) : undefined;
}

export function inputColumn(key: string): InputColumn | undefined {
  const c = byKey.get(key);
  return c?.role === 'input' ? c : undefined;
}

/** What a column accepts, in words, for error messages and help. */
export function expectedText(c: InputColumn): string {
  switch (c.type) {
    case 'text': return 'any text';
    case 'enum': return `one of ${c.options.join(', ')}`;
    case 'layers': return LAYERS_EXPECTED;
    case 'dataset': return DATASET_EXPECTED;
    case 'reduce_lr': return 'off, or "factor, patience" with a factor from 0.01 to 0.99 and a patience from 1 to 100, e.g. 0.1, 2';
    case 'number': {
      const what = c.integer ? 'a whole number' : 'a number';
      return c.minExclusive ? `${what} above ${c.min}, up to ${c.max}` : `${what} from ${c.min} to ${c.max}`;
    }
  }
}
