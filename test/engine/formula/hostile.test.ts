import { describe, expect, it } from 'vitest';
import { dependencies, evaluate, parseFormula, FORMULA_LIMITS, type FormulaAst } from '../../../src/engine/formula/index.ts';
import { COLS } from './sheet.ts';

const parse = (text: string) => parseFormula(text, { columns: COLS });

describe('hostile input gives a clear error and never throws', () => {
  it.each([
    ['=constructor', 'unknown column constructor'],
    ['=__proto__', 'unknown column __proto__'],
    ['=prototype', 'unknown column prototype'],
    ['=hasOwnProperty', 'unknown column hasOwnProperty'],
    ['=toString()', 'unknown function toString'],
    ['=constructor()', 'unknown function constructor'],
    ['=__proto__(1)', 'unknown function __proto__'],
    ['=valueOf(1)', 'unknown function valueOf'],
    ['=a.b', "unexpected '.' at 2"],
    ['=lr.constructor', "unexpected '.' at 3"],
    ['=[1]', "unexpected '[' at 1"],
    ['={}', "unexpected '{' at 1"],
    ['=`x`', "unexpected '`' at 1"],
    ["='x'", "unexpected ''' at 1"],
    ['=1;2', "unexpected ';' at 2"],
    ['=SUM(1)[0]', "unexpected '[' at 7"],
    ['=alert(1)', 'unknown function alert'],
    ['=eval("1")', 'unknown function eval'],
    ['=Function("return 1")()', 'unknown function Function'],
    ['=globalThis', 'unknown column globalThis'],
    ['=x => 1', 'unknown column x'],
    ['=\u0000', 'unexpected character U+0000 at 1'],
    ['=\u{1F600}', 'unexpected character U+1F600 at 1'],
    ['=\ud800', 'unexpected character U+D800 at 1'],
  ])('%s → %s', (text, message) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(message);
  });

  it('leaves Object.prototype alone', () => {
    parse('=__proto__');
    parse('=constructor(1)');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('limits', () => {
  const { maxLength, maxDepth } = FORMULA_LIMITS;

  it(`accepts ${maxLength} characters and rejects ${maxLength + 1}`, () => {
    const fits = `=${'1+'.repeat((maxLength - 2) / 2)}1`;
    expect(fits).toHaveLength(maxLength);
    const parsed = parse(fits);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(evaluate(parsed.value, { row: 0, columns: COLS, rowCount: 1, get: () => null })).toBe(500);
    expect(parse(`${fits} `)).toEqual({ ok: false, error: { message: 'formula is 1,001 characters long; the limit is 1,000', at: 1000, kind: 'limit' } });
    expect(parse(`=${'9'.repeat(100_000)}`).ok).toBe(false);
  });

  const nest = (open: string, close: string, n: number) => `=${open.repeat(n)}1${close.repeat(n)}`;

  it.each([
    ['parentheses', '(', ')', 1],
    ['function calls', 'ABS(', ')', 1],
    ['unary minus', '-', '', 1],
    ['powers', '2^', '', 3],
  ])(`accepts ${maxDepth} levels of %s and rejects ${maxDepth + 1}`, (_what, open, close, at) => {
    expect(parse(nest(open, close, maxDepth)).ok).toBe(true);
    const r = parse(nest(open, close, maxDepth + 1));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('limit');
      expect(r.error.message).toMatch(/^formula nests more than 64 levels deep at \d+$/);
      expect(r.error.at).toBeGreaterThanOrEqual(at);
    }
  });

  it('a deep formula within the limits evaluates', () => {
    const r = parse(nest('ABS(-', ')', 32)); // two levels each
    expect(r.ok).toBe(true);
    if (r.ok) expect(evaluate(r.value, { row: 0, columns: COLS, rowCount: 1, get: () => null })).toBe(1);
  });

  it('rejects very deep nesting and long hostile text quickly, without throwing', () => {
    for (const text of [
      nest('(', ')', 100_000), nest('-', '', 100_000), nest('SUM(', ')', 20_000), '=' + '2^'.repeat(50_000) + '2',
      '="' + 'x'.repeat(5_000), '=' + 'a'.repeat(1_000_000),
    ]) {
      const r = parse(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('limit');
    }
  });

  it('a long chain of additions within the length limit parses, evaluates and lists its cells', () => {
    const text = `=${Array.from({ length: 333 }, () => 'B1').join('+')}`;
    const r = parse(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(evaluate(r.value, { row: 0, columns: COLS, rowCount: 1, get: () => 1 })).toBe(333);
    expect(dependencies(r.value, { row: 0, columns: COLS, rowCount: 1 }).cells).toEqual([{ row: 0, column: 'lr' }]);
  });
});

describe('hand-built trees the parser would never produce', () => {
  const run = (ast: FormulaAst) => evaluate(ast, { row: 0, columns: COLS, rowCount: 1, get: () => 1 });

  it('an unknown function is #NAME?, not a lookup on some object', () => {
    expect(run({ kind: 'call', name: 'constructor', args: [], at: 1 })).toEqual({ kind: 'formula-error', code: '#NAME?', message: 'unknown function constructor' });
  });

  it('a range outside an aggregate is #VALUE!', () => {
    const ref = { column: 1, row: 0, absColumn: false, absRow: false };
    const v = run({ kind: 'range', from: ref, to: ref, at: 1 });
    expect(typeof v === 'object' && v !== null && v.code).toBe('#VALUE!');
  });
});
