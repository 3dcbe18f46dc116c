import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../../src/engine/columns.ts';
import { csvField, fromCsv, toCsv } from '../../../src/engine/file/csv.ts';

describe('toCsv', () => {
  it.each([
    ['plain', 'adam', 'adam'],
    ['a comma', 'a,b', '"a,b"'],
    ['quotes', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'two\nlines', '"two\nlines"'],
    ['a formula', '=1+2', "'=1+2"],
    ['a formula with quotes', '=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['a plus', '+1', "'+1"],
    ['a minus that is not a number', '-2+3', "'-2+3"],
    ['an at sign', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\tx', "'\tx"],
    ['a leading carriage return', '\rx', '"\'\rx"'],
    ['a quote before a formula', "'=x", "''=x"],
    ['a negative number', '-0.5', '-0.5'],
    ['a negative exponent', '-3e-4', '-3e-4'],
    ['a number', '0.001', '0.001'],
    ['empty', '', ''],
  ])('%s: %j -> %j', (_what, text, field) => {
    expect(csvField(text)).toBe(field);
  });

  it('ends every line with CRLF and keeps a lone empty field from looking blank', () => {
    expect(toCsv(['lr', 'name'], [['0.1', 'a,b'], ['-1', '=cmd']])).toBe('lr,name\r\n0.1,"a,b"\r\n-1,\'=cmd\r\n');
    expect(toCsv(['notes'], [[''], ['x']])).toBe('notes\r\n""\r\nx\r\n');
  });
});

describe('fromCsv', () => {
  it('refuses a line of more than 1,000 fields at once, naming the line', () => {
    expect(fromCsv(`lr${',x'.repeat(999)}\r\n`).ok).toBe(true);
    expect(fromCsv(`lr${',x'.repeat(1_000)}\r\n`)).toEqual({ ok: false, error: 'line 1: more than 1,000 fields' });
    // 4.9 MB of commas: 4.9 million empty headers (300 MB) before; the first thousand now.
    expect(fromCsv(`lr\r\n0.1${','.repeat(4_900_000)}`)).toEqual({ ok: false, error: 'line 2: more than 1,000 fields' });
  });

  it('counts every line past the row cap without keeping them', () => {
    // 2.4 million short lines: 600 MB of records before the cap refused them; the message is the same.
    expect(fromCsv(`lr\n${'a\n'.repeat(2_400_000)}`)).toEqual({ ok: false, error: 'the CSV has 2,400,000 rows; the limit is 10,000' });
    expect(fromCsv(`lr\n${'0.1\n'.repeat(10_000)}`).ok).toBe(true);
  });

  it('maps headers to column keys by key or label, ignoring case, and lists the unknown ones', () => {
    const r = fromCsv('Name,LR,batch,Val Split,test_acc,status\r\nbase,0.03,32,0.2,0.9,done\r\n');
    expect(r).toEqual({ ok: true, value: {
      header: ['name', 'lr', 'batch_size', 'val_split'], rows: [['base', '0.03', '32', '0.2']], unknown: ['test_acc', 'status'],
    } });
  });

  it('reads quoted fields, doubled quotes, line breaks inside quotes, LF or CR endings, a BOM and blank lines', () => {
    const r = fromCsv('\uFEFFname,notes\n"a,b","say ""hi""\r\nagain"\n\nc,\rd,e');
    expect(r.ok && r.value.rows).toEqual([['a,b', 'say "hi"\r\nagain'], ['c', ''], ['d', 'e']]);
  });

  it('undoes the injection escape', () => {
    expect(fromCsv("lr,notes\r\n'=B2*10,''=x\r\n").ok && fromCsv("lr,notes\r\n'=B2*10,''=x\r\n")).toMatchObject({ value: { rows: [['=B2*10', "'=x"]] } });
  });

  it('reads back what toCsv wrote, for any text', () => {
    const keys = INPUT_COLUMNS.map((c) => c.key);
    fc.assert(fc.property(
      fc.shuffledSubarray(keys, { minLength: 1 }).chain((header) => fc.tuple(fc.constant(header),
        fc.array(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('=1', "'=1", "''+x", '-0.5', '"', '\r\n', '')), { minLength: header.length, maxLength: header.length }), { maxLength: 5 }))),
      ([header, rows]) => {
        expect(fromCsv(toCsv(header, rows))).toEqual({ ok: true, value: { header, rows, unknown: [] } });
      },
    ), { numRuns: 300, seed: 7 });
  });

  it.each([
    ['empty text', '', 'the CSV is empty: expected a header line naming the columns'],
    ['no known header', 'colour,size\r\nred,3\r\n', 'header: none of "colour", "size" names a column; the columns are name, dataset'],
    ['two headers for one column', 'lr,LR\r\n1,2\r\n', 'header: "LR" and "lr" both name the column lr'],
    ['a ragged line', 'lr,seed\r\n0.1,1\r\n0.2\r\n', 'line 3: 1 field, but the header has 2'],
    ['an unclosed quote', 'lr,notes\r\n0.1,"open\r\nstill open\r\n', 'line 2: a quoted field is not closed'],
    ['text after a closing quote', 'lr,notes\r\n0.1,"a"b\r\n', 'line 2: unexpected "b" after a closing quote'],
    ['too many rows', `lr\r\n${'0.1\r\n'.repeat(10_001)}`, 'the CSV has 10,001 rows; the limit is 10,000'],
    ['a cell too long', `lr,notes\r\n0.1,${'x'.repeat(2001)}\r\n`, 'line 2, column notes: longer than 2,000 characters'],
  ])('refuses %s', (_what, text, message) => {
    const r = fromCsv(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });
});
