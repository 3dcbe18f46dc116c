/**
 * The formula lexer: text (after the leading `=`) into tokens with their positions.
 *
 * Positions are 0-based indices into the whole cell text, so the `=` is at 0 and the first
 * character of the formula proper is at 1.
 */
import { type Result, ok, err } from '../errors.ts';

export type TokenType =
  | 'number' | 'string' | 'word'
  | '+' | '-' | '*' | '/' | '^'
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | '(' | ')' | ',' | ':'
  | 'end';

export interface Token {
  readonly type: TokenType;
  /** The source text of the token; for strings, the text between the quotes with `""` undone. */
  readonly text: string;
  /** 0-based index of the token's first character in the whole cell text. */
  readonly at: number;
  /** For numbers, the value. */
  readonly value?: number;
}

/** Where parsing failed and why; `message` is complete on its own. */
export interface FormulaParseError {
  readonly message: string;
  /** 0-based index into the cell text (the `=` is at 0). */
  readonly at: number;
  /** `name` for unknown functions and columns, `limit` for the size limits, else `syntax`. */
  readonly kind: 'syntax' | 'name' | 'limit';
}

export function parseError(message: string, at: number, kind: FormulaParseError['kind'] = 'syntax'): FormulaParseError {
  return { message, at, kind };
}

const SINGLE: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['+', '+'], ['-', '-'], ['*', '*'], ['/', '/'], ['^', '^'], ['=', '='],
  ['(', '('], [')', ')'], [',', ','], [':', ':'], ['<', '<'], ['>', '>'],
]);

const isDigit = (c: string) => c >= '0' && c <= '9';
const isWordStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
const isWordPart = (c: string) => isWordStart(c) || isDigit(c);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** How a character is named in a message: printable ones quoted, others by code point. */
export function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code > 32 && code < 127 ? `'${c}'` : `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Splits formula text into tokens, starting after the `=` at index 0. Words are
 * `[A-Za-z_$][A-Za-z0-9_$]*`: the parser decides whether one is a function, a reference, a
 * boolean or a column name.
 */
export function lex(text: string): Result<Token[], FormulaParseError> {
  const tokens: Token[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) { i++; continue; }
    const start = i;
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      while (isDigit(text[i] ?? '')) i++;
      if (text[i] === '.') { i++; while (isDigit(text[i] ?? '')) i++; }
      if ((text[i] === 'e' || text[i] === 'E')) {
        let j = i + 1;
        if (text[j] === '+' || text[j] === '-') j++;
        if (!isDigit(text[j] ?? '')) return err(parseError(`number ${text.slice(start, j)} has no digits after the exponent at ${start}`, start));
        while (isDigit(text[j] ?? '')) j++;
        i = j;
      }
      if (isWordStart(text[i] ?? '') || text[i] === '.') {
        return err(parseError(`unexpected ${showChar(text[i]!)} after the number ${text.slice(start, i)} at ${i}`, i));
      }
      const src = text.slice(start, i);
      const value = Number(src);
      if (!Number.isFinite(value)) return err(parseError(`number ${src} is too large at ${start}`, start));
      tokens.push({ type: 'number', text: src, at: start, value });
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) return err(parseError(`text starting at ${start} has no closing '"'`, start));
        const d = text[i]!;
        if (d === '"') {
          if (text[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++;
          break;
        }
        s += d;
        i++;
      }
      tokens.push({ type: 'string', text: s, at: start });
      continue;
    }
    if (isWordStart(c)) {
      while (isWordPart(text[i] ?? '')) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), at: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ type: two, text: two, at: start });
      i += 2;
      continue;
    }
    const single = SINGLE.get(c);
    if (single === undefined) {
      return err(parseError(`unexpected ${showChar(String.fromCodePoint(text.codePointAt(i)!))} at ${start}`, start));
    }
    tokens.push({ type: single, text: c, at: start });
    i++;
  }
  tokens.push({ type: 'end', text: '', at: text.length });
  return ok(tokens);
}
