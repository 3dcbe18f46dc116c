/**
 * A queue job's data and its identity. The spec arriving from the page, the queue or anywhere
 * else is never trusted: it is written back into cell text and read again by the engine's own
 * row parser, with every column's range, the layer limits and the sample-epoch cap; only a spec
 * that reads back to exactly itself is accepted. Plain data and pure functions (also used by the
 * browser side).
 */
import { isDatasetName } from '../engine/datasets.ts';
import { type Result, describeCellError, err, ok } from '../engine/errors.ts';
import { formatLayers } from '../engine/grammar/layers.ts';
import { type ExperimentSpec, parseRow, specKey } from '../engine/spec.ts';

/** The BullMQ queue every Sweepsheet runner and worker meets on. */
export const QUEUE_NAME = 'sweepsheet-train';

/** Bumped when the job data's shape changes, so an old worker refuses a job it cannot read. */
export const JOB_DATA_VERSION = 1;

/** Bytes of JSON a submitted job may take; a real spec is well under 2 kB. */
export const MAX_JOB_BYTES = 32_000;

export interface QueueJobData {
  readonly v: typeof JOB_DATA_VERSION;
  readonly spec: ExperimentSpec;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The cells a spec came from, in the canonical text the grid would show. Throws nothing. */
function specCells(s: Record<string, unknown>): Result<Record<string, string>, string> {
  const d = s.dataset;
  if (!isObject(d) || typeof d.name !== 'string' || !isDatasetName(d.name)) return err('dataset: not a known dataset');
  if (!(d.subset === null || typeof d.subset === 'number')) return err('dataset: the subset is not a number or null');
  if (!Array.isArray(s.layers) || !s.layers.every(isObject)) return err('layers: not a list of layers');
  const r = s.reduceLr;
  if (!(r === null || (isObject(r) && typeof r.factor === 'number' && typeof r.patience === 'number'))) return err('reduce_lr: not a factor and a patience, or null');
  const num = (k: string) => (typeof s[k] === 'number' ? String(s[k]) : '?');
  let layers: string;
  try {
    layers = formatLayers(s.layers as never);
  } catch {
    return err('layers: not a list of layers');
  }
  return ok({
    dataset: d.subset === null ? d.name : `${d.name}:${String(d.subset)}`,
    noise: typeof d.noise === 'number' ? String(d.noise) : '?',
    layers,
    optimizer: typeof s.optimizer === 'string' ? s.optimizer : '?',
    lr: num('learningRate'), batch_size: num('batchSize'), epochs: num('epochs'), seed: num('seed'),
    val_split: num('valSplit'), early_stop: num('earlyStop'),
    reduce_lr: r === null ? 'off' : `${String((r as { factor: number }).factor)}, ${String((r as { patience: number }).patience)}`,
    keep_best: s.keepBest === true ? 'yes' : s.keepBest === false ? 'no' : '?',
  });
}

/**
 * Check a spec that came from outside, with the same validation and caps as a sheet file's row.
 * Returns the spec as the engine would have built it, and its key.
 */
export function checkSpec(value: unknown): Result<{ spec: ExperimentSpec; key: string }, string> {
  if (!isObject(value)) return err('the spec is not an object');
  const cells = specCells(value);
  if (!cells.ok) return cells;
  const parsed = parseRow(cells.value);
  if (!parsed.ok) return err(parsed.errors.map(describeCellError).join('; '));
  // Anything the text cannot say (an extra field, a subset equal to the whole set, a noise on a file dataset) is refused here.
  if (parsed.key !== specKey(value as unknown as ExperimentSpec)) return err('the spec does not read back to itself (unknown or non-canonical fields)');
  return ok({ spec: parsed.spec, key: parsed.key });
}

/** Check a queue job's data (JSON-decoded) before training it. */
export function checkJobData(value: unknown): Result<{ spec: ExperimentSpec; key: string }, string> {
  if (!isObject(value)) return err('the job data is not an object');
  if (value.v !== JOB_DATA_VERSION) return err(`the job data is version ${String(value.v)}; this worker reads version ${JOB_DATA_VERSION}`);
  let size = 0;
  try {
    size = JSON.stringify(value).length;
  } catch {
    return err('the job data is not plain JSON');
  }
  if (size > MAX_JOB_BYTES) return err(`the job data is ${size} bytes; the limit is ${MAX_JOB_BYTES}`);
  return checkSpec(value.spec);
}
