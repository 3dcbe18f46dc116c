/**
 * Writing a sheet file. The output is canonical — fixed key order, two-space indentation, lists of
 * numbers on one line, results sorted by spec key, a trailing newline — so save, open, save gives
 * the same bytes, and a diff of two saves shows only what changed.
 */
import { INPUT_COLUMNS } from '../columns.ts';
import type { Insights } from '../job.ts';
import type { RowState } from '../scheduler/sheet-engine.ts';
import { canonicalJson } from '../spec.ts';
import { utf8Length } from './json.ts';
import { type ResultStamp, savedFromTrainResult } from './result.ts';
import { FILE_LIMITS, type SavedResult, type SheetDocument } from './types.ts';

/** The file's text for a document. */
export function writeSheet(doc: SheetDocument): string {
  return writeSheetSized(doc).text;
}

/** A printed part of the file and its length in UTF-8 bytes. */
interface Printed {
  readonly text: string;
  readonly bytes: number;
}

/**
 * The file's text and its size in UTF-8 bytes. The same bytes as printing fileObject(doc), with
 * each row and result printed and measured once per object: autosave writes (and checks against
 * the size cap) a 10,000-row sheet after every edit, and only the edited rows are new.
 */
export function writeSheetSized(doc: SheetDocument): Printed {
  const rows = rowsPrinted(doc.rows);
  const results = resultsPrinted(doc.results);
  const head = fileObject({ ...doc, rows: [], results: {} });
  const text = `${print({ ...head, rows: new Raw(rows.text), results: new Raw(results.text) }, 0)}\n`;
  return { text, bytes: frameBytes(head) + rows.bytes + results.bytes };
}

/** The size of the file writeSheet would print, in UTF-8 bytes, without printing the whole text. */
export function sheetBytes(doc: SheetDocument): number {
  let rows = 0;
  for (const r of doc.rows) rows += rowLine(r).bytes;
  const rowsBytes = doc.rows.length === 0 ? 2 : rows + 2 + 2 * (doc.rows.length - 1) + 4;
  return frameBytes(fileObject({ ...doc, rows: [], results: {} })) + rowsBytes + resultsPrinted(doc.results).bytes;
}

/** Everything around the rows and results is small: measured printed with them left empty. */
function frameBytes(head: object): number {
  return utf8Length(`${print({ ...head, rows: new Raw(''), results: new Raw('') }, 0)}\n`);
}

/** Text printed as it is: a part of the file already printed. */
class Raw {
  constructor(readonly text: string) {}
}

/** Printed rows and results by object: documents are immutable, so an object prints the same every time. */
/** Per cells object: the row's line in the file, indented, and its size. */
const rowTexts = new WeakMap<object, Printed & { readonly id: string }>();
const resultTexts = new WeakMap<SavedResult, Printed>();

/** Printed text, measured once. */
function printed(text: string): Printed {
  return { text, bytes: utf8Length(text) };
}

/** `[`, each line indented and comma-separated, `]`: the punctuation is ASCII, one byte a character. */
function listOf(lines: readonly string[], bytes: number, open: string, close: string): Printed {
  if (lines.length === 0) return { text: `${open}${close}`, bytes: 2 };
  return { text: `${open}\n${lines.join(',\n')}\n  ${close}`, bytes: bytes + 2 + 2 * (lines.length - 1) + 4 };
}

function rowLine(r: SheetDocument['rows'][number]): Printed {
  let hit = rowTexts.get(r.cells);
  if (!hit || hit.id !== r.id) rowTexts.set(r.cells, (hit = { id: r.id, ...printed(`    ${print({ id: r.id, cells: cellsObject(r.cells) }, 2)}`) }));
  return hit;
}

function rowsPrinted(rows: SheetDocument['rows']): Printed {
  let bytes = 0;
  const lines = rows.map((r) => {
    const line = rowLine(r);
    bytes += line.bytes;
    return line.text;
  });
  return listOf(lines, bytes, '[', ']');
}

function resultPrinted(r: SavedResult): Printed {
  let hit = resultTexts.get(r);
  if (hit === undefined) resultTexts.set(r, (hit = printed(print(resultObject(r), 2))));
  return hit;
}

function resultsPrinted(results: SheetDocument['results']): Printed {
  let bytes = 0;
  const lines = sortedKeys(results).map((k) => {
    const key = JSON.stringify(k);
    const value = resultPrinted(results[k]!);
    bytes += 4 + utf8Length(key) + 2 + value.bytes;
    return `    ${key}: ${value.text}`;
  });
  return listOf(lines, bytes, '{', '}');
}

/** The document as plain JSON data in canonical key order (NaN stays NaN; print() writes it as null). */
export function fileObject(doc: SheetDocument): object {
  const results: Record<string, object> = {};
  for (const k of sortedKeys(doc.results)) results[k] = resultObject(doc.results[k]!);
  return {
    format: doc.format,
    version: doc.version,
    title: doc.title,
    description: doc.description,
    settings: { runMode: doc.settings.runMode },
    columns: doc.columns.map((c) => ({ key: c.key, label: c.label, formula: c.formula })),
    rows: doc.rows.map((r) => ({ id: r.id, cells: cellsObject(r.cells) })),
    results,
  };
}

const cellsObjects = new WeakMap<object, Record<string, string>>();

/** The input cells in column order; the same object for the same cells, so printed rows are reused. */
function cellsObject(cells: Readonly<Record<string, string>>): Record<string, string> {
  let out = cellsObjects.get(cells);
  if (out) return out;
  out = {};
  for (const c of INPUT_COLUMNS) if (Object.hasOwn(cells, c.key)) out[c.key] = cells[c.key]!;
  cellsObjects.set(cells, out);
  cellsObjects.set(out, out);
  return out;
}

function resultObject(r: SavedResult): object {
  return {
    status: r.status,
    trainLoss: r.trainLoss, trainAcc: r.trainAcc, valLoss: r.valLoss, valAcc: r.valAcc, testLoss: r.testLoss,
    testAcc: r.testAcc, testMae: r.testMae, seconds: r.seconds, samplesPerSec: r.samplesPerSec, params: r.params,
    backend: r.backend, backendReason: r.backendReason, epochsRun: r.epochsRun, bestEpoch: r.bestEpoch,
    restoredBest: r.restoredBest, finalLr: r.finalLr,
    diverged: r.diverged === null ? null : { epoch: r.diverged.epoch, message: r.diverged.message },
    stoppedEarly: r.stoppedEarly,
    history: { loss: r.history.loss, acc: r.history.acc, valLoss: r.history.valLoss, valAcc: r.history.valAcc, lr: r.history.lr },
    ...(r.insights ? { insights: insightsObject(r.insights) } : {}),
    finishedAt: r.finishedAt,
    provenance: { app: r.provenance.app, tfjs: r.provenance.tfjs, backend: r.provenance.backend },
  };
}

function insightsObject(i: Insights): object {
  const b = i.boundary;
  return {
    confusion: i.confusion,
    samples: i.samples.map((s) => ({ index: s.index, label: s.label, predicted: s.predicted, confidence: s.confidence })),
    boundary: b === null ? null : { size: b.size, extent: b.extent, classes: b.classes, predicted: b.predicted, confidence: b.confidence },
  };
}

/** Code-unit order, the same on every machine (localeCompare is not). */
function sortedKeys(o: object): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** JSON with NaN and ±Infinity as null, and lists of plain values kept on one line. */
function print(v: unknown, depth: number): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Raw) return v.text;
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v !== 'object') return JSON.stringify(v);
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => x === null || typeof x !== 'object')) return `[${v.map((x) => print(x, 0)).join(', ')}]`;
    return `[\n${v.map((x) => pad + print(x, depth + 1)).join(',\n')}\n${end}]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${pad}${JSON.stringify(k)}: ${print((v as Record<string, unknown>)[k], depth + 1)}`).join(',\n')}\n${end}}`;
}

/**
 * The document for the sheet as it stands: `base` (title, settings, columns, the results cache)
 * with the engine's top-level rows (a sweep's children are left out: they come back from the
 * sweep's cells) and every result any row holds, fresh or stale, keyed by the spec it belongs to. A result already in `base` keeps its stamp; a new one gets `stamp`. Results no row refers
 * to are dropped oldest first when the file would pass the result or size caps, so every saved
 * file can be opened again.
 */
export function documentFromRows(base: SheetDocument, rows: readonly RowState[], stamp: ResultStamp): SheetDocument {
  const results: Record<string, SavedResult> = { ...base.results };
  const referenced = new Set<string>();
  for (const r of rows) {
    if (r.parsed.ok) referenced.add(r.parsed.key);
    if (r.result === null || r.resultKey === null) continue;
    referenced.add(r.resultKey);
    const old = Object.hasOwn(results, r.resultKey) ? results[r.resultKey] : undefined;
    // The result saved for this very run last time: no need to compare it again.
    if (old && savedFor.get(r.result) === old) continue;
    const fresh = savedFromTrainResult(r.result, stamp);
    const kept = old && sameRun(old, fresh) ? old : fresh;
    results[r.resultKey] = kept;
    savedFor.set(r.result, kept);
  }
  const doc: SheetDocument = {
    ...base,
    // A sweep's children are made from its cells on open; only their results are kept.
    rows: rows.filter((r) => !r.parent).map((r) => ({ id: r.id, cells: cellsObject(r.cells) })),
    results,
  };
  return pruneResults(doc, referenced);
}

/** Which saved result stands for a run's result (kept by object, so rows that did not change cost nothing). */
const savedFor = new WeakMap<object, SavedResult>();

function sameRun(a: SavedResult, b: SavedResult): boolean {
  const strip = (r: SavedResult) => canonicalJson({ ...resultObject(r), finishedAt: null, provenance: null });
  return strip(a) === strip(b);
}

/**
 * Drop unreferenced results, oldest (or undated) first, until the counts and the size fit; then,
 * if the file is still too large, the insights of the oldest results.
 */
export function pruneResults(doc: SheetDocument, keep: ReadonlySet<string>): SheetDocument {
  const keys = Object.keys(doc.results);
  const sizeOf = (k: string) => 4 + utf8Length(JSON.stringify(k)) + 2 + resultPrinted(doc.results[k]!).bytes + 2;
  const sizes = new Map(keys.map((k) => [k, sizeOf(k)]));
  // The sizes include each entry's ",\n"; the braces of a non-empty results object add 2 more bytes than "{}".
  let total = sheetBytes({ ...doc, results: {} }) + [...sizes.values()].reduce((a, b) => a + b, 0) + 2;
  let count = keys.length;
  if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) return doc;
  const droppable = keys.filter((k) => !keep.has(k))
    .sort((a, b) => (doc.results[a]!.finishedAt ?? '').localeCompare(doc.results[b]!.finishedAt ?? '') || (a < b ? -1 : 1));
  const results = { ...doc.results };
  for (const k of droppable) {
    if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) break;
    delete results[k];
    count--;
    total -= sizes.get(k)!;
  }
  // Still too large with only the results rows show: their insights (a boundary is ~15 kB) go,
  // oldest first; the metrics and curves stay.
  const heavy = Object.keys(results).filter((k) => results[k]!.insights)
    .sort((a, b) => (results[a]!.finishedAt ?? '').localeCompare(results[b]!.finishedAt ?? '') || (a < b ? -1 : 1));
  for (const k of heavy) {
    if (total <= FILE_LIMITS.maxBytes) break;
    const { insights: _dropped, ...lean } = results[k]!;
    results[k] = lean;
    const size = utf8Length(`    ${JSON.stringify(k)}: ${print(resultObject(lean), 2)},\n`);
    total -= sizes.get(k)! - size;
  }
  return { ...doc, results };
}
