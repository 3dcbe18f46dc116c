/**
 * Work that pauses. A big sheet's save walks 10,000 rows and as many results; written as a
 * generator that yields every STEP items, the same code runs at once (drain) or spread over
 * several main-thread tasks by a caller that resumes it after giving the page a turn.
 */

/** A computation that yields (with no value) wherever it may pause, and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Items (rows, results) handled between two pauses: under a millisecond even when each is printed for the first time. */
export const STEP = 64;

/** Run `steps` to the end without pausing. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

/** The order of the last call, for sortedSteps: keys in order and each key's sort text. */
export class SortedCache {
  keys: readonly string[] = [];
  by: ReadonlyMap<string, string> = new Map();
}

/**
 * `keys` in code-unit order of `sortText(key)` (ties kept apart by making the text unique, e.g.
 * by appending the key). Only keys that are new or whose text changed since the last call with
 * the same cache are sorted; the rest keep their order and are merged in linear time: a save of
 * 10,000 results sorts the few that finished since the last save, not all of them.
 */
export function* sortedSteps(keys: readonly string[], sortText: (key: string) => string, cache: SortedCache): Steps<string[]> {
  const now = new Map<string, string>();
  const fresh: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const k = keys[i]!;
    const s = sortText(k);
    now.set(k, s);
    if (cache.by.get(k) !== s) fresh.push(k);
  }
  fresh.sort((a, b) => compare(now.get(a)!, now.get(b)!));
  const out: string[] = [];
  let j = 0;
  const old = cache.keys;
  for (let i = 0; i < old.length; i++) {
    if (i % STEP === STEP - 1) yield;
    const k = old[i]!;
    const s = now.get(k);
    // Gone, or moved: a moved key is among the fresh ones.
    if (s === undefined || s !== cache.by.get(k)) continue;
    while (j < fresh.length && compare(now.get(fresh[j]!)!, s) < 0) out.push(fresh[j++]!);
    out.push(k);
  }
  while (j < fresh.length) out.push(fresh[j++]!);
  cache.keys = out;
  cache.by = now;
  return out;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
