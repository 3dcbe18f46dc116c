import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INPUT_COLUMNS } from '../../../src/engine/columns.ts';
import { FILE_LIMITS, cachedResults, checkDocument, readSheet, rowInits, writeSheet } from '../../../src/engine/sheet-file.ts';
import { cells, keyOf, sampleData, sampleDocument, savedResult } from './helpers.ts';

type Data = Record<string, any>;
/** The sample file with one change made by `edit`, as text. */
const edited = (edit: (d: Data) => void): string => {
  const d = sampleData() as Data;
  edit(d);
  return JSON.stringify(d);
};
const firstResult = (d: Data): Data => d.results[Object.keys(d.results)[0]!];
const refused = (text: string): string => {
  const r = readSheet(text);
  if (r.ok) throw new Error('expected the file to be refused');
  return r.error;
};

describe('readSheet: version 2', () => {
  it('reads the sample back as it was written', () => {
    const r = readSheet(writeSheet(sampleDocument()));
    expect(r).toEqual({ ok: true, value: sampleDocument() });
  });

  it('reads the example in docs/', () => {
    const r = readSheet(readFileSync(new URL('../../../docs/example.sheet.json', import.meta.url), 'utf8'));
    expect(r.ok && r.value.rows.length).toBeGreaterThan(0);
    expect(r.ok && Object.keys(r.value.results).length).toBeGreaterThan(0);
  });

  it('fills in what may be left out: title, description, settings, columns, results', () => {
    const r = readSheet('{"format":"sweepsheet","version":2,"rows":[]}');
    expect(r).toEqual({ ok: true, value: { format: 'sweepsheet', version: 2, title: '', description: '', settings: { runMode: 'auto' }, columns: [], rows: [], results: {} } });
  });

  it('reads null numbers as NaN', () => {
    const r = readSheet(writeSheet(sampleDocument()));
    expect(r.ok && Object.values(r.value.results)[0]!.valLoss).toBeNaN();
  });

  it('ignores unknown fields at the top level and in settings', () => {
    const r = readSheet(edited((d) => { d.futureField = { x: 1 }; d.settings.theme = 'dark'; }));
    expect(r).toEqual({ ok: true, value: sampleDocument() });
  });

  it('drops __proto__, constructor and prototype keys wherever they are, without touching any prototype', () => {
    const text = writeSheet(sampleDocument())
      .replace('"title"', '"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "title"')
      .replace('"name": "a"', '"__proto__": "x", "name": "a"');
    const r = readSheet(text);
    expect(r).toEqual({ ok: true, value: sampleDocument() });
    expect(({} as Data).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(r.ok && r.value.rows[0]!.cells)).toBe(Object.prototype);
  });

  // Each bad file is refused with a message that names the place and what was expected.
  const cases: [string, string, string][] = [
    ['a number in a cell', edited((d) => { d.rows[1].cells.lr = 0.001; }), 'rows[1].cells.lr: expected text, found a number'],
    ['an unknown cell', edited((d) => { d.rows[0].cells.colour = 'red'; }), 'rows[0].cells.colour: "colour" is not an input column; the input columns are name, dataset'],
    ['a long cell', edited((d) => { d.rows[0].cells.notes = 'x'.repeat(2001); }), 'rows[0].cells.notes: longer than 2,000 characters (2,001)'],
    ['a row without an id', edited((d) => { delete d.rows[0].id; }), 'rows[0].id: expected text, found nothing'],
    ['an empty id', edited((d) => { d.rows[0].id = ''; }), 'rows[0].id: must not be empty'],
    ['a duplicate id', edited((d) => { d.rows[1].id = 'a'; }), 'rows[1].id: "a" is used by an earlier row; row ids must be unique'],
    ['an unknown field in a row', edited((d) => { d.rows[0].result = {}; }), 'rows[0]: unknown field "result"'],
    ['a stale result no result has', edited((d) => { d.rows[1].staleResult = 'not a key'; }), 'rows[1].staleResult: no result in the file has this spec key'],
    ['a stale result that is a number', edited((d) => { d.rows[0].staleResult = 3; }), 'rows[0].staleResult: expected text, found a number'],
    ['a stale result key too long', edited((d) => { d.rows[0].staleResult = 'k'.repeat(50_001); }), 'rows[0].staleResult: a spec key longer than 50,000 characters'],
    ['rows not a list', edited((d) => { d.rows = {}; }), 'rows: expected a list, found an object'],
    ['a title too long', edited((d) => { d.title = 't'.repeat(501); }), 'title: longer than 500 characters (501)'],
    ['a title that is a number', edited((d) => { d.title = 5; }), 'title: expected text, found a number'],
    ['a bad run mode', edited((d) => { d.settings.runMode = 'sometimes'; }), 'settings.runMode: expected "auto" or "manual", found "sometimes"'],
    ['a column key with capitals', edited((d) => { d.columns[0].key = 'Gap'; }), 'columns[0].key: expected a lower-case name of at most 32 letters'],
    ['a column key that is built in', edited((d) => { d.columns[0].key = 'lr'; }), 'columns[0].key: "lr" is taken'],
    ['a column key that is a result column', edited((d) => { d.columns[0].key = 'test_acc'; }), 'columns[0].key: "test_acc" is taken'],
    ['a column key "constructor"', edited((d) => { d.columns[0].key = 'constructor'; }), 'columns[0].key: "constructor" is taken'],
    ['a formula without =', edited((d) => { d.columns[0].formula = 'train_acc'; }), 'columns[0].formula: a formula starts with "="'],
    ['a duplicate column key', edited((d) => { d.columns.push({ ...d.columns[0] }); }), 'columns[1].key: "gap" is used by an earlier column'],
    ['an unknown field in a column', edited((d) => { d.columns[0].width = 3; }), 'columns[0]: unknown field "width"'],
    ['a result status that is wrong', edited((d) => { firstResult(d).status = 'failed'; }), '.status: expected "done" or "diverged", found "failed"'],
    ['a result number as text', edited((d) => { firstResult(d).testAcc = '0.9'; }), '.testAcc: expected a number, found text'],
    ['a result number "NaN" as text', edited((d) => { firstResult(d).testAcc = 'NaN'; }), '.testAcc: expected a number, found text'],
    ['an unknown field in a result', edited((d) => { firstResult(d).jobId = 'x'; }), ': unknown field "jobId"'],
    ['a result without history', edited((d) => { delete firstResult(d).history; }), '.history: expected an object, found nothing'],
    ['series of different lengths', edited((d) => { firstResult(d).history.acc.push(1); }), '.history.acc: 3 values, but loss has 2; every series needs one value per epoch'],
    ['a history too long', edited((d) => { const h = firstResult(d).history; for (const k of Object.keys(h)) h[k] = new Array(10_001).fill(0); }), '.history.loss: 10,001 epochs; the limit is 10,000'],
    ['a bad date', edited((d) => { firstResult(d).finishedAt = 'yesterday'; }), '.finishedAt: expected a date and time like "2026-01-31T12:00:00.000Z" or null, found "yesterday"'],
    ['an unknown backend', edited((d) => { firstResult(d).backend = 'gpu'; }), '.backend: expected "webgl" or "wasm" or "cpu", found "gpu"'],
    ['a provenance backend that disagrees', edited((d) => { firstResult(d).provenance.backend = 'wasm'; }), '.provenance.backend: "wasm" does not match the result\'s backend "cpu"'],
    ['done with a divergence', edited((d) => { firstResult(d).diverged = { epoch: 2, message: 'loss is NaN' }; }), '.status: "done", but diverged records a divergence at epoch 2'],
    ['diverged without one', edited((d) => { firstResult(d).status = 'diverged'; }), '.status: "diverged" needs a diverged entry'],
    ['a result that is a list', edited((d) => { d.results.x = []; }), 'results.x: expected an object, found a list'],
    ['a number too large to store', writeSheet(sampleDocument()).replace('"trainLoss": 0.25', '"trainLoss": 1e400'), '.trainLoss: expected a number, found a number too large to store'],
    ['not JSON', '{"format": "sweepsheet",', 'the file is not valid JSON'],
    ['NaN as a literal', writeSheet(sampleDocument()).replace('"trainLoss": 0.25', '"trainLoss": NaN'), 'the file is not valid JSON'],
    ['a list', '[]', 'the file must hold a JSON object, found a list'],
    ['another format', '{"format":"excel","version":2}', 'format: expected "sweepsheet", found "excel"'],
    ['no format', '{"version":2}', 'format: expected "sweepsheet", found nothing'],
    ['a newer version', '{"format":"sweepsheet","version":3,"rows":[]}', 'this file was written by a newer Sweepsheet (version 3); this app reads up to 2'],
    ['version 0', '{"format":"sweepsheet","version":0,"rows":[]}', 'version: expected 1 or 2, found 0'],
    ['version as text', '{"format":"sweepsheet","version":"2","rows":[]}', 'version: expected 1 or 2, found text'],
    ['deep nesting', `{"format":"sweepsheet","version":2,"rows":[],"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 'the data nests more than 32 levels deep'],
  ];
  it.each(cases)('refuses %s', (_what, text, message) => {
    expect(refused(text)).toContain(message);
  });

  it('names the first problem and counts the rest', () => {
    expect(refused(edited((d) => { d.title = 1; d.description = 2; d.rows[0].id = 3; }))).toBe('title: expected text, found a number (and 2 more problems)');
  });

  it('quotes result keys that are not plain names, clipped', () => {
    const e = refused(edited((d) => { firstResult(d).testAcc = true; }));
    expect(e).toMatch(/^results\["\{\\"batchSize\\":16,.*…"\]\.testAcc: expected a number, found true$/);
  });
});

describe('readSheet: caps', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, cells: {} }));
  it.each([
    ['10,001 rows', { rows: rows(10_001) }, 'rows: 10,001 rows; the limit is 10,000'],
    ['65 columns', { rows: [], columns: Array.from({ length: 65 }, (_, i) => ({ key: `c${i}`, label: 'c', formula: '=1' })) }, 'columns: 65 columns; the limit is 64'],
    ['a null result', { rows: [], results: { k0: null } }, 'results.k0: expected an object, found null'],
  ])('refuses %s', (_what, body, message) => {
    expect(refused(JSON.stringify({ format: 'sweepsheet', version: 2, ...body }))).toContain(message);
  });

  it('refuses more than 10,000 results', () => {
    const r = JSON.parse(writeSheet(sampleDocument())).results;
    const one = Object.values(r)[0];
    const results = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, { ...(one as object), history: { loss: [], acc: [], valLoss: [], valAcc: [], lr: [] } }]));
    expect(refused(JSON.stringify({ format: 'sweepsheet', version: 2, rows: [], results }))).toBe('results: 10,001 results; the limit is 10,000');
  });

  it('refuses a file over 5 MB before parsing it', () => {
    expect(refused(`{"format":"sweepsheet","version":2,"rows":[],"pad":"${'x'.repeat(FILE_LIMITS.maxBytes)}"}`)).toBe('the file is 5.0001 MB; the limit is 5 MB');
    // Counted in UTF-8 bytes, not characters: 1.7 million three-byte characters are over the cap.
    expect(refused(`{"format":"sweepsheet","version":2,"rows":[],"pad":"${'€'.repeat(1_700_000)}"}`)).toBe('the file is 5.1 MB; the limit is 5 MB');
  });
});

describe('readSheet: version 1', () => {
  const fixtures = readdirSync(new URL('../../../fixtures/', import.meta.url)).filter((f) => f.endsWith('.sheet.json'));
  it.each(fixtures)('migrates fixtures/%s', (f) => {
    const text = readFileSync(new URL(`../../../fixtures/${f}`, import.meta.url), 'utf8');
    const v1 = JSON.parse(text) as Data;
    const r = readSheet(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.version).toBe(2);
    expect(r.value.title).toBe(v1.title);
    expect(r.value.rows.map((x) => x.id)).toEqual(v1.rows.map((x: Data) => x.id));
    expect(r.value.rows.map((x) => x.cells)).toEqual(v1.rows.map((x: Data) => x.cells));
  });

  const v1Result = (key: string) => ({
    key, trainLoss: 0.25, trainAcc: 0.9, valLoss: null, valAcc: null, testLoss: 0.3, testAcc: 0.875, testMae: null,
    seconds: 1.5, samplesPerSec: 1200, params: 57, epochsRun: 2, bestEpoch: 2, finalLr: 0.03, restoredBest: false,
    backend: 'cpu', backendReason: 'tests run on cpu', stoppedEarly: null, diverged: null,
    history: { loss: [1, 0.5], acc: [0.5, 0.75], valLoss: [null, null], valAcc: [null, null], lr: [0.03, 0.03] },
  });

  it('moves each row result to results[key], gives ids to rows without one and turns numbers into text', () => {
    const a = cells({ name: 'a' });
    const text = JSON.stringify({
      format: 'sweepsheet', version: 1, title: 'old',
      rows: [
        { cells: { ...a, colour: 'red' }, result: v1Result(keyOf(a)) },
        { id: 'r1', cells: { ...cells(), lr: 0.1 } },
        { cells: cells({ seed: '2' }), result: { ...v1Result('an old spec'), diverged: { epoch: 1, message: 'NaN loss' } } },
      ],
    });
    const r = readSheet(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.rows.map((x) => x.id)).toEqual(['r2', 'r1', 'r3']);
    expect(r.value.rows[0]!.cells).toEqual(a);
    expect(r.value.rows[1]!.cells.lr).toBe('0.1');
    expect(Object.keys(r.value.results).sort()).toEqual([keyOf(a), 'an old spec'].sort());
    expect(r.value.results[keyOf(a)]).toEqual(savedResult({ finishedAt: null, provenance: { app: null, tfjs: null, backend: 'cpu' } }));
    expect(r.value.results['an old spec']!.status).toBe('diverged');
    // The migrated document writes as version 2 and reads back the same.
    expect(readSheet(writeSheet(r.value))).toEqual(r);
  });

  it.each([
    ['a cell that is a list', { rows: [{ cells: { lr: [] } }] }, 'rows[0].cells.lr: expected text, found a list'],
    ['a duplicate id', { rows: [{ id: 'x', cells: {} }, { id: 'x', cells: {} }] }, 'rows[1].id: "x" is used by an earlier row'],
    ['a result without a key', { rows: [{ cells: {}, result: { ...v1Result('k'), key: undefined } }] }, 'rows[0].result.key: expected text, found nothing'],
    ['a result number as text', { rows: [{ cells: {}, result: { ...v1Result('k'), testAcc: 'high' } }] }, 'rows[0].result.testAcc: expected a number, found text'],
    ['series of different lengths', { rows: [{ cells: {}, result: { ...v1Result('k'), history: { loss: [1, 2], acc: [1] } } }] }, 'rows[0].result.history.acc: expected 2 values, found 1'],
    ['no rows', {}, 'rows: expected a list, found nothing'],
  ])('refuses %s', (_what, body, message) => {
    expect(refused(JSON.stringify({ format: 'sweepsheet', version: 1, ...body }))).toContain(message);
  });
});

describe('rowInits and cachedResults', () => {
  it('attaches a saved result to each row whose current spec has one, and keeps the rest as cache', () => {
    const doc = sampleDocument();
    const inits = rowInits(doc);
    expect(inits.map((r) => r.id)).toEqual(['a', 'b']);
    expect(inits[0]!.saved?.key).toBe(keyOf(cells({ name: 'a' })));
    expect(inits[0]!.saved?.result.jobId).toBe('saved');
    expect(inits[0]!.saved?.result.history).toEqual([
      { loss: 1, acc: 0.5, valLoss: NaN, valAcc: NaN, lr: 0.03 }, { loss: 0.5, acc: 0.75, valLoss: NaN, valAcc: NaN, lr: 0.03 },
    ]);
    // Row b holds a sweep list: it has no spec yet, so no result.
    expect(inits[1]!.saved).toBeUndefined();
    expect([...cachedResults(doc).keys()].sort()).toEqual(Object.keys(doc.results).sort());
  });

  it('a duplicated row finds the same result', () => {
    const doc = { ...sampleDocument(), rows: [{ id: 'a', cells: cells({ name: 'a' }) }, { id: 'copy', cells: cells({ name: 'copy' }) }] };
    const inits = rowInits(doc);
    expect(inits[1]!.saved?.result.testAcc).toBe(0.875);
  });

  it('knows every input column', () => {
    expect(INPUT_COLUMNS.length).toBeGreaterThan(10);
  });
});

describe('checkDocument', () => {
  it('cleans data it is handed, so an own __proto__ from JSON.parse is dropped there too', () => {
    const data = JSON.parse('{"format":"sweepsheet","version":2,"rows":[],"results":{"__proto__":{"polluted":1}}}') as unknown;
    expect(checkDocument(data)).toMatchObject({ ok: true, value: { results: {} } });
    expect(({} as Data).polluted).toBeUndefined();
  });
});
