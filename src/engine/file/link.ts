/**
 * A sheet in a link: the document without its results (title, settings, formula columns, rows),
 * as `#s=` and raw DEFLATE in base64url. Opening a link goes through the same checks as opening a
 * file. fflate rather than lz-string: its streaming inflate lets us stop as soon as the output
 * passes the cap, so a crafted link cannot expand to gigabytes (DEFLATE stays under about 1,032:1,
 * and we never hold more than the cap plus one chunk); lz-string can only decompress whole.
 */
import { deflateSync, Inflate } from 'fflate';
import { type Result, err } from '../errors.ts';
import { fmt } from './issues.ts';
import { parseCleanJson } from './json.ts';
import { checkCleanDocument } from './read.ts';
import type { SheetDocument } from './types.ts';
import { fileObject } from './write.ts';

export const LINK_LIMITS = {
  /** Characters after `#s=`; browsers and chat apps mangle far shorter links anyway. */
  maxEncoded: 100_000,
  /** Bytes of JSON after decompression. */
  maxJsonBytes: 1_000_000,
} as const;

const PREFIX = '#s=';

/** The fragment for a document, e.g. `#s=q1ZKy0...`; its results are left out. */
export function toLink(doc: SheetDocument): string {
  return linkOf(linkBytes(doc));
}

/**
 * The document as a link carries it: the file's JSON without results, as UTF-8. Without results a
 * row has no stale result to show, and a staleResult key would refuse the link (it names a result).
 */
function linkBytes(doc: SheetDocument): Uint8Array {
  const rows = doc.rows.map((r) => (r.staleResult === undefined ? r : { id: r.id, cells: r.cells }));
  return new TextEncoder().encode(JSON.stringify(fileObject({ ...doc, rows, results: {} })));
}

function linkOf(bytes: Uint8Array): string {
  return PREFIX + base64url(deflateSync(bytes, { level: 9 }));
}

/**
 * The fragment for a document, or why there is none: a sheet whose link fromLink would refuse
 * (longer than LINK_LIMITS.maxEncoded, or expanding past maxJsonBytes) is refused here, where the person can still save a file,
 * rather than when someone opens the link.
 */
export function linkOrRefusal(doc: SheetDocument): Result<string, string> {
  const bytes = linkBytes(doc);
  // fromLink stops inflating past maxJsonBytes: a big sheet of repeated text compresses into a short link it would refuse.
  if (bytes.length > LINK_LIMITS.maxJsonBytes) return err(`the sheet holds ${fmt(bytes.length)} bytes of settings; a link holds at most ${fmt(LINK_LIMITS.maxJsonBytes)}: save it as a file instead`);
  const link = linkOf(bytes);
  const length = link.length - PREFIX.length;
  if (length > LINK_LIMITS.maxEncoded) return err(`the sheet makes a link of ${fmt(length)} characters; the limit is ${fmt(LINK_LIMITS.maxEncoded)}: save it as a file instead`);
  return { ok: true, value: link };
}

/** Read a fragment made by toLink (with or without the leading #); results always come back empty. */
export function fromLink(fragment: string): Result<SheetDocument, string> {
  const m = /^#?s=([A-Za-z0-9_-]*)$/.exec(typeof fragment === 'string' ? fragment.trim() : '');
  if (!m) return err('the link does not hold a sheet: expected a fragment like "#s=…" of letters, digits, - and _');
  const encoded = m[1]!;
  if (encoded.length > LINK_LIMITS.maxEncoded) return err(`the link is ${fmt(encoded.length)} characters long; the limit is ${fmt(LINK_LIMITS.maxEncoded)}`);
  const bytes = unbase64url(encoded);
  if (bytes === null) return err('the link is damaged: its text is not valid base64url');
  const json = inflateCapped(bytes, LINK_LIMITS.maxJsonBytes);
  if (!json.ok) return json;
  const data = parseCleanJson(json.value, LINK_LIMITS.maxJsonBytes, 'the link');
  if (!data.ok) return data;
  const doc = checkCleanDocument(data.value);
  return doc.ok ? { ok: true, value: { ...doc.value, results: {} } } : err(`the link was refused: ${doc.error}`);
}

/** Inflate in small steps, stopping once the output passes `cap`: a bomb costs at most cap plus one chunk. */
function inflateCapped(bytes: Uint8Array, cap: number): Result<string, string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inflate = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total <= cap) chunks.push(chunk.slice());
    if (final) done = true;
  });
  const step = 1024;
  try {
    for (let off = 0; off < bytes.length || off === 0; off += step) {
      inflate.push(bytes.subarray(off, off + step), off + step >= bytes.length);
      if (total > cap) return err(`the link expands to more than ${fmt(cap)} bytes; the limit is ${fmt(cap)}`);
      if (off + step >= bytes.length) break;
    }
  } catch (e) {
    return err(`the link is damaged: it does not decompress (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!done) return err('the link is damaged: it ends too early');
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(all) };
  } catch {
    return err('the link is damaged: it does not hold UTF-8 text');
  }
}

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unbase64url(s: string): Uint8Array | null {
  if (s.length % 4 === 1) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
