/**
 * Sheets in and out of the page: open a file (picker or drop), save/download, copy a link, export
 * CSV. Everything read goes through the engine's validation; a refused file changes nothing and
 * comes back as a message.
 */
import { type Result, err } from '../engine/errors.ts';
import { csvImportRows, sheetCsv } from '../engine/file/csv-sheet.ts';
import { fileStem } from '../engine/file/file-name.ts';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { locale, t } from './i18n/index.ts';
import { fileErrorText } from './engine-text.ts';
import { linkOrRefusal } from '../engine/file/link.ts';
import { FILE_LIMITS, type SheetDocument, fromLink, readSheet, writeSheet } from '../engine/sheet-file.ts';
import type { SaveLimit } from '../persist/idb.ts';

/** Read a file a person chose or dropped; its size is checked before a byte is read. */
export async function readSheetBlob(file: Blob & { name?: string }): Promise<Result<SheetDocument, string>> {
  const name = file.name ?? t('file.theFile');
  if (file.size > FILE_LIMITS.maxBytes) {
    return err(t('file.tooBig', { name, mb: (file.size / 1e6).toFixed(1), max: FILE_LIMITS.maxBytes / 1e6 }));
  }
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    return err(t('file.unreadable', { name, message: e instanceof Error ? e.message : String(e) }));
  }
  const doc = readSheet(text);
  return doc.ok ? doc : err(t('file.notOpened', { name, error: fileErrorText(doc.error, locale()) }));
}

/** Hyperparameter rows from a CSV (headers named by column key or label); unknown headers are listed. */
export async function readCsvBlob(file: Blob & { name?: string }): Promise<Result<{ rows: Record<string, string>[]; unknown: string[] }, string>> {
  const name = file.name ?? t('file.theFile');
  if (file.size > FILE_LIMITS.maxBytes) return err(t('file.csvTooBig', { name, max: FILE_LIMITS.maxBytes / 1e6 }));
  // A sweep's children in our own export are left out: the sweep row makes them again.
  const table = csvImportRows(await file.text());
  if (!table.ok) return err(t('file.notImported', { name, error: fileErrorText(table.error, locale()) }));
  const { rows, unknown } = table.value;
  if (rows.length > FILE_LIMITS.maxRows) return err(t('file.tooManyRows', { name, n: rows.length, max: FILE_LIMITS.maxRows }));
  return { ok: true, value: { rows, unknown } };
}

/** The sheet in the page's address (`#s=…`), if any. */
export function sheetFromHash(hash: string): Result<SheetDocument, string> | null {
  if (!hash.startsWith('#s=')) return null;
  const doc = fromLink(hash);
  return doc.ok ? doc : err(t('file.badLink', { error: fileErrorText(doc.error, locale()) }));
}

/** The page's address with the sheet's settings (not its results) in the fragment. */
export function linkFor(doc: SheetDocument, location: { origin: string; pathname: string }): Result<string, string> {
  const link = linkOrRefusal(doc);
  return link.ok ? { ok: true, value: `${location.origin}${location.pathname}${link.value}` } : err(fileErrorText(link.error, locale()));
}

export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What the autosave says of a saved sheet past a file cap, in the page's language (persist/autosave.ts checkLimits). */
export function saveLimitText(limit: SaveLimit): string {
  // Two decimals near the cap: 5,040,000 bytes read '5 MB' beside a cap of 5 MB (review-20).
  const mb = (bytes: number) => (bytes / 1e6).toFixed(Math.abs(bytes - FILE_LIMITS.maxBytes) < 0.1e6 ? 2 : 1).replace(/\.0+$/, '');
  const count = (n: number) => n.toLocaleString(locale() === 'ko' ? 'ko-KR' : 'en-US');
  switch (limit.what) {
    case 'rows': return t('msg.limit.rows', { rows: count(limit.rows), max: count(limit.max) });
    case 'bytes': return t('msg.limit.bytes', { mb: mb(limit.bytes), max: mb(limit.max) });
    case 'results': return t('msg.limit.results', { n: count(limit.left), maxResults: count(limit.maxResults), maxMb: mb(limit.maxBytes) });
    case 'curves': return t('msg.limit.curves', { n: count(limit.left), maxMb: mb(limit.maxBytes) });
  }
}

export function saveSheet(doc: SheetDocument): void {
  downloadText(writeSheet(doc), `${fileStem(doc.title)}.sheet.json`, 'application/json');
}

/** The table as shown (inputs as typed, results, formula columns), with formula-like text escaped. */
export function exportCsv(rows: readonly RowState[], formulaColumns: readonly { key: string; label: string }[], title: string): void {
  downloadText(sheetCsv(rows, formulaColumns), `${fileStem(title)}.csv`, 'text/csv');
}
