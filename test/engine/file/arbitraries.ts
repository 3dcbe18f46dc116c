/** fast-check generators of valid version 2 documents, for the round-trip and fuzz tests. */
import fc from 'fast-check';
import { COLUMNS, INPUT_COLUMNS } from '../../../src/engine/columns.ts';
import type { Boundary, Insights } from '../../../src/engine/job.ts';
import type { FormulaColumn, SavedResult, SheetDocument, SheetRow } from '../../../src/engine/sheet-file.ts';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const BUILT_IN = new Set(COLUMNS.map((c) => c.key));

/** Any UTF-16 text, lone surrogates included: JSON must carry them all. */
const text = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }));

/** A stored number: anything finite (-0 is written as 0, so it is left out) or NaN. */
const num = fc.oneof(
  { weight: 8, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)) },
  { weight: 1, arbitrary: fc.constant(NaN) },
);

const cellValue = fc.oneof(text(30), fc.constantFrom('0.001', '0.1, 0.01', '=B2*10', 'dense(8, relu)', '', '  '));

const row: fc.Arbitrary<SheetRow> = fc.record({
  id: text(12).filter((s) => s.length > 0),
  cells: fc.record(Object.fromEntries(INPUT_COLUMNS.map((c) => [c.key, cellValue])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>,
});

const column: fc.Arbitrary<FormulaColumn> = fc.record({
  key: fc.stringMatching(/^[a-z][a-z0-9_]{0,31}$/).filter((k) => !BUILT_IN.has(k) && !FORBIDDEN.has(k)),
  label: text(20).filter((s) => s.length > 0),
  formula: text(30).map((f) => `=${f}`),
});

/** Two-decimal probabilities, as training writes them. */
const probability = fc.integer({ min: 0, max: 100 }).map((c) => c / 100);

const boundary: fc.Arbitrary<Boundary> = fc.record({ size: fc.integer({ min: 1, max: 6 }), classes: fc.integer({ min: 1, max: 5 }) }).chain(({ size, classes }) =>
  fc.record({
    size: fc.constant(size),
    extent: fc.tuple(num.filter(Number.isFinite), num.filter(Number.isFinite), num.filter(Number.isFinite), num.filter(Number.isFinite)),
    classes: fc.constant(classes),
    predicted: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: size * size, maxLength: size * size }),
    confidence: fc.array(probability, { minLength: size * size, maxLength: size * size }),
  }));

const insights: fc.Arbitrary<Insights> = fc.record({
  confusion: fc.option(fc.integer({ min: 1, max: 4 }).chain((k) =>
    fc.array(fc.array(fc.nat(1000), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }))),
  samples: fc.array(fc.record({ index: fc.nat(10_000), label: fc.nat(9), predicted: fc.nat(9), confidence: probability }), { maxLength: 24 }),
  boundary: fc.option(boundary),
});

const savedResult: fc.Arbitrary<SavedResult> = fc.integer({ min: 0, max: 12 }).chain((epochs) => {
  const series = fc.array(num, { minLength: epochs, maxLength: epochs });
  return fc.record({
    trainLoss: num, trainAcc: num, valLoss: num, valAcc: num, testLoss: num, testAcc: num, testMae: num,
    seconds: num, samplesPerSec: num, params: num, epochsRun: num, bestEpoch: num, finalLr: num,
    backend: fc.constantFrom('webgl' as const, 'wasm' as const, 'cpu' as const),
    backendReason: text(40),
    restoredBest: fc.boolean(),
    diverged: fc.option(fc.record({ epoch: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)), message: text(40) })),
    stoppedEarly: fc.option(text(40)),
    history: fc.record({ loss: series, acc: series, valLoss: series, valAcc: series, lr: series }),
    finishedAt: fc.option(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString())),
    app: fc.option(text(10)),
    tfjs: fc.option(text(10)),
    insights: fc.option(insights),
  }).map(({ app, tfjs, insights, ...r }) => ({
    ...r,
    // Results from before insights existed have none: the key is absent, not null.
    ...(insights ? { insights } : {}),
    status: r.diverged ? 'diverged' as const : 'done' as const,
    provenance: { app, tfjs, backend: r.backend },
  }));
});

const resultKey = text(60).filter((k) => !FORBIDDEN.has(k));

export const documentArb: fc.Arbitrary<SheetDocument> = fc.record({
  title: text(40),
  description: text(60),
  runMode: fc.constantFrom('auto' as const, 'manual' as const),
  columns: fc.uniqueArray(column, { maxLength: 4, selector: (c) => c.key }),
  rows: fc.uniqueArray(row, { maxLength: 6, selector: (r) => r.id }),
  results: fc.uniqueArray(fc.tuple(resultKey, savedResult), { maxLength: 4, selector: ([k]) => k }),
}).map(({ runMode, results, rows, ...d }) => ({
  format: 'sweepsheet' as const, version: 2 as const, ...d, settings: { runMode },
  // Every other row shows a stale result (a key the results hold), when there are any.
  rows: rows.map((r, i) => (i % 2 === 1 && results.length > 0 ? { ...r, staleResult: results[i % results.length]![0] } : r)),
  results: Object.fromEntries(results),
}));
