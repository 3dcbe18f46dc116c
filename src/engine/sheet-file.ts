/**
 * The sheet file: the entry point callers import. The format itself lives in ./file/ (types,
 * schema, migration, reading, writing, CSV and links); this module keeps the older row-based API
 * (readSheetFile, writeSheetFile) working on top of it, for version 1 and version 2 files alike.
 */
import type { Result } from './errors.ts';
import { cachedResults, checkDocument, readSheet, rowInits } from './file/read.ts';
import type { ResultStamp } from './file/result.ts';
import { emptyDocument, FILE_LIMITS, FORMAT, FORMAT_VERSION, type SheetDocument } from './file/types.ts';
import { documentFromRows, writeSheet } from './file/write.ts';
import type { RowInit, RowState } from './scheduler/sheet-engine.ts';

export { FILE_LIMITS, FORMAT, FORMAT_VERSION, emptyDocument };
export type { FormulaColumn, HistorySeries, Provenance, RunMode, SavedResult, SheetDocument, SheetRow, SheetSettings } from './file/types.ts';
export type { ResultStamp } from './file/result.ts';
export { cachedResults, checkDocument, readSheet, rowInits, documentFromRows, writeSheet };
export { pruneResults } from './file/write.ts';
export { savedFromTrainResult, trainResultFromSaved } from './file/result.ts';
export { fromCsv, toCsv, type CsvTable } from './file/csv.ts';
export { fromLink, toLink, LINK_LIMITS } from './file/link.ts';

/** A file read for the engine: the document, and its rows with the results that match them. */
export interface SheetFile {
  readonly format: typeof FORMAT;
  readonly version: typeof FORMAT_VERSION;
  readonly title: string;
  readonly description: string;
  readonly rows: readonly RowInit[];
  /** The whole document: settings, formula columns and every cached result. Pass it back when saving. */
  readonly document: SheetDocument;
}

/** Parse and check a sheet file's text; version 1 files are migrated. The file is refused whole or read whole. */
export function readSheetFile(text: string): Result<SheetFile, string> {
  const doc = readSheet(text);
  if (!doc.ok) return doc;
  const d = doc.value;
  return { ok: true, value: { format: FORMAT, version: FORMAT_VERSION, title: d.title, description: d.description, rows: rowInits(d), document: d } };
}

export interface SheetMeta {
  readonly title: string;
  readonly description: string;
  /** The document the sheet was read from; without it settings, formula columns and cached results start empty. */
  readonly document?: SheetDocument;
}

/**
 * The version 2 file for the sheet as it stands: every row's cells and every result the rows hold,
 * on top of `meta.document` when given. A result new to the document is stamped with `stamp`
 * (by default: now, app and tfjs unknown); one already there keeps its stamp, so saving an unchanged
 * sheet gives the same bytes.
 */
export function writeSheetFile(meta: SheetMeta, rows: readonly RowState[], stamp: Partial<ResultStamp> = {}): string {
  const base = { ...(meta.document ?? emptyDocument()), title: meta.title, description: meta.description };
  const full: ResultStamp = { finishedAt: stamp.finishedAt === undefined ? new Date().toISOString() : stamp.finishedAt, app: stamp.app ?? null, tfjs: stamp.tfjs ?? null };
  return writeSheet(documentFromRows(base, rows, full));
}
