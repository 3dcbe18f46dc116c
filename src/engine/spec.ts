/**
 * A row's raw cell text -> an experiment spec, or the list of cell errors that stop it.
 * Every bad cell is reported, not just the first, so a person can fix a row in one pass.
 */
import { clipForMessage } from './text-cut.ts';
import { INPUT_COLUMNS, type InputColumn, type OptimizerName, expectedText } from './columns.ts';
import { type DatasetName, DATASETS, parseDatasetChoice, trainSamples } from './datasets.ts';
import { type CellError, type CellErrorCode, cellError } from './errors.ts';
import { type LayerSpec, parseLayers } from './grammar/layers.ts';
import { type ModelSummary, summarizeModel } from './model-shape.ts';

export interface DatasetRef {
  readonly name: DatasetName;
  /** Size of the seeded stratified training subset (`mnist:5k`), or null for all. */
  readonly subset: number | null;
  /** Spread of the generated toy points; 0 for datasets read from files. */
  readonly noise: number;
}

export interface ReduceLr {
  readonly factor: number;
  readonly patience: number;
}

/** Everything that determines a training run, and nothing else: plain serializable data. */
export interface ExperimentSpec {
  readonly dataset: DatasetRef;
  readonly layers: readonly LayerSpec[];
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
  /** Fraction of the training set held out for validation (stratified, seeded); 0 for none. */
  readonly valSplit: number;
  /** EarlyStopping patience in epochs; 0 is off. */
  readonly earlyStop: number;
  readonly reduceLr: ReduceLr | null;
  /** Restore the best weights (by validation loss) before the test evaluation. */
  readonly keepBest: boolean;
}

/** Sample-epochs one run may train: 60,000 MNIST images for 50 epochs. A shared file cannot ask for more. */
export const MAX_SAMPLE_EPOCHS = 3_000_000;

/**
 * Forward multiply-adds one run may train through (samples x epochs x the model's per-sample
 * multiply-adds). The sample-epoch cap alone lets a convolutional model ask for days. The notes' W4
 * needs 1.65e12 per epoch of 60,000 images (about 20 minutes on one CPU core here, far less on a
 * GPU): this allows it 18 epochs, several hours at most on a CPU.
 */
export const MAX_RUN_MACS = 3e13;

/** 8.2e12, as a person reads a count too long to write out. */
const sci = (n: number) => n.toExponential(1).replace('e+', 'e');

export type RowCells = Readonly<Record<string, string>>;

export type ParsedRow =
  | { readonly ok: true; readonly spec: ExperimentSpec; readonly key: string; readonly summary: ModelSummary }
  | { readonly ok: false; readonly errors: readonly CellError[] };

/**
 * Read one cell through its column definition. A missing or blank cell takes the column's
 * default, except a blank layers cell, which means what it says: no hidden layers.
 */
export function parseCell(col: InputColumn, raw: string | undefined): { ok: true; value: unknown } | { ok: false; error: CellError } {
  const blank = (raw ?? '').trim() === '';
  const text = blank ? (col.type === 'layers' && raw !== undefined ? '' : col.default) : (raw ?? '').trim();
  const fail = (message: string, code: CellErrorCode, params: Record<string, string>) =>
    ({ ok: false as const, error: cellError(col.key, message, expectedText(col), code, params) });
  switch (col.type) {
    case 'text':
      return { ok: true, value: raw ?? '' };
    case 'enum': {
      const v = text.toLowerCase();
      return col.options.includes(v) ? { ok: true, value: v } : fail(`"${clipForMessage(text)}" is not a choice`, 'not-a-choice', { text: clipForMessage(text) });
    }
    case 'number': {
      const n = parseNumber(text);
      if (n === null) return fail(`"${clipForMessage(text)}" is not a number`, 'not-a-number', { text: clipForMessage(text) });
      if (col.integer && !Number.isInteger(n)) return fail(`${text} is not a whole number`, 'not-whole', { text });
      const low = col.minExclusive ? n <= col.min : n < col.min;
      if (low || n > col.max) return fail(`${text} is out of range`, 'out-of-range', { text });
      return { ok: true, value: n };
    }
    case 'layers': {
      const r = parseLayers(text);
      if (!r.ok) return fail(`${r.error.message} (at character ${r.error.at + 1})`, 'bad-layers', { detail: r.error.message, at: String(r.error.at + 1) });
      return { ok: true, value: r.value };
    }
    case 'dataset': {
      const r = parseDatasetChoice(text);
      return r.ok ? { ok: true, value: r.value } : fail(r.error, 'bad-dataset', { detail: r.error });
    }
    case 'reduce_lr': {
      if (/^(off|no|none)$/i.test(text)) return { ok: true, value: null };
      const m = /^([0-9.]+)\s*[,/ ]\s*([0-9]+)$/.exec(text);
      const factor = m ? Number(m[1]) : NaN;
      const patience = m ? Number(m[2]) : NaN;
      if (!m || !(factor >= 0.01 && factor <= 0.99) || !(patience >= 1 && patience <= 100)) return fail(`"${clipForMessage(text)}" is not a factor and a patience`, 'bad-reduce-lr', { text: clipForMessage(text) });
      return { ok: true, value: { factor, patience } };
    }
  }
}

/** Parse a whole row. Errors come in column order; a model that cannot be built is an error on `layers`. */
export function parseRow(cells: RowCells): ParsedRow {
  const errors: CellError[] = [];
  const v: Record<string, unknown> = {};
  for (const col of INPUT_COLUMNS) {
    if (!col.spec) continue;
    const r = parseCell(col, cells[col.key]);
    if (r.ok) v[col.key] = r.value;
    else errors.push(r.error);
  }
  if (errors.length > 0) return { ok: false, errors };
  const choice = v.dataset as { name: DatasetName; subset: number | null };
  const info = DATASETS[choice.name];
  const spec: ExperimentSpec = {
    dataset: { name: choice.name, subset: choice.subset, noise: info.source.kind === 'toy' ? (v.noise as number) : 0 },
    layers: v.layers as LayerSpec[],
    optimizer: v.optimizer as OptimizerName,
    learningRate: v.lr as number,
    batchSize: v.batch_size as number,
    epochs: v.epochs as number,
    seed: v.seed as number,
    valSplit: v.val_split as number,
    earlyStop: v.early_stop as number,
    reduceLr: v.reduce_lr as ReduceLr | null,
    keepBest: v.keep_best === 'yes',
  };
  const samples = trainSamples(spec.dataset);
  const dataset = `${choice.name}${choice.subset ? `:${choice.subset}` : ''}`;
  if (samples * spec.epochs > MAX_SAMPLE_EPOCHS) {
    return { ok: false, errors: [cellError('epochs',
      `${samples.toLocaleString('en-US')} samples x ${spec.epochs} epochs is over the cap of ${MAX_SAMPLE_EPOCHS.toLocaleString('en-US')} sample-epochs`,
      `at most ${Math.floor(MAX_SAMPLE_EPOCHS / samples)} epochs on ${dataset}, or a subset such as ${choice.name}:5k`,
      'too-many-sample-epochs', {
        samples: samples.toLocaleString('en-US'), epochs: String(spec.epochs), cap: MAX_SAMPLE_EPOCHS.toLocaleString('en-US'),
        maxEpochs: String(Math.floor(MAX_SAMPLE_EPOCHS / samples)), dataset, name: choice.name,
      })] };
  }
  const summary = summarizeModel(info.inputShape, spec.layers, info.classes, info.task);
  if (!summary.ok) {
    return { ok: false, errors: [cellError('layers', summary.error, `a model that fits ${spec.dataset.name} (input ${info.inputShape.join('x')})`,
      'model-does-not-fit', { detail: summary.error, dataset: spec.dataset.name, input: info.inputShape.join('x') })] };
  }
  const macs = samples * spec.epochs * summary.value.totalMacs;
  if (macs > MAX_RUN_MACS) {
    // At least 5: a sample's multiply-adds are capped at 1e8 and a dataset at 60,000 samples.
    const maxEpochs = Math.floor(MAX_RUN_MACS / (samples * summary.value.totalMacs));
    const params = {
      samples: samples.toLocaleString('en-US'), epochs: String(spec.epochs), macs: sci(macs), cap: sci(MAX_RUN_MACS), maxEpochs: String(maxEpochs), dataset,
    };
    return { ok: false, errors: [cellError('epochs',
      `${samples.toLocaleString('en-US')} samples x ${spec.epochs} epochs through this model is ${params.macs} multiply-adds, over the cap of ${params.cap} a run`,
      `at most ${maxEpochs} epochs on ${dataset}, a subset, or a smaller model`, 'too-much-compute', params)] };
  }
  return { ok: true, spec, key: specKey(spec), summary: summary.value };
}

/** A stable identity for a spec: equal specs give equal keys whatever order their fields were built in. */
export function specKey(spec: ExperimentSpec): string {
  return canonicalJson(spec);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Accepts 0.03, 3e-2, .5 and a leading +; refuses hex, empty, NaN and Infinity. */
function parseNumber(text: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

