/**
 * Reading a sheet file. Files come from strangers: the text is size-capped, parsed, stripped of
 * prototype keys and depth-capped (json.ts), then checked whole by the schema of its version. A
 * file is refused whole, with one message naming the place, or returned whole: never half-loaded.
 */
import { type Result, err, ok } from '../errors.ts';
import type { TrainResult } from '../job.ts';
import type { RowInit } from '../scheduler/sheet-engine.ts';
import { parseRow } from '../spec.ts';
import { describeIssues, describeValue, errorMap } from './issues.ts';
import { cleanData, parseCleanJson } from './json.ts';
import { documentSchemaV1, migrateV1 } from './migrate.ts';
import { trainResultFromSaved } from './result.ts';
import { documentSchema } from './schema.ts';
import { FILE_LIMITS, FORMAT, FORMAT_VERSION, type SheetDocument } from './types.ts';

/** Parse and check a sheet file's text (version 1 or 2); version 1 comes back migrated to version 2. */
export function readSheet(text: string): Result<SheetDocument, string> {
  if (typeof text !== 'string') return err(`expected the file's text, found ${describeValue(text)}`);
  const data = parseCleanJson(text, FILE_LIMITS.maxBytes, 'the file');
  return data.ok ? checkCleanDocument(data.value) : data;
}

/** Check parsed data (from JSON.parse, say) as a sheet document of any known version; it is cleaned first. */
export function checkDocument(data: unknown): Result<SheetDocument, string> {
  const clean = cleanData(data);
  return clean.ok ? checkCleanDocument(clean.value) : clean;
}

/** Check data already cleaned by parseCleanJson or cleanData. */
export function checkCleanDocument(data: unknown): Result<SheetDocument, string> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return err(`the file must hold a JSON object, found ${describeValue(data)}`);
  const d = data as Record<string, unknown>;
  if (d.format !== FORMAT) return err(`format: expected "${FORMAT}", found ${typeof d.format === 'string' ? JSON.stringify(d.format.slice(0, 40)) : describeValue(d.format)}`);
  const v = d.version;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > FORMAT_VERSION) {
    return err(`this file was written by a newer Sweepsheet (version ${v}); this app reads up to ${FORMAT_VERSION}`);
  }
  if (v === 1) {
    const r = documentSchemaV1.safeParse(d, { error: errorMap, reportInput: true });
    return r.success ? ok(migrateV1(r.data)) : err(describeIssues(r.error.issues));
  }
  if (v === FORMAT_VERSION) {
    const r = documentSchema.safeParse(d, { error: errorMap, reportInput: true });
    return r.success ? ok(r.data) : err(describeIssues(r.error.issues));
  }
  return err(`version: expected 1 or ${FORMAT_VERSION}, found ${typeof v === 'number' ? String(v) : describeValue(v)}`);
}

/**
 * The rows for a SheetEngine. A row gets `saved` when the results hold its current spec key; else,
 * when it was saved showing an older result (`staleResult`), that one, which the engine shows as
 * stale until the row runs. A row whose cells do not parse (a formula, a sweep list, a typo) gets
 * only its stale result: the engine finds its current one in the cache.
 */
export function rowInits(doc: SheetDocument): RowInit[] {
  return doc.rows.map((r) => {
    const parsed = parseRow(r.cells);
    const base = { id: r.id, cells: { ...r.cells } };
    const key = parsed.ok && Object.hasOwn(doc.results, parsed.key) ? parsed.key
      : r.staleResult !== undefined && Object.hasOwn(doc.results, r.staleResult) ? r.staleResult : null;
    return key === null ? base : { ...base, saved: { key, result: trainResultFromSaved(doc.results[key]!) } };
  });
}

/** Every saved result by spec key, for EngineOptions.cache: typing an old value back finds its result. */
export function cachedResults(doc: SheetDocument): Map<string, TrainResult> {
  return new Map(Object.entries(doc.results).map(([k, s]) => [k, trainResultFromSaved(s)]));
}
