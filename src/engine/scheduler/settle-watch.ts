/**
 * Telling, within one recompute, a sheet whose rows flip for ever from one still on its way to a
 * settled state. Placing a row can change what its own formulas read (a sweep's runs move every
 * row below it), so a row may flip between two placings for ever (review-20); but a wave along a
 * chain of sweeps read by A1 references also takes one round per link, since positions change
 * only once a link is placed (review-23 F1). A fixed number of rounds cannot tell the two apart:
 * 8 held the 17th link of a chain. What can: the formulas and the placing are a function of the
 * rows' spec values (and the results known, which do not change within a recompute), so a sheet
 * whose spec values come back to a state they had in this recompute will go round that loop for
 * ever, while a wave never repeats a state.
 *
 * The state is kept as a hash (two 32-bit FNV-1a sums, XORed over the rows whose values differ
 * from where the watch first saw them), updated only for the rows that change.
 */
import type { FormulaValue } from '../formula/index.ts';
import { isFormulaError } from '../formula/index.ts';

/** A set of spec values as one string: equal when sameSpecValues says so (errors by code and message). */
export function specSignature(values: Readonly<Record<string, FormulaValue>>, keys: Iterable<string>): string {
  let s = '';
  for (const key of keys) {
    const v = values[key];
    s += v !== undefined && v !== null && isFormulaError(v) ? `#${v.code}:${v.message}` : typeof v === 'string' ? `"${v}` : String(v);
    s += '\u0000';
  }
  return s;
}

/** The spec values of the rows re-placed in one recompute, round by round. */
export class SettleWatch {
  /** Each row's signature when the watch first saw it change, and now. */
  private readonly first = new Map<string, string>();
  private readonly now = new Map<string, string>();
  private h1 = 0;
  private h2 = 0;
  private readonly states = new Set<string>(['0:0']);

  constructor(private readonly keys: readonly string[]) {}

  /** Rows seen changing so far. */
  get rows(): number {
    return this.first.size;
  }

  /** Row `id`'s spec values went from `from` to `to` in this round. */
  change(id: string, from: Readonly<Record<string, FormulaValue>>, to: Readonly<Record<string, FormulaValue>>): void {
    let prev = this.now.get(id);
    if (prev === undefined) {
      prev = specSignature(from, this.keys);
      this.first.set(id, prev);
    }
    const next = specSignature(to, this.keys);
    this.toggle(id, prev);
    this.toggle(id, next);
    this.now.set(id, next);
  }

  /** At the end of a round: whether the spec values are back to a state they had in an earlier round. */
  repeats(): boolean {
    const key = `${this.h1}:${this.h2}`;
    if (this.states.has(key)) return true;
    this.states.add(key);
    return false;
  }

  /** A row's share of the state: nothing while its values are where they started. */
  private toggle(id: string, signature: string): void {
    if (signature === this.first.get(id)) return;
    const text = `${id}\u0000${signature}`;
    this.h1 ^= fnv(text, 0x811c9dc5);
    this.h2 ^= fnv(text, 0x01000193 ^ 0x5bd1e995);
  }
}

function fnv(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
