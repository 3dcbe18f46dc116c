/**
 * The formula parser: recursive descent over the lexer's tokens, into a small AST.
 *
 *   formula        := "=" comparison
 *   comparison     := additive (("=" | "<>" | "<" | "<=" | ">" | ">=") additive)*
 *   additive       := multiplicative (("+" | "-") multiplicative)*
 *   multiplicative := unary (("*" | "/") unary)*
 *   unary          := ("-" | "+") unary | power
 *   power          := primary ("^" unary)?          right-associative: 2^3^2 = 2^9
 *   primary        := number | "text" | TRUE | FALSE | cell [":" cell] | column-name
 *                   | function "(" [comparison ("," comparison)*] ")" | "(" comparison ")"
 *
 * Unary minus binds looser than ^, as in mathematics and Python: -2^2 = -(2^2) = -4 (Excel and
 * LibreOffice give 4), while 2^-2 = 0.25 and (-2)^2 = 4. All binary operators but ^ are left-associative.
 *
 * A word followed by "(" is a function; a word in A1 form (B3, $B$3, up to three letters) is a
 * cell; TRUE and FALSE (any case) are booleans; any other word is a column name, checked against
 * the column keys. A range (B2:B9) may only be a whole argument of an aggregate function, and a
 * column name written as a whole argument of an aggregate means the whole column.
 */
import { type Result, ok, err } from '../errors.ts';
import { FORMULA_LIMITS } from './values.ts';
import { type FormulaParseError, type Token, type TokenType, lex, parseError } from './lexer.ts';
import { type CellRef, SHEET_COLUMN_KEYS, formatCellRef, parseCellRef, resolveColumn, unknownColumnMessage, didYouMean } from './references.ts';
import { FUNCTION_NAMES, lookupFunction } from './functions.ts';

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A node of a parsed formula. `at` is where its text starts (0-based, the `=` is at 0). */
export type FormulaAst =
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly at: number }
  /** One cell in A1 form. */
  | { readonly kind: 'cell'; readonly ref: CellRef; readonly at: number }
  /** A rectangle in A1 form, normalized so `from` is the top-left and `to` the bottom-right. */
  | { readonly kind: 'range'; readonly from: CellRef; readonly to: CellRef; readonly at: number }
  /** A column key (as in the column list), meaning this row's value of that column. */
  | { readonly kind: 'name'; readonly column: string; readonly at: number }
  /** A column key meaning every row of it: a column name written as a whole aggregate argument. */
  | { readonly kind: 'column'; readonly column: string; readonly at: number }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly operand: FormulaAst; readonly at: number }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: FormulaAst; readonly right: FormulaAst; readonly at: number }
  /** A call of a function in the fixed table; `name` is upper case. */
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly FormulaAst[]; readonly at: number };

export interface ParseOptions {
  /** The column keys names are checked against; the sheet's columns when left out. */
  readonly columns?: readonly string[];
}

const COMPARISONS: ReadonlySet<TokenType> = new Set<TokenType>(['=', '<>', '<', '<=', '>', '>=']);

/** Internal: unwinds the recursive descent to parseFormula, which returns it as an error value. */
class Failure {
  constructor(readonly error: FormulaParseError) {}
}

/**
 * Parses a formula's text, including its leading `=`. Never throws: every problem comes back as
 * an error with a message and a position, e.g. "unexpected ')' at 7", "unknown function FOO",
 * "unknown column lrr — did you mean lr?".
 */
export function parseFormula(text: string, options: ParseOptions = {}): Result<FormulaAst, FormulaParseError> {
  if (text.length > FORMULA_LIMITS.maxLength) {
    return err(parseError(`formula is ${text.length.toLocaleString('en-US')} characters long; the limit is ${FORMULA_LIMITS.maxLength.toLocaleString('en-US')}`, FORMULA_LIMITS.maxLength, 'limit'));
  }
  if (!text.startsWith('=')) return err(parseError("a formula starts with '='", 0));
  const lexed = lex(text);
  if (!lexed.ok) return lexed;
  if (lexed.value.length === 1) return err(parseError("empty formula: write something after '='", 1));
  try {
    const ast = new Parser(lexed.value, options.columns ?? SHEET_COLUMN_KEYS).formula();
    checkRanges(ast, false);
    return ok(ast);
  } catch (e) {
    if (e instanceof Failure) return err(e.error);
    throw e;
  }
}

function fail(message: string, at: number, kind: FormulaParseError['kind'] = 'syntax'): never {
  throw new Failure(parseError(message, at, kind));
}

/** How a token is named in "unexpected …" messages. */
function describe(t: Token): string {
  switch (t.type) {
    case 'end': return 'end of formula';
    case 'number': return `number ${t.text}`;
    case 'string': return `text "${t.text.length > 20 ? `${t.text.slice(0, 17)}...` : t.text}"`;
    case 'word': return t.text;
    default: return `'${t.text}'`;
  }
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[], private readonly columns: readonly string[]) {}

  formula(): FormulaAst {
    const ast = this.comparison();
    const t = this.peek();
    if (t.type !== 'end') fail(`unexpected ${describe(t)} at ${t.at}`, t.at);
    return ast;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'end') this.i++;
    return t;
  }

  /** Counts one level of nesting for the duration of `f`. */
  private nested<T>(at: number, f: () => T): T {
    if (++this.depth > FORMULA_LIMITS.maxDepth) {
      fail(`formula nests more than ${FORMULA_LIMITS.maxDepth} levels deep at ${at}`, at, 'limit');
    }
    const r = f();
    this.depth--;
    return r;
  }

  private comparison(): FormulaAst {
    let left = this.additive();
    while (COMPARISONS.has(this.peek().type)) {
      const op = this.next();
      left = { kind: 'binary', op: op.type as BinaryOp, left, right: this.additive(), at: op.at };
    }
    return left;
  }

  private additive(): FormulaAst {
    let left = this.multiplicative();
    for (let t = this.peek(); t.type === '+' || t.type === '-'; t = this.peek()) {
      this.next();
      left = { kind: 'binary', op: t.type, left, right: this.multiplicative(), at: t.at };
    }
    return left;
  }

  private multiplicative(): FormulaAst {
    let left = this.unary();
    for (let t = this.peek(); t.type === '*' || t.type === '/'; t = this.peek()) {
      this.next();
      left = { kind: 'binary', op: t.type, left, right: this.unary(), at: t.at };
    }
    return left;
  }

  private unary(): FormulaAst {
    const t = this.peek();
    if (t.type === '-' || t.type === '+') {
      this.next();
      return this.nested(t.at, () => ({ kind: 'unary', op: t.type as '-' | '+', operand: this.unary(), at: t.at }));
    }
    return this.power();
  }

  private power(): FormulaAst {
    const base = this.primary();
    const t = this.peek();
    if (t.type !== '^') return base;
    this.next();
    return this.nested(t.at, () => ({ kind: 'binary', op: '^', left: base, right: this.unary(), at: t.at }));
  }

  private primary(): FormulaAst {
    const t = this.next();
    switch (t.type) {
      case 'number': return { kind: 'number', value: t.value!, at: t.at };
      case 'string': return { kind: 'string', value: t.text, at: t.at };
      case '(': {
        const inner = this.nested(t.at, () => this.comparison());
        this.expect(')', t);
        return inner;
      }
      case 'word': return this.word(t);
      default: return fail(`unexpected ${describe(t)} at ${t.at}`, t.at);
    }
  }

  private expect(type: ')', open: Token): void {
    const t = this.next();
    if (t.type === type) return;
    if (t.type === 'end') fail(`missing ')' to close the '(' at ${open.at}`, open.at);
    fail(`unexpected ${describe(t)} at ${t.at}`, t.at);
  }

  private word(t: Token): FormulaAst {
    if (this.peek().type === '(') return this.call(t);
    const ref = parseCellRef(t.text);
    if (typeof ref === 'string') fail(ref, t.at, 'syntax');
    if (ref) {
      if (this.peek().type !== ':') return { kind: 'cell', ref, at: t.at };
      this.next();
      const endTok = this.next();
      const end = endTok.type === 'word' ? parseCellRef(endTok.text) : undefined;
      if (typeof end === 'string') fail(end, endTok.at);
      if (!end) fail(`expected a cell such as B9 after ':' but found ${describe(endTok)} at ${endTok.at}`, endTok.at);
      return this.range(ref, end, t.at);
    }
    const upper = t.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE', at: t.at };
    if (t.text.includes('$')) fail(`${t.text} is not a reference; write one like B3 or $B$3`, t.at);
    const column = resolveColumn(t.text, this.columns);
    if (column === undefined) {
      const asFunction = lookupFunction(t.text);
      const message = asFunction
        ? `${asFunction.name} is a function: write it as ${asFunction.signature}`
        : unknownColumnMessage(t.text, this.columns);
      fail(message, t.at, 'name');
    }
    return { kind: 'name', column, at: t.at };
  }

  private range(a: CellRef, b: CellRef, at: number): FormulaAst {
    const from: CellRef = { column: Math.min(a.column, b.column), row: Math.min(a.row, b.row),
      absColumn: a.column <= b.column ? a.absColumn : b.absColumn, absRow: a.row <= b.row ? a.absRow : b.absRow };
    const to: CellRef = { column: Math.max(a.column, b.column), row: Math.max(a.row, b.row),
      absColumn: a.column <= b.column ? b.absColumn : a.absColumn, absRow: a.row <= b.row ? b.absRow : a.absRow };
    const cells = (to.column - from.column + 1) * (to.row - from.row + 1);
    if (cells > FORMULA_LIMITS.maxRangeCells) {
      fail(`range ${formatCellRef(a)}:${formatCellRef(b)} has ${cells.toLocaleString('en-US')} cells; the limit is ${FORMULA_LIMITS.maxRangeCells.toLocaleString('en-US')}`, at, 'limit');
    }
    return { kind: 'range', from, to, at };
  }

  private call(nameTok: Token): FormulaAst {
    const fn = lookupFunction(nameTok.text);
    if (!fn) {
      const column = resolveColumn(nameTok.text, this.columns);
      if (column !== undefined) fail(`${column} is a column, not a function; to multiply, write ${column} * (…)`, nameTok.at, 'name');
      const guess = didYouMean(nameTok.text, FUNCTION_NAMES);
      fail(`unknown function ${nameTok.text}${guess ? ` — did you mean ${guess}?` : ''}`, nameTok.at, 'name');
    }
    const open = this.next(); // '('
    const args = this.nested(nameTok.at, () => {
      const list: FormulaAst[] = [];
      if (this.peek().type === ')') { this.next(); return list; }
      for (;;) {
        const arg = this.comparison();
        // A column name as a whole aggregate argument is the whole column.
        list.push(fn.kind === 'aggregate' && arg.kind === 'name' ? { kind: 'column', column: arg.column, at: arg.at } : arg);
        const t = this.peek();
        if (t.type === ',') { this.next(); continue; }
        this.expect(')', open);
        return list;
      }
    });
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const want = fn.minArgs === fn.maxArgs ? `${fn.minArgs}`
        : fn.maxArgs >= 255 ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      const plural = want.endsWith(' 1') || want === '1' ? 'argument' : 'arguments';
      fail(`${fn.name} takes ${want} ${plural}, got ${args.length}: ${fn.signature}`, nameTok.at);
    }
    return { kind: 'call', name: fn.name, args, at: nameTok.at };
  }
}

/** Ranges are values only to aggregates; anywhere else they are a mistake worth naming. */
function checkRanges(node: FormulaAst, allowed: boolean): void {
  switch (node.kind) {
    case 'range':
      if (!allowed) {
        fail(`the range ${formatCellRef(node.from)}:${formatCellRef(node.to)} at ${node.at} can only be an argument of MIN, MAX, SUM, AVERAGE, STDEV or COUNT`, node.at);
      }
      return;
    case 'unary': return checkRanges(node.operand, false);
    case 'binary': checkRanges(node.left, false); return checkRanges(node.right, false);
    case 'call': {
      const aggregate = lookupFunction(node.name)?.kind === 'aggregate';
      for (const a of node.args) checkRanges(a, aggregate);
      return;
    }
    default: return;
  }
}
