/**
 * zod's findings in words a person understands, each starting with the place in the file:
 * `rows[3].cells.lr: expected text, found a number`.
 */
import { clipForMessage } from '../text-cut.ts';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** `rows[3].cells.lr`; keys that are not plain names are quoted and clipped: `results["{\"dataset\"…"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(clip(String(p), 40))}]`;
  }
  return out === '' ? 'the file' : out;
}

/** What a value is, as a noun phrase: "a number", "text", "a list". */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return Number.isFinite(v) ? 'a number' : 'a number too large to store';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : typeof v;
}

const NOUNS: Record<string, string> = {
  string: 'text', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list', null: 'null',
  int: 'a whole number', record: 'an object',
};

const countOf = (input: unknown): number | null =>
  typeof input === 'string' || Array.isArray(input) ? input.length : null;

/** The error map handed to every safeParse; messages set on a schema take precedence. */
export function errorMap(iss: RawIssue): string {
  const input = iss.input;
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${NOUNS[iss.expected] ?? iss.expected}, found ${describeValue(input)}`;
    case 'too_big': {
      const n = countOf(input);
      if (iss.origin === 'string') return `longer than ${fmt(Number(iss.maximum))} characters${n === null ? '' : ` (${fmt(n)})`}`;
      if (iss.origin === 'array') return `${n === null ? 'too many' : fmt(n)} items; the limit is ${fmt(Number(iss.maximum))}`;
      return `expected at most ${String(iss.maximum)}`;
    }
    case 'too_small':
      if (iss.origin === 'string' && Number(iss.minimum) === 1) return 'must not be empty';
      if (iss.origin === 'string') return `shorter than ${String(iss.minimum)} characters`;
      return `expected at least ${String(iss.minimum)}`;
    case 'invalid_value':
      return `expected ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${typeof input === 'string' ? JSON.stringify(clip(input, 40)) : describeValue(input)}`;
    case 'unrecognized_keys':
      return `unknown field${iss.keys.length === 1 ? '' : 's'} ${iss.keys.map((k) => JSON.stringify(clip(k, 40))).join(', ')}`;
    case 'invalid_union':
      return `not a value this field accepts (found ${describeValue(input)})`;
    case 'invalid_format':
      return `${typeof input === 'string' ? JSON.stringify(clip(input, 40)) : 'the value'} is not in the expected form`;
    default:
      return iss.message ?? 'not accepted here';
  }
}

/** The first problem, and how many more there are: a person fixes one thing at a time. */
export function describeIssues(issues: readonly Issue[]): string {
  const first = issues[0];
  if (!first) return 'the file was refused';
  const more = issues.length - 1;
  return `${formatPath(first.path)}: ${first.message}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`;
}

export function clip(s: string, max: number): string {
  return clipForMessage(s, max);
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
