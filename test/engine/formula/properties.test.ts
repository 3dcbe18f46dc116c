import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  dependencies, evaluate, formatValue, formulaError, isFormulaError, parseFormula,
  type FormulaAst, type FormulaValue,
} from '../../../src/engine/formula/index.ts';
import { COLS } from './sheet.ts';

// Random arithmetic trees over non-negative literals (a negative number is a `neg` node).
type Op = '+' | '-' | '*' | '/' | '^';
type Tree = { k: 'num'; v: number } | { k: 'neg'; x: Tree } | { k: 'bin'; op: Op; l: Tree; r: Tree };

const literal = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
  fc.double({ min: 0, max: 1e300, noNaN: true, noDefaultInfinity: true }),
).map((v): Tree => ({ k: 'num', v: Object.is(v, -0) ? 0 : v }));

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 6, depthSize: 'small', withCrossShrink: true },
    literal,
    tie('tree').map((x): Tree => ({ k: 'neg', x })),
    fc.record({ op: fc.constantFrom<Op>('+', '-', '*', '/', '^'), l: tie('tree'), r: tie('tree') })
      .map(({ op, l, r }): Tree => ({ k: 'bin', op, l, r })),
  ),
}));

// Precedence levels of the documented grammar: additive 1, multiplicative 2, unary 3, power 4, literal 5.
const level = (t: Tree): number => (t.k === 'num' ? 5 : t.k === 'neg' ? 3 : t.op === '^' ? 4 : t.op === '+' || t.op === '-' ? 1 : 2);

/** Prints with only the parentheses the grammar needs, so precedence and associativity are exercised. */
function printMinimal(t: Tree): string {
  const wrap = (s: Tree, needs: boolean) => (needs ? `(${printMinimal(s)})` : printMinimal(s));
  switch (t.k) {
    case 'num': return String(t.v);
    case 'neg': return `-${wrap(t.x, level(t.x) < 3)}`;
    case 'bin': {
      const p = level(t);
      if (t.op === '^') return `${wrap(t.l, level(t.l) <= 4)}^${wrap(t.r, level(t.r) < 3)}`; // right operand is a unary
      return `${wrap(t.l, level(t.l) < p)}${t.op}${wrap(t.r, level(t.r) <= p)}`;
    }
  }
}

/** Prints with parentheses around everything and spaces, the other extreme. */
function printFull(t: Tree): string {
  switch (t.k) {
    case 'num': return String(t.v);
    case 'neg': return `(-(${printFull(t.x)}))`;
    case 'bin': return `(${printFull(t.l)} ${t.op} ${printFull(t.r)})`;
  }
}

/** The reference semantics, written independently: leftmost error wins, x/0 and 0^-y are #DIV/0!, non-finite is #NUM!. */
function reference(t: Tree): FormulaValue {
  switch (t.k) {
    case 'num': return t.v;
    case 'neg': {
      const x = reference(t.x);
      return typeof x === 'number' ? -x : x;
    }
    case 'bin': {
      const l = reference(t.l);
      if (typeof l !== 'number') return l;
      const r = reference(t.r);
      if (typeof r !== 'number') return r;
      const div0 = formulaError('#DIV/0!', '');
      let v: number;
      switch (t.op) {
        case '+': v = l + r; break;
        case '-': v = l - r; break;
        case '*': v = l * r; break;
        case '/': if (r === 0) return div0; v = l / r; break;
        case '^': if (l === 0 && r < 0) return div0; v = l ** r; break;
      }
      return Number.isFinite(v) ? v : formulaError('#NUM!', '');
    }
  }
}

/** The parsed AST as a Tree, to check that the printed text parses back to the same shape. */
function toTree(a: FormulaAst): Tree {
  if (a.kind === 'number') return { k: 'num', v: a.value };
  if (a.kind === 'unary' && a.op === '-') return { k: 'neg', x: toTree(a.operand) };
  if (a.kind === 'binary' && ['+', '-', '*', '/', '^'].includes(a.op)) return { k: 'bin', op: a.op as Op, l: toTree(a.left), r: toTree(a.right) };
  throw new Error(`unexpected node ${a.kind}`);
}

const ctx = { row: 0, columns: COLS, rowCount: 3, get: () => null };

function sameValue(actual: FormulaValue, expected: FormulaValue): void {
  if (isFormulaError(expected)) {
    expect(isFormulaError(actual) && actual.code).toBe(expected.code);
  } else {
    expect(Object.is(actual, expected), `${String(actual)} vs ${String(expected)}`).toBe(true);
  }
}

describe('properties: random arithmetic equals a reference tree walk', () => {
  for (const [name, print] of [['minimal parentheses', printMinimal], ['full parentheses', printFull]] as const) {
    it(`with ${name}`, () => {
      fc.assert(
        fc.property(tree, (t) => {
          const text = `=${print(t)}`;
          fc.pre(text.length <= 1_000);
          const parsed = parseFormula(text);
          if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
          expect(toTree(parsed.value)).toEqual(t);
          sameValue(evaluate(parsed.value, ctx), reference(t));
        }),
        { numRuns: 1_000 },
      );
    });
  }
});

const CODES = new Set(['#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#CYCLE!']);
const SAMPLE_VALUES: FormulaValue[] = [1, 0, -2.5, 'x', '3', '', true, false, null, formulaError('#CYCLE!', 'loop')];
const sampleGet = (row: number, column: string): FormulaValue =>
  SAMPLE_VALUES[(row * 7 + column.length * 3) % SAMPLE_VALUES.length]!;

/** Any text: if it parses, evaluating, listing and formatting it must not throw either. */
function neverThrows(text: string): void {
  const parsed = parseFormula(text, { columns: COLS });
  if (!parsed.ok) {
    expect(typeof parsed.error.message).toBe('string');
    expect(parsed.error.at).toBeGreaterThanOrEqual(0);
    expect(parsed.error.at).toBeLessThanOrEqual(Math.max(text.length, 1_000));
    return;
  }
  for (const row of [0, 2]) {
    const v = evaluate(parsed.value, { row, columns: COLS, rowCount: 3, get: sampleGet });
    if (isFormulaError(v)) expect(CODES.has(v.code)).toBe(true);
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    expect(typeof formatValue(v)).toBe('string');
    dependencies(parsed.value, { row, columns: COLS, rowCount: 3 });
  }
}

const PIECES = [
  '(', ')', '1', '.5', '2e3', 'e', '+', '-', '*', '/', '^', ',', ':', '"', '""', '$', 'B', '3', '0', 'lr', 'test_acc',
  'SUM(', 'IF(', 'MAX(', 'STDEV(', 'COUNT(', 'ROUND(', 'sqrt(', 'AND(', ' ', '=', '<', '>', '<>', 'TRUE', 'B2:B9',
  'A1', '$C$2', 'G1', 'constructor', '__proto__', '[', '.', 'toString(', '"x"', '\u0000', '😀',
];

describe('properties: parseFormula never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      neverThrows(s);
      neverThrows(`=${s}`);
    }), { numRuns: 2_000 });
  });

  it('on text made of formula pieces', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), (parts) => {
      neverThrows(`=${parts.join('')}`);
    }), { numRuns: 5_000 });
  });
});
