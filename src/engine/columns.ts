/**
 * The one table of columns. Each column is described once — key, type, default, allowed values
 * or range, a one-line explanation — and that description drives parsing, validation, the grid's
 * editors and the help text.
 */
import { DATASET_NAMES, DATASETS } from './datasets.ts';
import { LAYERS_EXPECTED } from './grammar/layers.ts';

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
);

export type ResultFormat = 'status' | 'loss' | 'accuracy' | 'seconds' | 'text';

/** A cell filled by training; never typed. */
export interface ResultColumn extends ColumnBase {
  readonly role: 'result';
  readonly format: ResultFormat;
}

export type Column = InputColumn | ResultColumn;

export const INPUT_COLUMNS: readonly InputColumn[] = [
  { key: 'name', label: 'name', role: 'input', spec: false, type: 'text', default: '', width: 130,
    help: 'A label for the run; changing it never retrains.' },
  { key: 'dataset', label: 'dataset', role: 'input', spec: true, type: 'enum', options: DATASET_NAMES, default: 'circle', width: 80,
    help: `The data to learn. ${DATASET_NAMES.map((d) => `${d}: ${DATASETS[d].help}`).join(' ')}` },
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
  { key: 'notes', label: 'notes', role: 'input', spec: false, type: 'text', default: '', width: 140,
    help: 'Free text; changing it never retrains.' },
];

export const RESULT_COLUMNS: readonly ResultColumn[] = [
  { key: 'status', label: 'status', role: 'result', format: 'status', width: 150,
    help: 'queued, running (with progress), done, failed (with the reason), or invalid input.' },
  { key: 'train_loss', label: 'train loss', role: 'result', format: 'loss', width: 75,
    help: 'Cross-entropy on the training set after the last epoch.' },
  { key: 'train_acc', label: 'train acc', role: 'result', format: 'accuracy', width: 70,
    help: 'Accuracy on the training set after the last epoch.' },
  { key: 'test_loss', label: 'test loss', role: 'result', format: 'loss', width: 70,
    help: 'Cross-entropy on the held-out test set.' },
  { key: 'test_acc', label: 'test acc', role: 'result', format: 'accuracy', width: 70,
    help: 'Accuracy on the held-out test set: the number to sort by.' },
  { key: 'time', label: 'time', role: 'result', format: 'seconds', width: 55,
    help: 'Wall-clock training time in seconds.' },
  { key: 'backend', label: 'backend', role: 'result', format: 'text', width: 70,
    help: 'The tfjs backend the worker chose: webgl, wasm or cpu.' },
];

export const COLUMNS: readonly Column[] = [...INPUT_COLUMNS, ...RESULT_COLUMNS];

export type ResultKey = 'train_loss' | 'train_acc' | 'test_loss' | 'test_acc' | 'time';

const byKey = new Map<string, Column>(COLUMNS.map((c) => [c.key, c]));

export function column(key: string): Column | undefined {
  return byKey.get(key);
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
    case 'number': {
      const what = c.integer ? 'a whole number' : 'a number';
      return c.minExclusive ? `${what} above ${c.min}, up to ${c.max}` : `${what} from ${c.min} to ${c.max}`;
    }
  }
}
