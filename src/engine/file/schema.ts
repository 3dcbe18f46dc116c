/**
 * The version 2 file, as a zod schema. Objects reaching it are already clean (see json.ts): no
 * prototype keys, bounded depth. Unknown fields are ignored at the top level and in settings (a
 * later minor addition should not make a file unreadable) and refused inside columns, rows and
 * results, where a misspelt field would silently lose data.
 */
import { z } from 'zod';
import { COLUMNS, INPUT_COLUMNS } from '../columns.ts';
import { describeValue, fmt } from './issues.ts';
import {
  BACKENDS, FILE_LIMITS, FORBIDDEN_KEYS, FORMAT, FORMAT_VERSION, HISTORY_SERIES,
  type SavedResult, type SheetDocument,
} from './types.ts';

const INPUT_KEYS: ReadonlySet<string> = new Set(INPUT_COLUMNS.map((c) => c.key));
const BUILT_IN_KEYS: ReadonlySet<string> = new Set(COLUMNS.map((c) => c.key));
export const COLUMN_KEY = /^[a-z][a-z0-9_]{0,31}$/;

const text = (max: number) => z.string().max(max);

/** NaN and Infinity are written as null; null reads back as NaN. */
export const storedNumber = z.number().nullable().transform((v) => (v === null ? NaN : v === 0 ? 0 : v));

/** -0 is written as 0; reading it as 0 too keeps read → write → read stable. */
const finite = z.number().transform((v) => (v === 0 ? 0 : v));

const series = z.array(storedNumber).max(FILE_LIMITS.maxHistory, {
  error: (iss) => `${Array.isArray(iss.input) ? fmt(iss.input.length) : 'too many'} epochs; the limit is ${fmt(FILE_LIMITS.maxHistory)}`,
});

const history = z.strictObject({ loss: series, acc: series, valLoss: series, valAcc: series, lr: series })
  .superRefine((h, ctx) => {
    for (const k of HISTORY_SERIES) {
      if (h[k].length !== h.loss.length) {
        ctx.addIssue({ code: 'custom', path: [k], input: h[k], message: `${fmt(h[k].length)} values, but loss has ${fmt(h.loss.length)}; every series needs one value per epoch` });
      }
    }
  });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const finishedAt = z.string().nullable().refine((s) => s === null || (ISO_DATE.test(s) && !Number.isNaN(Date.parse(s))), {
  error: (iss) => `expected a date and time like "2026-01-31T12:00:00.000Z" or null, found ${typeof iss.input === 'string' ? JSON.stringify(iss.input.slice(0, 40)) : describeValue(iss.input)}`,
});

// -0 reads as 0 (see finite) so that read → write → read is stable.
const zero = (v: number) => (v === 0 ? 0 : v);
const count = z.number().int().min(0).transform(zero);
const classIndex = z.number().int().min(0).max(FILE_LIMITS.maxClasses - 1).transform(zero);
const probability = z.number().min(0).max(1).transform(zero);

const boundary = z.strictObject({
  size: z.number().int().min(1).max(FILE_LIMITS.maxBoundarySize),
  extent: z.tuple([finite, finite, finite, finite]),
  classes: z.number().int().min(1).max(FILE_LIMITS.maxClasses),
  predicted: z.array(classIndex).max(FILE_LIMITS.maxBoundarySize ** 2),
  confidence: z.array(probability).max(FILE_LIMITS.maxBoundarySize ** 2),
}).superRefine((b, ctx) => {
  for (const k of ['predicted', 'confidence'] as const) {
    if (b[k].length !== b.size * b.size) {
      ctx.addIssue({ code: 'custom', path: [k], input: b[k], message: `${fmt(b[k].length)} values, but a ${b.size}x${b.size} grid needs ${fmt(b.size * b.size)}` });
    }
  }
  const bad = b.predicted.findIndex((p) => p >= b.classes);
  if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['predicted', bad], input: b.predicted[bad], message: `class ${b.predicted[bad]}, but there are ${b.classes} classes` });
});

const confusion = z.array(z.array(count).max(FILE_LIMITS.maxClasses)).max(FILE_LIMITS.maxClasses).superRefine((m, ctx) => {
  m.forEach((row, i) => {
    if (row.length !== m.length) ctx.addIssue({ code: 'custom', path: [i], input: row, message: `${fmt(row.length)} counts, but the matrix has ${fmt(m.length)} rows; it must be square` });
  });
});

const insights = z.strictObject({
  confusion: confusion.nullable(),
  samples: z.array(z.strictObject({ index: count, label: count, predicted: count, confidence: probability })).max(FILE_LIMITS.maxSamples, {
    error: (iss) => `${Array.isArray(iss.input) ? fmt(iss.input.length) : 'too many'} samples; the limit is ${FILE_LIMITS.maxSamples}`,
  }),
  boundary: boundary.nullable(),
});

const backend = z.enum(BACKENDS as [string, ...string[]]).transform((b) => b as SavedResult['backend']);

export const savedResultSchema = z.strictObject({
  status: z.enum(['done', 'diverged']),
  trainLoss: storedNumber, trainAcc: storedNumber, valLoss: storedNumber, valAcc: storedNumber,
  testLoss: storedNumber, testAcc: storedNumber, testMae: storedNumber, seconds: storedNumber,
  samplesPerSec: storedNumber, params: storedNumber,
  backend,
  backendReason: text(FILE_LIMITS.maxNote),
  epochsRun: storedNumber, bestEpoch: storedNumber,
  restoredBest: z.boolean(),
  finalLr: storedNumber,
  diverged: z.strictObject({ epoch: finite, message: text(FILE_LIMITS.maxNote) }).nullable(),
  stoppedEarly: text(FILE_LIMITS.maxNote).nullable(),
  history,
  insights: insights.optional(),
  finishedAt,
  provenance: z.strictObject({ app: text(50).nullable(), tfjs: text(50).nullable(), backend }),
}).superRefine((r, ctx) => {
  if ((r.status === 'diverged') !== (r.diverged !== null)) {
    ctx.addIssue({ code: 'custom', path: ['status'], input: r.status, message: r.status === 'diverged'
      ? '"diverged" needs a diverged entry with the epoch and the message, but diverged is null'
      : `"done", but diverged records a divergence at epoch ${r.diverged?.epoch}; the status should be "diverged"` });
  }
  if (r.provenance.backend !== r.backend) {
    ctx.addIssue({ code: 'custom', path: ['provenance', 'backend'], input: r.provenance.backend, message: `"${r.provenance.backend}" does not match the result's backend "${r.backend}"` });
  }
});

const cells = z.record(z.string(), text(FILE_LIMITS.maxCellLength)).superRefine((c, ctx) => {
  for (const k of Object.keys(c)) {
    if (!INPUT_KEYS.has(k)) {
      ctx.addIssue({ code: 'custom', path: [k], input: c[k], message: `"${k.slice(0, 40)}" is not an input column; the input columns are ${[...INPUT_KEYS].join(', ')}` });
    }
  }
});

const row = z.strictObject({
  id: z.string().min(1).max(FILE_LIMITS.maxRowId),
  cells,
  staleResult: z.string().max(FILE_LIMITS.maxSpecKey, { error: `a spec key longer than ${fmt(FILE_LIMITS.maxSpecKey)} characters` }).optional(),
});

const column = z.strictObject({
  key: z.string().regex(COLUMN_KEY, {
    error: (iss) => `expected a lower-case name of at most 32 letters, digits and _ starting with a letter, found ${typeof iss.input === 'string' ? JSON.stringify(iss.input.slice(0, 40)) : describeValue(iss.input)}`,
  }).refine((k) => !BUILT_IN_KEYS.has(k) && !FORBIDDEN_KEYS.has(k), {
    error: (iss) => `"${String(iss.input)}" is taken: built-in columns and the names __proto__, constructor and prototype cannot be reused`,
  }),
  label: z.string().min(1).max(FILE_LIMITS.maxLabel),
  formula: text(FILE_LIMITS.maxCellLength).refine((f) => f.startsWith('='), { error: 'a formula starts with "="' }),
});

export const documentSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  title: text(FILE_LIMITS.maxTitle).default(''),
  description: text(FILE_LIMITS.maxDescription).default(''),
  settings: z.object({ runMode: z.enum(['auto', 'manual']).default('auto') }).default(() => ({ runMode: 'auto' as const })),
  columns: z.array(column).max(FILE_LIMITS.maxColumns, {
    error: (iss) => `${Array.isArray(iss.input) ? fmt(iss.input.length) : 'too many'} columns; the limit is ${FILE_LIMITS.maxColumns}`,
  }).default(() => []).superRefine((cols, ctx) => {
    const seen = new Set<string>();
    cols.forEach((c, i) => {
      if (seen.has(c.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], input: c.key, message: `"${c.key}" is used by an earlier column` });
      seen.add(c.key);
    });
  }),
  rows: z.array(row).max(FILE_LIMITS.maxRows, {
    error: (iss) => `${Array.isArray(iss.input) ? fmt(iss.input.length) : 'too many'} rows; the limit is ${fmt(FILE_LIMITS.maxRows)}`,
  }).superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], input: r.id, message: `"${r.id.slice(0, 40)}" is used by an earlier row; row ids must be unique` });
      seen.add(r.id);
    });
  }),
  results: z.record(
    z.string().max(FILE_LIMITS.maxSpecKey, { error: `a spec key longer than ${fmt(FILE_LIMITS.maxSpecKey)} characters` }),
    savedResultSchema,
  ).superRefine((r, ctx) => {
    const n = Object.keys(r).length;
    if (n > FILE_LIMITS.maxResults) ctx.addIssue({ code: 'custom', input: r, message: `${fmt(n)} results; the limit is ${fmt(FILE_LIMITS.maxResults)}` });
  }).default(() => ({})),
}).superRefine((doc, ctx) => {
  // A row shows a stale result from the file's results; a key with nothing behind it would show nothing.
  doc.rows.forEach((r, i) => {
    if (r.staleResult !== undefined && !Object.hasOwn(doc.results, r.staleResult)) {
      ctx.addIssue({ code: 'custom', path: ['rows', i, 'staleResult'], input: r.staleResult, message: 'no result in the file has this spec key' });
    }
  });
});

// The schema's output must be a SheetDocument; this line fails to compile when they drift apart.
export const asDocument: (v: z.output<typeof documentSchema>) => SheetDocument = (v) => v;
