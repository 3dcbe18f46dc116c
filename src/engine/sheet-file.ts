/**
 * Reading a sheet file. Files come from strangers: everything is checked, prototype keys are
 * dropped, sizes are capped, and a bad file is refused whole with a message naming the place.
 */
import { INPUT_COLUMNS } from './columns.ts';
import { type Result, ok, err } from './errors.ts';
import type { RowInit } from './scheduler/sheet-engine.ts';

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
    rows.push(id === undefined ? { cells: { ...cells } } : { id, cells: { ...cells } });
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
