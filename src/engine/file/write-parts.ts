/**
 * The sheet file's text in chunks, for autosave: the same bytes as writeSheet once joined, cut into
 * pieces of tens of kilobytes that stay the same from one save to the next while their rows and
 * results do. A save then stores only the chunks that changed, and no step of it handles the
 * whole text (5 MB at the cap) at once.
 *
 * Cuts depend on content, not on position: a chunk ends after a row whose id (a result whose spec
 * key) hashes to 0 modulo ROW_CUT (RESULT_CUT), or once it holds MAX_CHUNK_BYTES. Adding or
 * removing a row changes the chunk it falls in (and, after a forced cut, the chunks up to the next
 * hashed one), not every chunk after it.
 */
import { type Printed, frameText, resultEntry, rowLine } from './write.ts';
import { STEP, SortedCache, type Steps, drain, sortedSteps } from './steps.ts';
import type { SheetDocument } from './types.ts';
import { utf8Length } from './json.ts';

/** Rows (about 250 bytes each) per chunk on average. */
const ROW_CUT = 64;
/** Results (1-20 kB each, with their curves and decision boundary) per chunk on average. */
const RESULT_CUT = 8;
/** A chunk is cut here whatever the hash says. */
export const MAX_CHUNK_BYTES = 128 * 1024;

export interface SheetChunk {
  /**
   * Names the chunk's text within this page: chunks with the same signature have the same text.
   * Built from the serial numbers of the printed rows and results in it (a frame chunk: its text).
   */
  readonly sig: string;
  /** The text's length in UTF-8 bytes. */
  readonly bytes: number;
  /** The chunk's text, made on first call. */
  text(): string;
}

export interface SheetParts {
  /** In file order: their texts joined are writeSheet's text. */
  readonly chunks: readonly SheetChunk[];
  /** UTF-8 bytes of the whole file. */
  readonly bytes: number;
}

/** A row's or result's printed text with what chunking needs: made once per printed object. */
interface Entry {
  readonly text: string;
  readonly bytes: number;
  readonly serial: number;
  /** A chunk may end after this entry. */
  readonly cut: boolean;
}

let serials = 0;
const entries = new WeakMap<Printed, Entry>();

function entryOf(p: Printed, id: string, every: number): Entry {
  let e = entries.get(p);
  if (!e) entries.set(p, (e = { text: p.text, bytes: p.bytes, serial: ++serials, cut: fnv1a(id) % every === 0 }));
  return e;
}

/** FNV-1a over UTF-16 code units: a cheap, stable spread of ids over the cut points. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Result keys in file order, sorted incrementally from one save to the next. */
const keyOrder = new SortedCache();

/** The file's chunks for `doc`, at once. */
export function sheetParts(doc: SheetDocument): SheetParts {
  return drain(sheetPartsSteps(doc));
}

/** sheetParts, pausing every few hundred rows and results (see steps.ts). */
export function* sheetPartsSteps(doc: SheetDocument): Steps<SheetParts> {
  const [before, between, after] = frameText(doc);
  const keys = yield* sortedSteps(Object.keys(doc.results), (k) => k, keyOrder);
  const rows = doc.rows.length > 0;
  const results = keys.length > 0;
  const out = new Chunks();
  out.frame(before + (rows ? '[\n' : '[]'));
  for (let i = 0; i < doc.rows.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const r = doc.rows[i]!;
    out.add(entryOf(rowLine(r), r.id, ROW_CUT));
  }
  out.frame((rows ? '\n  ]' : '') + between + (results ? '{\n' : '{}'));
  for (let i = 0; i < keys.length; i++) {
    if (i % STEP === STEP - 1) yield;
    out.add(entryOf(resultEntry(keys[i]!, doc.results[keys[i]!]!), keys[i]!, RESULT_CUT));
  }
  out.frame((results ? '\n  }' : '') + after);
  return { chunks: out.chunks, bytes: out.bytes };
}

/** Groups a list's entries into chunks: entries are separated by ",\n", the list's last has none. */
class Chunks {
  readonly chunks: SheetChunk[] = [];
  bytes = 0;
  private open: Entry[] = [];
  private openBytes = 0;
  private full = false;

  add(e: Entry): void {
    // A full chunk is closed only when another entry follows: only then is its comma known.
    if (this.full) this.close(false);
    this.open.push(e);
    this.openBytes += e.bytes;
    this.full = e.cut || this.openBytes >= MAX_CHUNK_BYTES;
  }

  /** Text between the lists: ends the list before it. */
  frame(text: string): void {
    if (this.open.length > 0) this.close(true);
    this.push({ sig: `F${text}`, bytes: utf8Length(text), text: () => text });
  }

  private close(last: boolean): void {
    const list = this.open;
    this.open = [];
    this.full = false;
    const sig = list.map((e) => e.serial).join('.') + (last ? '$' : '');
    const bytes = this.openBytes + 2 * (last ? list.length - 1 : list.length);
    this.openBytes = 0;
    let text: string | null = null;
    this.push({ sig, bytes, text: () => (text ??= list.map((e) => e.text).join(',\n') + (last ? '' : ',\n')) });
  }

  private push(c: SheetChunk): void {
    this.chunks.push(c);
    this.bytes += c.bytes;
  }
}
