/**
 * What crosses the queue, as JSON text: NaN and ±Infinity survive the trip (plain JSON would turn
 * them into null, and a result's "not applicable" NaN would read as a number). Decoding is
 * JSON.parse with a reviver, never evaluation; the shape is then checked before anyone uses it.
 * Fields we do not check (insights, a progress record or boundary) are carried through untouched.
 */
import { type Result, err, ok } from '../engine/errors.ts';
import type { TrainProgress, TrainResult } from '../engine/job.ts';

const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** JSON text of a value, with non-finite numbers written as {"$n": "NaN"} and the like. */
export function encode(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $n: String(v) } : v));
}

/** The value back, or an error for text that is not JSON. */
export function decode(text: unknown): Result<unknown, string> {
  if (typeof text !== 'string') return err(`expected JSON text, found ${typeof text}`);
  try {
    return ok(JSON.parse(text, (_k, v: unknown) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const keys = Object.keys(v);
        const n = (v as { $n?: unknown }).$n;
        if (keys.length === 1 && typeof n === 'string' && Object.prototype.hasOwnProperty.call(SPECIAL, n)) return SPECIAL[n];
      }
      return v;
    }));
  } catch (e) {
    return err(`not JSON: ${(e as Error).message}`);
  }
}

const NUMBER_FIELDS = [
  'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'testMae', 'seconds', 'samplesPerSec',
  'params', 'epochsRun', 'bestEpoch', 'finalLr',
] as const;
const BACKENDS = new Set(['webgl', 'wasm', 'cpu']);
const MAX_TEXT = 2_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;

/** A decoded result checked field by field: what the sheet and the file need must be there and typed. */
export function checkResult(v: unknown): Result<TrainResult, string> {
  if (!isObject(v)) return err('the result is not an object');
  for (const k of NUMBER_FIELDS) if (typeof v[k] !== 'number') return err(`the result's ${k} is not a number`);
  if (!BACKENDS.has(v.backend as string)) return err('the result names no known backend');
  if (!isText(v.backendReason)) return err("the result's backendReason is not text");
  if (typeof v.restoredBest !== 'boolean') return err("the result's restoredBest is not true or false");
  if (!(v.stoppedEarly === null || isText(v.stoppedEarly))) return err("the result's stoppedEarly is not text or null");
  const d = v.diverged;
  if (!(d === null || (isObject(d) && typeof d.epoch === 'number' && isText(d.message)))) return err("the result's diverged entry is malformed");
  const h = v.history;
  if (!Array.isArray(h) || h.length > 10_000) return err("the result's history is not a list of epochs");
  for (const e of h) {
    if (!isObject(e) || !['loss', 'acc', 'valLoss', 'valAcc', 'lr'].every((k) => typeof e[k] === 'number')) return err("an epoch of the result's history is malformed");
  }
  return ok(v as unknown as TrainResult);
}

/** A decoded progress report checked for what the sheet shows. */
export function checkProgress(v: unknown): Result<TrainProgress, string> {
  if (!isObject(v)) return err('the progress report is not an object');
  if (typeof v.epoch !== 'number' || typeof v.epochs !== 'number' || typeof v.fraction !== 'number') return err('the progress report has no epoch and fraction');
  if (!BACKENDS.has(v.backend as string)) return err('the progress report names no known backend');
  for (const k of ['loss', 'acc'] as const) if (v[k] !== undefined && typeof v[k] !== 'number') return err(`the progress report's ${k} is not a number`);
  return ok(v as unknown as TrainProgress);
}
