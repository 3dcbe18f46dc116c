/**
 * A1 references and column names.
 *
 * The A1 rule: the caller gives the sheet's ordered column keys; column letter A is the first key,
 * B the second, …, Z the 26th, AA the 27th (bijective base 26, as in every spreadsheet). Rows are
 * 1-based in A1 (B3 is the third row) and 0-based everywhere else in the API. `$` before the
 * letters or the digits marks that part absolute; it matters only when a formula is copied, never
 * to what it reads.
 */
import { COLUMNS } from '../columns.ts';

/** One cell named in A1 form, as written. */
export interface CellRef {
  /** 0-based column index: A is 0. */
  readonly column: number;
  /** 0-based row: B3 has row 2. */
  readonly row: number;
  readonly absColumn: boolean;
  readonly absRow: boolean;
}

/** The sheet's own column keys in grid order, the default for name checks. */
export const SHEET_COLUMN_KEYS: readonly string[] = COLUMNS.map((c) => c.key);

// Up to three letters (XFD is Excel's last column) so that longer words stay names.
const A1 = /^(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)$/;

/** Column letters to a 0-based index: A → 0, Z → 25, AA → 26. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** A 0-based column index to letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Reads a word as an A1 reference. Returns undefined when the word is not in A1 form (it may be a
 * column name), and a message when it is in A1 form but names row 0.
 */
export function parseCellRef(word: string): CellRef | string | undefined {
  const m = A1.exec(word);
  if (!m) return undefined;
  const row = Number(m[4]);
  if (row < 1) return `row ${m[4]} in ${word} does not exist; rows start at 1`;
  if (!Number.isSafeInteger(row)) return `row ${m[4]} in ${word} is too large`;
  return { column: columnIndex(m[2]!), row: row - 1, absColumn: m[1] === '$', absRow: m[3] === '$' };
}

/** A reference back in A1 form, e.g. `$B$3`. */
export function formatCellRef(r: CellRef): string {
  return `${r.absColumn ? '$' : ''}${columnLetters(r.column)}${r.absRow ? '$' : ''}${r.row + 1}`;
}

/**
 * Finds a column key for a name: the exact key, else the one key equal to it ignoring case.
 * Lookups go through a Map, never through properties of an object, so names like `constructor`
 * or `__proto__` are just unknown names.
 */
export function resolveColumn(name: string, columns: readonly string[]): string | undefined {
  if (columns.includes(name)) return name;
  const lower = name.toLowerCase();
  const matches = columns.filter((c) => c.toLowerCase() === lower);
  return matches.length === 1 ? matches[0] : undefined;
}

/** "unknown column lrr — did you mean lr?" or just "unknown column x". */
export function unknownColumnMessage(name: string, columns: readonly string[]): string {
  const guess = didYouMean(name, columns);
  return `unknown column ${name}${guess ? ` — did you mean ${guess}?` : ''}`;
}

/**
 * The closest candidate to a mistyped name, ignoring case, if it is close enough to be a likely
 * typo: at most 1 edit for short names, about a third of the length for longer ones. Ties go to
 * the earlier candidate so the answer is stable.
 */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase(), limit);
    if (d <= limit && d < bestDistance) { best = c; bestDistance = d; }
  }
  return best;
}

/** Optimal string alignment distance (edits plus swaps of neighbours), cut off above `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

const knownCache = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The column keys as a set, built once per columns array: formulas are evaluated by the thousand. */
export function knownColumns(columns: readonly string[]): ReadonlySet<string> {
  let set = knownCache.get(columns);
  if (!set) knownCache.set(columns, (set = new Set(columns)));
  return set;
}
