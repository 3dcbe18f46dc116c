/**
 * Saved sheets in the `sheets` store, and the current sheet id in `meta`. A record holds the
 * canonical version 2 file text, whole (as saved before chunks) or as the keys of its chunks in
 * the `chunks` store, written in the same transaction: a saved sheet is read back by the same
 * checks as any file, and a record that fails them is reported and treated as absent, never
 * half-loaded.
 */
import { readSheet } from '../engine/file/read.ts';
import type { SheetDocument } from '../engine/file/types.ts';
import type { PersistStore, StoreError, Transaction } from './idb.ts';

interface RecordHead {
  readonly id: string;
  readonly title: string;
  /** Milliseconds since 1970 (Date.now()) of the last write. */
  readonly updatedAt: number;
}

/** A sheet saved whole: the sheet as writeSheet() prints it. */
export interface SheetRecord extends RecordHead {
  readonly text: string;
}

/** A sheet saved in chunks: writeSheet()'s text is its chunks' texts joined in this order. */
export interface ChunkedSheetRecord extends RecordHead {
  readonly chunks: readonly string[];
  /** UTF-8 bytes of the whole text. */
  readonly bytes: number;
}

export type SheetSummary = RecordHead;

/** A chunk to save: its key (chunkKey) and its text, printed when it has to be stored. */
export interface ChunkToSave {
  readonly key: string;
  readonly bytes: number;
  text(): string;
}

const CURRENT_KEY = 'currentSheet';

/** Chunk texts cloned into the store per main-thread task, at most (plus one chunk). */
const SLICE_BYTES = 256 * 1024;

function isHead(v: unknown): v is RecordHead {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.title === 'string' && typeof r.updatedAt === 'number';
}

function isRecord(v: unknown): v is SheetRecord | ChunkedSheetRecord {
  if (!isHead(v)) return false;
  const r = v as unknown as Record<string, unknown>;
  return typeof r.text === 'string' || (Array.isArray(r.chunks) && r.chunks.every((k) => typeof k === 'string'));
}

/** Every chunk of a sheet has a key starting with this; no other sheet's key does (JSON quotes the id). */
function chunkPrefix(sheetId: string): string {
  return `${JSON.stringify([sheetId]).slice(0, -1)},`;
}

/** The key of a sheet's chunk called `name`. */
export function chunkKey(sheetId: string, name: string): string {
  return `${chunkPrefix(sheetId)}${JSON.stringify(name)}]`;
}

function unreadable(sheetId: string, why: string): StoreError {
  return { kind: 'store-error', op: 'read sheets', quota: false, message: `the saved copy of sheet "${sheetId}" could not be read: ${why}` };
}

/**
 * The last saved document of a sheet, or null when there is none. A storage failure or an
 * unreadable record is reported through `onError` and also gives null.
 */
export async function recoverSheet(store: PersistStore, sheetId: string, onError?: (e: StoreError) => void): Promise<SheetDocument | null> {
  const got = await savedText(store, sheetId);
  if (!got.ok) {
    onError?.(got.error);
    return null;
  }
  if (got.value === undefined) return null;
  const doc = readSheet(got.value);
  if (!doc.ok) {
    onError?.(unreadable(sheetId, doc.error));
    return null;
  }
  return doc.value;
}

/**
 * The saved text of a sheet, read in one transaction (record and chunks together), or undefined
 * when there is none. A record that is not a saved sheet, or misses a chunk, is an error.
 */
export async function savedText(store: PersistStore, sheetId: string): Promise<{ ok: true; value: string | undefined } | { ok: false; error: StoreError }> {
  let found: unknown;
  let parts: unknown[] = [];
  const read = await store.transact(['sheets', 'chunks'], 'readonly', 'read sheets', async (tx) => {
    found = await tx.get('sheets', sheetId);
    if (isRecord(found) && 'chunks' in found) parts = await Promise.all(found.chunks.map((k) => tx.get('chunks', k)));
  }).done;
  if (!read.ok) return read;
  if (found === undefined) return { ok: true, value: undefined };
  if (!isRecord(found)) return { ok: false, error: unreadable(sheetId, 'the record is not a saved sheet') };
  if ('text' in found) return { ok: true, value: found.text };
  if (!parts.every((p) => typeof p === 'string')) return { ok: false, error: unreadable(sheetId, 'a part of it is missing') };
  return { ok: true, value: parts.join('') };
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

/**
 * Save a sheet as `chunks` (in file order), replacing its saved copy in one transaction: the
 * chunks the store lacks are put, a few hundred kilobytes per task, then the record; chunks no
 * longer used are deleted. `hurry` (the page is being hidden, maybe closed) makes every request at
 * once, in this task: it deletes the sheet's chunks and puts them all again, reading nothing first.
 */
export function saveSheetChunks(store: PersistStore, head: RecordHead, chunks: readonly ChunkToSave[], bytes: number, hurry: boolean): Transaction {
  const record: ChunkedSheetRecord = { id: head.id, title: head.title, updatedAt: head.updatedAt, chunks: chunks.map((c) => c.key), bytes };
  const prefix = chunkPrefix(head.id);
  return store.transact(['sheets', 'chunks'], 'readwrite', 'put sheets', async (tx) => {
    let have = new Set<string>();
    if (hurry) tx.deletePrefix('chunks', prefix);
    else {
      have = new Set(await tx.keys('chunks', prefix));
      const want = new Set(record.chunks);
      for (const k of have) if (!want.has(k)) tx.delete('chunks', k);
    }
    let slice = 0;
    for (const c of chunks) {
      if (have.has(c.key)) continue;
      have.add(c.key);
      const put = tx.put('chunks', c.key, c.text());
      slice += c.bytes;
      if (!hurry && slice >= SLICE_BYTES) {
        // Give the page a turn: the next puts happen in the task that brings this answer.
        await put;
        slice = 0;
      }
    }
    // Not awaited: the body ends in this task, so the transaction is committed at once (hurry).
    void tx.put('sheets', head.id, record);
  });
}

/** Remove a sheet and its chunks. */
export function deleteSheet(store: PersistStore, sheetId: string) {
  return store.transact(['sheets', 'chunks'], 'readwrite', 'delete sheets', async (tx) => {
    tx.delete('sheets', sheetId);
    tx.deletePrefix('chunks', chunkPrefix(sheetId));
  }).done;
}

/** The sheet the app had open last, or null. */
export async function currentSheetId(store: PersistStore): Promise<string | null> {
  const got = await store.get<unknown>('meta', CURRENT_KEY);
  return got.ok && typeof got.value === 'string' ? got.value : null;
}

export function setCurrentSheetId(store: PersistStore, sheetId: string) {
  return store.put('meta', CURRENT_KEY, sheetId);
}
