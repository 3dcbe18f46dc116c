/**
 * Version 1 files, read as leniently as the version 1 reader did, and carried forward to
 * version 2: each row's `result` moves to `results[result.key]`, rows without an id get one,
 * numbers typed into cells become text, and cells for columns this app does not know are dropped.
 */
import { z } from 'zod';
import { INPUT_COLUMNS } from '../columns.ts';
import { describeValue, fmt } from './issues.ts';
import { storedNumber } from './schema.ts';
import {
  BACKENDS, FILE_LIMITS, FORMAT, FORMAT_VERSION, HISTORY_SERIES, RESULT_NUMBERS,
  type HistorySeries, type SavedResult, type SheetDocument, type SheetRow,
} from './types.ts';

const INPUT_KEYS: ReadonlySet<string> = new Set(INPUT_COLUMNS.map((c) => c.key));

const optionalNumber = storedNumber.optional().transform((v) => v ?? NaN);
const note = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : '');

const cellsV1 = z.record(z.string(), z.unknown()).superRefine((c, ctx) => {
  for (const [k, v] of Object.entries(c)) {
    if (!INPUT_KEYS.has(k)) continue;
    if (typeof v === 'number' && Number.isFinite(v)) continue;
    if (typeof v !== 'string') ctx.addIssue({ code: 'custom', path: [k], input: v, message: `expected text, found ${describeValue(v)}` });
    else if (v.length > FILE_LIMITS.maxCellLength) ctx.addIssue({ code: 'custom', path: [k], input: v, message: `longer than ${fmt(FILE_LIMITS.maxCellLength)} characters (${fmt(v.length)})` });
  }
}).transform((c) => {
  const out: Record<string, string> = {};
  for (const col of INPUT_COLUMNS) if (c[col.key] !== undefined) out[col.key] = String(c[col.key]);
  return out;
});

const seriesV1 = z.array(z.unknown()).max(FILE_LIMITS.maxHistory, {
  error: `expected series of at most ${fmt(FILE_LIMITS.maxHistory)} epochs`,
});

const resultV1 = z.object({
  key: z.string().max(FILE_LIMITS.maxSpecKey),
  ...Object.fromEntries(RESULT_NUMBERS.map((k) => [k, optionalNumber])) as Record<(typeof RESULT_NUMBERS)[number], typeof optionalNumber>,
  backend: z.enum(BACKENDS as [string, ...string[]]),
  backendReason: z.unknown().transform(note),
  restoredBest: z.unknown().transform((v) => v === true),
  stoppedEarly: z.unknown().transform((v) => (typeof v === 'string' ? note(v) : null)),
  diverged: z.object({ epoch: z.number(), message: z.string().max(1000) }).nullable().optional().transform((v) => v ?? null),
  history: z.object({ loss: seriesV1, acc: seriesV1.optional(), valLoss: seriesV1.optional(), valAcc: seriesV1.optional(), lr: seriesV1.optional() })
    .superRefine((h, ctx) => {
      for (const k of HISTORY_SERIES) {
        const s = h[k] ?? [];
        if (s.length !== h.loss.length && s.length !== 0) ctx.addIssue({ code: 'custom', path: [k], input: s, message: `expected ${h.loss.length} values, found ${s.length}` });
      }
    }),
});

export const documentSchemaV1 = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  title: z.string().max(FILE_LIMITS.maxTitle).optional(),
  description: z.string().max(FILE_LIMITS.maxDescription).optional(),
  rows: z.array(z.object({ id: z.string().min(1).max(FILE_LIMITS.maxRowId).optional(), cells: cellsV1, result: resultV1.optional() }))
    .max(FILE_LIMITS.maxRows, { error: (iss) => `${Array.isArray(iss.input) ? fmt(iss.input.length) : 'too many'} rows; the limit is ${fmt(FILE_LIMITS.maxRows)}` })
    .superRefine((rows, ctx) => {
      const seen = new Set<string>();
      rows.forEach((r, i) => {
        if (r.id === undefined) return;
        if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], input: r.id, message: `"${r.id.slice(0, 40)}" is used by an earlier row; row ids must be unique` });
        seen.add(r.id);
      });
    }),
});

type V1 = z.output<typeof documentSchemaV1>;
type ResultV1 = z.output<typeof resultV1>;

/** A checked version 1 file as a version 2 document. */
export function migrateV1(v1: V1): SheetDocument {
  const taken = new Set(v1.rows.flatMap((r) => (r.id === undefined ? [] : [r.id])));
  let next = 1;
  const freshId = () => {
    while (taken.has(`r${next}`)) next++;
    taken.add(`r${next}`);
    return `r${next}`;
  };
  const rows: SheetRow[] = [];
  const results: Record<string, SavedResult> = {};
  for (const r of v1.rows) {
    rows.push({ id: r.id ?? freshId(), cells: r.cells });
    // A later row's result for the same spec replaces an earlier one: both describe the same run.
    if (r.result) results[r.result.key] = savedFromV1(r.result);
  }
  return {
    format: FORMAT, version: FORMAT_VERSION, title: v1.title ?? '', description: v1.description ?? '',
    settings: { runMode: 'auto' }, columns: [], rows, results,
  };
}

function savedFromV1(r: ResultV1): SavedResult {
  const len = r.history.loss.length;
  const num = (x: unknown) => (typeof x === 'number' ? x : NaN);
  const series = (s: readonly unknown[] | undefined) => Array.from({ length: len }, (_, i) => num(s?.[i]));
  const history: HistorySeries = {
    loss: series(r.history.loss), acc: series(r.history.acc), valLoss: series(r.history.valLoss),
    valAcc: series(r.history.valAcc), lr: series(r.history.lr),
  };
  const backend = r.backend as SavedResult['backend'];
  return {
    status: r.diverged ? 'diverged' : 'done',
    trainLoss: r.trainLoss, trainAcc: r.trainAcc, valLoss: r.valLoss, valAcc: r.valAcc, testLoss: r.testLoss,
    testAcc: r.testAcc, testMae: r.testMae, seconds: r.seconds, samplesPerSec: r.samplesPerSec, params: r.params,
    backend, backendReason: r.backendReason, epochsRun: r.epochsRun, bestEpoch: r.bestEpoch,
    restoredBest: r.restoredBest, finalLr: r.finalLr, diverged: r.diverged, stoppedEarly: r.stoppedEarly,
    history, finishedAt: null, provenance: { app: null, tfjs: null, backend },
  };
}
