/**
 * Writing a sheet file. The output is canonical — fixed key order, two-space indentation, lists of
 * numbers on one line, results sorted by spec key, a trailing newline — so save, open, save gives
 * the same bytes, and a diff of two saves shows only what changed.
 */
import { INPUT_COLUMNS } from '../columns.ts';
import type { Insights } from '../job.ts';
import { type RowState, isStale } from '../scheduler/row-state.ts';
import { canonicalJson } from '../spec.ts';
import { utf8Length } from './json.ts';
import { type ResultStamp, savedFromTrainResult } from './result.ts';
import { STEP, SortedCache, type Steps, compare, drain, sortedSteps } from './steps.ts';
import { FILE_LIMITS, type SavedResult, type SheetDocument, type SheetRow } from './types.ts';

/** The file's text for a document. */
export function writeSheet(doc: SheetDocument): string {
  return writeSheetSized(doc).text;
}

/** A printed part of the file and its length in UTF-8 bytes. */
export interface Printed {
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
  return drain(sheetBytesSteps(doc, resultsPrinted(doc.results).bytes));
}

/** sheetBytes with the results' part measured by the caller, pausing between rows. */
function* sheetBytesSteps(doc: SheetDocument, resultsBytes: number): Steps<number> {
  let rows = 0;
  for (let i = 0; i < doc.rows.length; i++) {
    if (i % STEP === STEP - 1) yield;
    rows += rowLine(doc.rows[i]!).bytes;
  }
  const rowsBytes = doc.rows.length === 0 ? 2 : rows + 2 + 2 * (doc.rows.length - 1) + 4;
  return frameBytes(fileObject({ ...doc, rows: [], results: {} })) + rowsBytes + resultsBytes;
}

/**
 * The file's text around its rows and results: [before the rows list, between the lists, after
 * the results]. NUL marks the lists' places: JSON never prints it raw (it escapes it).
 */
export function frameText(doc: SheetDocument): readonly [string, string, string] {
  const head = fileObject({ ...doc, rows: [], results: {} });
  const [a, b, c] = `${print({ ...head, rows: new Raw('\u0000'), results: new Raw('\u0000') }, 0)}\n`.split('\u0000');
  return [a!, b!, c!];
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
const rowTexts = new WeakMap<object, Printed & { readonly id: string; readonly staleResult: string | undefined }>();
const resultTexts = new WeakMap<SavedResult, Printed>();
const resultEntries = new WeakMap<SavedResult, Printed & { readonly key: string }>();

/** Printed text, measured once. */
function printed(text: string): Printed {
  return { text, bytes: utf8Length(text) };
}

/** `[`, each line indented and comma-separated, `]`: the punctuation is ASCII, one byte a character. */
function listOf(lines: readonly string[], bytes: number, open: string, close: string): Printed {
  if (lines.length === 0) return { text: `${open}${close}`, bytes: 2 };
  return { text: `${open}\n${lines.join(',\n')}\n  ${close}`, bytes: bytes + 2 + 2 * (lines.length - 1) + 4 };
}

/** A row's line in the file (indented, no comma), printed once per cells object, id and stale result. */
export function rowLine(r: SheetDocument['rows'][number]): Printed & { readonly id: string; readonly staleResult: string | undefined } {
  let hit = rowTexts.get(r.cells);
  if (!hit || hit.id !== r.id || hit.staleResult !== r.staleResult) {
    rowTexts.set(r.cells, (hit = { id: r.id, staleResult: r.staleResult, ...printed(`    ${print(rowObject(r), 2)}`) }));
  }
  return hit;
}

/** A row in canonical key order; staleResult only when there is one, so older files print as they did. */
function rowObject(r: SheetRow): object {
  return { id: r.id, cells: cellsObject(r.cells), ...(r.staleResult === undefined ? {} : { staleResult: r.staleResult }) };
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

/** A result's entry in the file's results (`    "key": {...}`, no comma), printed once per result and key. */
export function resultEntry(key: string, r: SavedResult): Printed & { readonly key: string } {
  let hit = resultEntries.get(r);
  if (!hit || hit.key !== key) {
    const k = JSON.stringify(key);
    const value = resultPrinted(r);
    resultEntries.set(r, (hit = { key, text: `    ${k}: ${value.text}`, bytes: 4 + utf8Length(k) + 2 + value.bytes }));
  }
  return hit;
}

function resultsPrinted(results: SheetDocument['results']): Printed {
  let bytes = 0;
  const lines = sortedKeys(results).map((k) => {
    const entry = resultEntry(k, results[k]!);
    bytes += entry.bytes;
    return entry.text;
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
    rows: doc.rows.map(rowObject),
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
  return Object.keys(o).sort(compare);
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
    // Numbers (curves, boundaries: thousands per result) in one pass instead of a string per
    // number: a finite number joins as JSON prints it (both are ToString); with NaN, ±Infinity or
    // null among them, JSON.stringify prints those as null and the commas get their space after.
    if (v.every((x) => typeof x === 'number' && Number.isFinite(x))) return `[${v.join(', ')}]`;
    if (v.every((x) => x === null || (typeof x !== 'object' && typeof x !== 'string'))) return JSON.stringify(v).replaceAll(',', ', ');
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
 * sweep's cells) and every result any row holds, fresh or stale, keyed by the spec it belongs to.
 * A result already in `base` keeps its stamp; a new one gets `stamp`. Results no row refers to are
 * dropped oldest first when the file would pass the result or size caps, so every saved file can
 * be opened again.
 */
export function documentFromRows(base: SheetDocument, rows: readonly RowState[], stamp: ResultStamp): SheetDocument {
  return drain(documentSteps(base, rows, stamp));
}

/** documentFromRows, pausing every few hundred rows and results (see steps.ts). */
export function* documentSteps(base: SheetDocument, rows: readonly RowState[], stamp: ResultStamp): Steps<SheetDocument> {
  const results: Record<string, SavedResult> = {};
  const baseKeys = Object.keys(base.results);
  for (let i = 0; i < baseKeys.length; i++) {
    if (i % STEP === STEP - 1) yield;
    results[baseKeys[i]!] = base.results[baseKeys[i]!]!;
  }
  const referenced = new Set<string>();
  const sheetRows: SheetRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const r = rows[i]!;
    // A sweep's children are made from its cells on open; only their results are kept.
    if (!r.parent) sheetRows.push(sheetRow(r.id, r.cells, isStale(r) ? r.resultKey ?? undefined : undefined));
    if (r.parsed.ok) referenced.add(r.parsed.key);
    if (r.result === null || r.resultKey === null) continue;
    referenced.add(r.resultKey);
    const old = Object.hasOwn(results, r.resultKey) ? results[r.resultKey] : undefined;
    // The result saved for this very run last time (or its copy without insights, made to fit
    // the size cap): no need to compare it again.
    const saved = savedFor.get(r.result);
    if (old && saved && (old === saved || old === leanFor.get(saved))) {
      results[r.resultKey] = saved;
      continue;
    }
    const fresh = savedFromTrainResult(r.result, stamp);
    const kept = old && sameRun(old, fresh) ? old : fresh;
    results[r.resultKey] = kept;
    savedFor.set(r.result, kept);
  }
  return yield* pruneSteps({ ...base, rows: sheetRows, results }, referenced);
}

/** Which saved result stands for a run's result (kept by object, so rows that did not change cost nothing). */
const savedFor = new WeakMap<object, SavedResult>();
/** A saved result without its insights, made once: the same object prints once. */
const leanFor = new WeakMap<SavedResult, SavedResult>();
/** The file's row for a cells object and id: the same object every save while the row is unchanged. */
const sheetRows = new WeakMap<object, SheetRow>();

function sheetRow(id: string, cells: Readonly<Record<string, string>>, staleResult: string | undefined): SheetRow {
  const c = cellsObject(cells);
  let row = sheetRows.get(c);
  if (!row || row.id !== id || row.staleResult !== staleResult) {
    sheetRows.set(c, (row = staleResult === undefined ? { id, cells: c } : { id, cells: c, staleResult }));
  }
  return row;
}

function leanOf(r: SavedResult): SavedResult {
  let lean = leanFor.get(r);
  if (!lean) {
    const { insights: _dropped, ...rest } = r;
    leanFor.set(r, (lean = rest));
  }
  return lean;
}

function sameRun(a: SavedResult, b: SavedResult): boolean {
  const strip = (r: SavedResult) => canonicalJson({ ...resultObject(r), finishedAt: null, provenance: null });
  return strip(a) === strip(b);
}

/**
 * Drop unreferenced results, oldest (or undated) first, until the counts and the size fit; then,
 * if the file is still too large, the insights of the oldest results, then their curves, and
 * only then (past the result count, or a file still too large) the oldest results rows show.
 */
export function pruneResults(doc: SheetDocument, keep: ReadonlySet<string>): SheetDocument {
  return drain(pruneSteps(doc, keep));
}

/** Orders by date (then key) of the last prunes: see sortedSteps. */
const byAge = { droppable: new SortedCache(), heavy: new SortedCache(), curved: new SortedCache(), shown: new SortedCache() };

function* pruneSteps(doc: SheetDocument, keep: ReadonlySet<string>): Steps<SheetDocument> {
  const keys = Object.keys(doc.results);
  const sizes = new Map<string, number>();
  // The sizes include each entry's ",\n"; the braces of a non-empty results object add 2 more bytes than "{}".
  let entries = 0;
  for (let i = 0; i < keys.length; i++) {
    // Printing a new result (a 200-epoch curve and a boundary) takes ~1 ms: one step each, so a
    // save after several runs finished does not print them all in one slice of autosave's.
    if (i % STEP === STEP - 1 || !resultEntries.get(doc.results[keys[i]!]!)) yield;
    const size = resultEntry(keys[i]!, doc.results[keys[i]!]!).bytes + 2;
    sizes.set(keys[i]!, size);
    entries += size;
  }
  let total = (yield* sheetBytesSteps({ ...doc, results: {} }, 2)) + entries + 2;
  let count = keys.length;
  if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) return doc;
  const age = (r: SavedResult, k: string) => `${r.finishedAt ?? ''}\u0000${k}`;
  const droppable = yield* sortedSteps(keys.filter((k) => !keep.has(k)), (k) => age(doc.results[k]!, k), byAge.droppable);
  const results = { ...doc.results };
  for (const k of droppable) {
    if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) break;
    delete results[k];
    count--;
    total -= sizes.get(k)!;
  }
  // Still too large with only the results rows show: their insights (a boundary is ~15 kB) go,
  // oldest first; the metrics and curves stay.
  if (total <= FILE_LIMITS.maxBytes) return { ...doc, results };
  const heavy = yield* sortedSteps(Object.keys(results).filter((k) => results[k]!.insights), (k) => age(results[k]!, k), byAge.heavy);
  for (const k of heavy) {
    if (total <= FILE_LIMITS.maxBytes) break;
    const lean = leanOf(results[k]!);
    results[k] = lean;
    const size = resultEntry(k, lean).bytes + 2;
    total -= sizes.get(k)! - size;
    sizes.set(k, size);
  }
  if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) return { ...doc, results };
  // Still too large: the curves of the oldest results go next, their numbers stay. A 500-epoch
  // curve is ~20 kB, its metrics ~0.5 kB: dropping whole results first (as before) lost the
  // grid's numbers of hundreds of rows, which retrained when the file was opened (review-19).
  const madeBare: string[] = [];
  if (total > FILE_LIMITS.maxBytes) {
    const curved = yield* sortedSteps(Object.keys(results).filter((k) => results[k]!.history.loss.length > 0), (k) => age(results[k]!, k), byAge.curved);
    for (let i = 0; i < curved.length; i++) {
      const k = curved[i]!;
      if (total <= FILE_LIMITS.maxBytes) break;
      // Each bare result is printed once (it is remembered): a first save of thousands takes slices.
      if (i % STEP === STEP - 1) yield;
      const bare = withoutCurves(results[k]!);
      results[k] = bare;
      const size = resultEntry(k, bare).bytes + 2;
      total -= sizes.get(k)! - size;
      sizes.set(k, size);
      madeBare.push(k);
    }
  }
  if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) return noted({ ...doc, results }, 0, madeBare.length);
  // Still over with only the results rows show (thousands of sweep runs): a file the reader
  // refuses would lose the whole sheet, so the oldest of those results go too and their rows
  // train again when it is opened. The autosave says how many (persist/autosave.ts).
  const shown = yield* sortedSteps(Object.keys(results), (k) => age(results[k]!, k), byAge.shown);
  for (const k of shown) {
    if (count <= FILE_LIMITS.maxResults && total <= FILE_LIMITS.maxBytes) break;
    delete results[k];
    count--;
    total -= sizes.get(k)!;
  }
  // A row may not name a stale result the file does not hold (the reader refuses it).
  const rows = doc.rows.map((r) => (r.staleResult !== undefined && !Object.hasOwn(results, r.staleResult) ? { id: r.id, cells: r.cells } : r));
  // Counted among those kept: a result dropped whole after losing its curves counts as dropped.
  const bareKept = madeBare.filter((k) => Object.hasOwn(results, k)).length;
  return noted({ ...doc, rows, results }, shown.filter((k) => !Object.hasOwn(results, k)).length, bareKept);
}

const NO_CURVES: SavedResult['history'] = { loss: [], acc: [], valLoss: [], valAcc: [], lr: [] };

/** A saved result with neither its curves nor its insights: its numbers only. */
function withoutCurves(r: SavedResult): SavedResult {
  let bare = bareFor.get(r);
  if (!bare) {
    const { insights: _dropped, ...rest } = r;
    bare = { ...rest, history: NO_CURVES };
    bareFor.set(r, bare);
  }
  return bare;
}

/** A saved result without its curves, made once: the same object prints once (as leanFor). */
const bareFor = new WeakMap<SavedResult, SavedResult>();

/** Per document pruneResults made: what of the results rows show it had to leave out. */
const leftOut = new WeakMap<SheetDocument, { results: number; curves: number }>();

function noted(doc: SheetDocument, results: number, curves: number): SheetDocument {
  leftOut.set(doc, { results, curves });
  return doc;
}

/** How many results the rows showed did not fit in `doc` (made by documentFromRows or pruneResults); 0 when all did. */
export function resultsLeftOut(doc: SheetDocument): number {
  return leftOut.get(doc)?.results ?? 0;
}

/** How many results in `doc` are kept without their curves (numbers only), to fit it in the file's size; 0 when none. */
export function curvesLeftOut(doc: SheetDocument): number {
  return leftOut.get(doc)?.curves ?? 0;
}
