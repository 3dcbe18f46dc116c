/**
 * Saved sheets in the `sheets` store, and the current sheet id in `meta`. A record holds the
 * canonical version 2 file text, so a saved sheet is read back by the same checks as any file:
 * a record that fails them is reported and treated as absent, never half-loaded.
 */
import { readSheet } from '../engine/file/read.ts';
import type { SheetDocument } from '../engine/file/types.ts';
import type { PersistStore, StoreError } from './idb.ts';

export interface SheetRecord {
  readonly id: string;
  readonly title: string;
  /** Milliseconds since 1970 (Date.now()) of the last write. */
  readonly updatedAt: number;
  /** The sheet as writeSheet() prints it. */
  readonly text: string;
}

export type SheetSummary = Omit<SheetRecord, 'text'>;

const CURRENT_KEY = 'currentSheet';

function isRecord(v: unknown): v is SheetRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.title === 'string' && typeof r.updatedAt === 'number' && typeof r.text === 'string';
}

function unreadable(sheetId: string, why: string): StoreError {
  return { kind: 'store-error', op: 'read sheets', quota: false, message: `the saved copy of sheet "${sheetId}" could not be read: ${why}` };
}

/**
 * The last saved document of a sheet, or null when there is none. A storage failure or an
 * unreadable record is reported through `onError` and also gives null.
 */
export async function recoverSheet(store: PersistStore, sheetId: string, onError?: (e: StoreError) => void): Promise<SheetDocument | null> {
  const got = await store.get<unknown>('sheets', sheetId);
  if (!got.ok) {
    onError?.(got.error);
    return null;
  }
  if (got.value === undefined) return null;
  if (!isRecord(got.value)) {
    onError?.(unreadable(sheetId, 'the record is not a saved sheet'));
    return null;
  }
  const doc = readSheet(got.value.text);
  if (!doc.ok) {
    onError?.(unreadable(sheetId, doc.error));
    return null;
  }
  return doc.value;
}

/** Saved sheets, most recently changed first, at most `limit`. Failures give an empty list and a report. */
export async function listRecent(store: PersistStore, limit = 20, onError?: (e: StoreError) => void): Promise<SheetSummary[]> {
  // Reads the texts too; fine for the tens of sheets a person keeps (each is at most 5 MB).
  const all = await store.getAll<unknown>('sheets');
  if (!all.ok) {
    onError?.(all.error);
    return [];
  }
  return all.value
    .map((e) => e.value)
    .filter(isRecord)
    .map(({ id, title, updatedAt }) => ({ id, title, updatedAt }))
    .sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1))
    .slice(0, Math.max(0, limit));
}

/** Write one sheet record. */
export function saveSheetRecord(store: PersistStore, record: SheetRecord) {
  return store.put('sheets', record.id, record);
}

export function deleteSheet(store: PersistStore, sheetId: string) {
  return store.delete('sheets', sheetId);
}

/** The sheet the app had open last, or null. */
export async function currentSheetId(store: PersistStore): Promise<string | null> {
  const got = await store.get<unknown>('meta', CURRENT_KEY);
  return got.ok && typeof got.value === 'string' ? got.value : null;
}

export function setCurrentSheetId(store: PersistStore, sheetId: string) {
  return store.put('meta', CURRENT_KEY, sheetId);
}
