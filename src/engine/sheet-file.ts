/**
 * Reading a sheet file. Files come from strangers: everything is checked, prototype keys are
 * dropped, sizes are capped, and a bad file is refused whole with a message naming the place.
 */
import { INPUT_COLUMNS } from './columns.ts';
import { type Result, ok, err } from './errors.ts';
import type { BackendName, TrainResult } from './job.ts';
import type { RowInit, RowState } from './scheduler/sheet-engine.ts';

export const FORMAT = 'sweepsheet';
export const FORMAT_VERSION = 1;

export const FILE_LIMITS = { maxBytes: 5_000_000, maxRows: 2_000, maxCellLength: 2_000, maxTitle: 500 } as const;

export interface SheetFile {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly RowInit[];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KNOWN_COLUMNS = new Set(INPUT_COLUMNS.map((c) => c.key));

/** Parse and check a sheet file's text. */
export function readSheetFile(text: string): Result<SheetFile, string> {
  if (text.length > FILE_LIMITS.maxBytes) return err(`the file is ${text.length} characters long; the limit is ${FILE_LIMITS.maxBytes}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return err(`the file is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isRecord(data)) return err('the file must hold a JSON object');
  if (data.format !== FORMAT) return err(`format: expected "${FORMAT}", found ${JSON.stringify(data.format) ?? 'nothing'}`);
  if (data.version !== FORMAT_VERSION) return err(`version: this app reads version ${FORMAT_VERSION}, the file says ${JSON.stringify(data.version) ?? 'nothing'}`);
  const title = optionalString(data.title, 'title', FILE_LIMITS.maxTitle);
  if (!title.ok) return title;
  const description = optionalString(data.description, 'description', FILE_LIMITS.maxCellLength);
  if (!description.ok) return description;
  if (!Array.isArray(data.rows)) return err('rows: expected a list of rows');
  if (data.rows.length > FILE_LIMITS.maxRows) return err(`rows: ${data.rows.length} rows; the limit is ${FILE_LIMITS.maxRows}`);
  const rows: RowInit[] = [];
  const ids = new Set<string>();
  for (const [i, r] of (data.rows as unknown[]).entries()) {
    const at = `rows[${i}]`;
    if (!isRecord(r)) return err(`${at}: expected an object with cells`);
    let id: string | undefined;
    if (r.id !== undefined) {
      if (typeof r.id !== 'string' || r.id.length === 0 || r.id.length > 100) return err(`${at}.id: expected a short text`);
      if (ids.has(r.id)) return err(`${at}.id: "${r.id}" is used by an earlier row`);
      ids.add(r.id);
      id = r.id;
    }
    if (!isRecord(r.cells)) return err(`${at}.cells: expected an object of column -> text`);
    const cells: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(r.cells)) {
      if (FORBIDDEN_KEYS.has(k) || !KNOWN_COLUMNS.has(k)) continue;
      const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
      if (typeof s !== 'string') return err(`${at}.cells.${k}: expected text`);
      if (s.length > FILE_LIMITS.maxCellLength) return err(`${at}.cells.${k}: longer than ${FILE_LIMITS.maxCellLength} characters`);
      cells[k] = s;
    }
    let saved: RowInit['saved'];
    if (r.result !== undefined) {
      const res = readResult(r.result, `${at}.result`);
      if (!res.ok) return res;
      saved = res.value;
    }
    rows.push({ ...(id === undefined ? {} : { id }), cells: { ...cells }, ...(saved ? { saved } : {}) });
  }
  return ok({ format: FORMAT, version: FORMAT_VERSION, title: title.value, description: description.value, rows });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(v: unknown, path: string, max: number): Result<string, string> {
  if (v === undefined) return ok('');
  if (typeof v !== 'string') return err(`${path}: expected text`);
  if (v.length > max) return err(`${path}: longer than ${max} characters`);
  return ok(v);
}

const BACKENDS: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];
const MAX_HISTORY = 10_000;

/** The numeric fields of a saved result; NaN and Infinity are written as null by JSON. */
const RESULT_NUMBERS = [
  'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc', 'testMae', 'seconds', 'samplesPerSec',
  'params', 'epochsRun', 'bestEpoch', 'finalLr',
] as const;
const HISTORY_SERIES = ['loss', 'acc', 'valLoss', 'valAcc', 'lr'] as const;

/** Read a saved result; numbers written as null come back as NaN. */
function readResult(v: unknown, at: string): Result<NonNullable<RowInit['saved']>, string> {
  if (!isRecord(v)) return err(`${at}: expected an object`);
  if (typeof v.key !== 'string' || v.key.length > 100_000) return err(`${at}.key: expected the spec key as text`);
  const nums: Record<string, number> = {};
  for (const k of RESULT_NUMBERS) {
    const x = v[k];
    if (x === null || x === undefined) nums[k] = NaN;
    else if (typeof x === 'number') nums[k] = x;
    else return err(`${at}.${k}: expected a number`);
  }
  if (typeof v.backend !== 'string' || !BACKENDS.includes(v.backend as BackendName)) return err(`${at}.backend: expected one of ${BACKENDS.join(', ')}`);
  const h = v.history;
  if (!isRecord(h) || !Array.isArray(h.loss) || h.loss.length > MAX_HISTORY) return err(`${at}.history: expected series of at most ${MAX_HISTORY} epochs`);
  const len = h.loss.length;
  const series: Record<string, unknown[]> = {};
  for (const k of HISTORY_SERIES) {
    const s = h[k] ?? [];
    if (!Array.isArray(s) || (s.length !== len && s.length !== 0)) return err(`${at}.history.${k}: expected ${len} values`);
    series[k] = s;
  }
  const toNum = (x: unknown) => (typeof x === 'number' ? x : NaN);
  const history = h.loss.map((_, i) => ({
    loss: toNum(series.loss![i]), acc: toNum(series.acc![i]), valLoss: toNum(series.valLoss![i]), valAcc: toNum(series.valAcc![i]), lr: toNum(series.lr![i]),
  }));
  const note = (x: unknown, path: string): Result<{ epoch: number; message: string } | null, string> => {
    if (x === null || x === undefined) return ok(null);
    if (!isRecord(x) || typeof x.epoch !== 'number' || typeof x.message !== 'string' || x.message.length > 1000) return err(`${path}: expected {epoch, message} or null`);
    return ok({ epoch: x.epoch, message: x.message });
  };
  const diverged = note(v.diverged, `${at}.diverged`);
  if (!diverged.ok) return diverged;
  const text = (x: unknown) => (typeof x === 'string' ? x.slice(0, 500) : '');
  return ok({
    key: v.key,
    result: {
      jobId: 'saved',
      trainLoss: nums.trainLoss!, trainAcc: nums.trainAcc!, valLoss: nums.valLoss!, valAcc: nums.valAcc!,
      testLoss: nums.testLoss!, testAcc: nums.testAcc!, testMae: nums.testMae!, seconds: nums.seconds!,
      samplesPerSec: nums.samplesPerSec!, params: nums.params!, epochsRun: nums.epochsRun!, bestEpoch: nums.bestEpoch!,
      finalLr: nums.finalLr!, restoredBest: v.restoredBest === true,
      backend: v.backend as BackendName, backendReason: text(v.backendReason),
      history, diverged: diverged.value, stoppedEarly: typeof v.stoppedEarly === 'string' ? text(v.stoppedEarly) : null,
    },
  });
}

export interface SheetMeta {
  readonly title: string;
  readonly description: string;
}

/**
 * The file's text for the sheet as it stands: every row's cells, and the result of each row whose
 * result belongs to its current spec. Stable key order and two-space indentation, so a save of an
 * unchanged sheet gives the same bytes.
 */
export function writeSheetFile(meta: SheetMeta, rows: readonly RowState[]): string {
  const out = {
    format: FORMAT,
    version: FORMAT_VERSION,
    title: meta.title,
    description: meta.description,
    rows: rows.map((r) => {
      const cells: Record<string, string> = {};
      for (const c of INPUT_COLUMNS) if (r.cells[c.key] !== undefined) cells[c.key] = r.cells[c.key]!;
      const fresh = r.result !== null && r.parsed.ok && r.resultKey === r.parsed.key;
      return fresh ? { id: r.id, cells, result: storedResult(r.resultKey!, r.result!) } : { id: r.id, cells };
    }),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function storedResult(key: string, r: TrainResult) {
  const numbers = Object.fromEntries(RESULT_NUMBERS.map((k) => [k, r[k]]));
  const history = Object.fromEntries(HISTORY_SERIES.map((k) => [k, r.history.map((h) => h[k])]));
  return {
    key, ...numbers, restoredBest: r.restoredBest, backend: r.backend, backendReason: r.backendReason,
    stoppedEarly: r.stoppedEarly, diverged: r.diverged, history,
  };
}
