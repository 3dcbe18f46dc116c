/**
 * CSV out (results tables for a spreadsheet program) and in (hyperparameter columns). Output
 * follows RFC 4180 and OWASP's advice against CSV injection: a cell that starts with =, +, -, @,
 * a tab or a carriage return gets a leading single quote so a spreadsheet program shows it as text
 * instead of running it. A plain number such as -0.5 or -3e-4 is left alone: it cannot run anything
 * and a spreadsheet should see it as a number. Import undoes the quote.
 */
import { INPUT_COLUMNS } from '../columns.ts';
import { type Result, err, ok } from '../errors.ts';
import { clip, fmt } from './issues.ts';
import { utf8Length } from './json.ts';
import { FILE_LIMITS } from './types.ts';

/** Quotes already in front of a dangerous character get one more, so import can always strip exactly one. */
const ESCAPED_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** One field, injection-escaped then quoted when it holds a quote, a comma or a line break. */
export function csvField(text: string): string {
  const v = ESCAPED_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV document: the header line, then one line per row, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // A lone empty field is written "" so the line is not taken for a blank one.
  return [header, ...rows].map((r) => `${r.length === 1 && r[0] === '' ? '""' : r.map(csvField).join(',')}\r\n`).join('');
}

export interface CsvTable {
  /** Column keys, in the file's order, for the headers that name a column. */
  readonly header: string[];
  /** One list per data line, matching `header`. */
  readonly rows: string[][];
  /** Headers that name no column; their values were left out. */
  readonly unknown: string[];
}

/**
 * Read a CSV for import. Headers are matched to columns by key or label, ignoring case and
 * surrounding spaces; headers that match nothing are listed in `unknown` and their values left
 * out. `columns` defaults to the input columns (the hyperparameters).
 */
export function fromCsv(text: string, columns: readonly { readonly key: string; readonly label: string }[] = INPUT_COLUMNS): Result<CsvTable, string> {
  if (utf8Length(text) > FILE_LIMITS.maxBytes) return err(`the CSV is larger than ${fmt(FILE_LIMITS.maxBytes / 1_000_000)} MB`);
  // The header and one line past the row cap are kept; the lines after are only counted.
  const parsed = parseCsv(text.startsWith('\uFEFF') ? text.slice(1) : text, FILE_LIMITS.maxRows + 2);
  if (!parsed.ok) return parsed;
  const { records, total } = parsed.value;
  const head = records[0];
  if (!head) return err('the CSV is empty: expected a header line naming the columns');
  const byName = new Map<string, string>();
  for (const c of columns) {
    byName.set(c.key.toLowerCase(), c.key);
    if (!byName.has(c.label.toLowerCase())) byName.set(c.label.toLowerCase(), c.key);
  }
  const keys: string[] = [];
  const picks: number[] = [];
  const unknown: string[] = [];
  const seen = new Map<string, string>();
  for (const [i, raw] of head.fields.entries()) {
    const name = raw.trim();
    const key = byName.get(name.toLowerCase());
    if (key === undefined) {
      unknown.push(name);
      continue;
    }
    if (seen.has(key)) return err(`header: "${clip(name, 40)}" and "${clip(seen.get(key)!, 40)}" both name the column ${key}`);
    seen.set(key, name);
    keys.push(key);
    picks.push(i);
  }
  if (keys.length === 0) {
    return err(`header: none of ${head.fields.map((h) => `"${clip(h.trim(), 40)}"`).join(', ')} names a column; the columns are ${columns.map((c) => c.key).join(', ')}`);
  }
  const data = records.slice(1);
  if (total - 1 > FILE_LIMITS.maxRows) return err(`the CSV has ${fmt(total - 1)} rows; the limit is ${fmt(FILE_LIMITS.maxRows)}`);
  const rows: string[][] = [];
  for (const r of data) {
    if (r.fields.length !== head.fields.length) {
      return err(`line ${r.line}: ${r.fields.length} field${r.fields.length === 1 ? '' : 's'}, but the header has ${head.fields.length}`);
    }
    const row: string[] = [];
    for (const i of picks) {
      const v = unescapeField(r.fields[i]!);
      if (v.length > FILE_LIMITS.maxCellLength) return err(`line ${r.line}, column ${keys[row.length]}: longer than ${fmt(FILE_LIMITS.maxCellLength)} characters`);
      row.push(v);
    }
    rows.push(row);
  }
  return ok({ header: keys, rows, unknown });
}

/** Undo toCsv's injection escape: one quote off the front of quotes before a dangerous first character. */
function unescapeField(v: string): string {
  return v.startsWith("'") && ESCAPED_START.test(v.slice(1)) ? v.slice(1) : v;
}

interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** Fields a line may have: the sheet has about 30 columns. 4.9 MB of commas made 4.9 million strings (300 MB). */
export const MAX_CSV_FIELDS = 1_000;

/**
 * RFC 4180 records; a line break may be CRLF, LF or CR; blank lines are skipped. Only the first
 * `keep` records are returned, the rest counted in `total`: 2.4 million short lines (4.8 MB) were
 * 600 MB of records before the row cap refused them.
 */
function parseCsv(text: string, keep: number): Result<{ records: CsvRecord[]; total: number }, string> {
  const records: CsvRecord[] = [];
  let total = 0;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  let quotedField = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !quotedField)) {
      total++;
      if (records.length < keep) records.push({ line: start, fields });
    }
    fields = [];
    field = '';
    quotedField = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '' && !quotedField) {
      // A quoted field: runs to the next lone quote; "" is a quote.
      quotedField = true;
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) return err(`line ${opened}: a quoted field is not closed`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        return err(`line ${line}: unexpected ${JSON.stringify(next)} after a closing quote; a field with quotes must be quoted whole`);
      }
      continue;
    }
    if (c === ',') {
      // This comma ends a field and starts another: fields.length + 2 at least.
      if (fields.length + 2 > MAX_CSV_FIELDS) return err(`line ${start}: more than ${fmt(MAX_CSV_FIELDS)} fields`);
      fields.push(field);
      field = '';
      quotedField = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return ok({ records, total });
}
