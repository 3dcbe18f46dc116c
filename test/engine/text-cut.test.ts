import { describe, expect, it } from 'vitest';
import { clipForMessage, cutText } from '../../src/engine/text-cut.ts';
import { quote } from '../../src/engine/formula/values.ts';
import { parseRow } from '../../src/engine/spec.ts';

describe('clipForMessage and cutText', () => {
  it('keeps short text, cuts long text to the limit with an ellipsis', () => {
    expect(clipForMessage('fast')).toBe('fast');
    expect(clipForMessage('x'.repeat(40))).toBe('x'.repeat(40));
    expect(clipForMessage('x'.repeat(41))).toBe(`${'x'.repeat(39)}…`);
    expect(clipForMessage('abcdef', 4)).toBe('abc…');
  });

  it('never cuts between the halves of a surrogate pair', () => {
    const s = `${'x'.repeat(38)}😀tail`;
    const out = clipForMessage(s);
    expect(out).toBe(`${'x'.repeat(38)}…`);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(out)).toBe(false);
  });

  it('cutText keeps at most max units, without a mark, and never half an emoji', () => {
    expect(cutText('abc', 3)).toBe('abc');
    expect(cutText('abcdef', 4)).toBe('abcd');
    expect(cutText('abc😀', 4)).toBe('abc');
    expect(cutText('abc😀', 5)).toBe('abc😀');
  });

  it('is what formula and cell messages quote', () => {
    expect(quote('y'.repeat(100))).toBe(`"${'y'.repeat(39)}…"`);
    const r = parseRow({ lr: 'z'.repeat(500) });
    if (r.ok) throw new Error('expected an error');
    expect(r.errors[0]!.message).toContain(`${'z'.repeat(39)}…`);
    expect(r.errors[0]!.message.length).toBeLessThan(120);
  });
});
