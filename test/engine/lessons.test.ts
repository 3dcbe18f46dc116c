/**
 * The fixtures: every sheet file reads and every row is a valid experiment; each lesson sheet says
 * what to look at and what to try, in English and in Korean. Then the lessons train for real (two
 * worker threads, tfjs wasm, the headless runner's engine and pool) and the point each one makes holds:
 * a perceptron cannot learn XOR, too high a learning rate diverges, a deep sigmoid net learns slower
 * than ReLU, adaptive optimizers converge faster than plain SGD, dropout and L2 narrow the gap
 * between training and validation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowState, SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { readSheetFile } from '../../src/engine/sheet-file.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { createNodePool } from '../../src/workers/node-pool.ts';

const DIR = new URL('../../fixtures/', import.meta.url);
const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.sheet.json')).map((f) => f.replace(/\.sheet\.json$/, ''));
const LESSONS = ['lesson-xor-lr', 'xor', 'learning-rate', 'activations', 'optimizers', 'overfitting'];
const HANGUL = /[\uac00-\ud7a3]/;
/** The shared machine can be slow: a lesson's rows train in seconds on two idle cores, minutes under load. */
const TRAIN_TIMEOUT = 900_000;

function load(name: string) {
  const f = readSheetFile(readFileSync(new URL(`${name}.sheet.json`, DIR), 'utf8'));
  if (!f.ok) throw new Error(`${name}: ${f.error}`);
  return f.value;
}

describe('every fixture', () => {
  it.each(FIXTURES)('%s reads, has a title, and every row is a valid experiment', (name) => {
    const file = load(name);
    expect(file.title.trim()).not.toBe('');
    expect(file.rows.length).toBeGreaterThan(0);
    for (const row of file.rows) {
      const parsed = parseRow(row.cells);
      expect(parsed.ok ? [] : parsed.errors.map((e) => `${e.column}: ${e.message}`), `${name} ${row.id}`).toEqual([]);
    }
  });

  it('has every lesson the course asks for', () => {
    for (const lesson of LESSONS) expect(FIXTURES).toContain(lesson);
  });

  it.each(LESSONS)('lesson %s says what to look at and what to try, in English and Korean', (name) => {
    const { title, description } = load(name);
    for (const text of [title, description]) {
      expect(text).toMatch(HANGUL);
      expect(text).toMatch(/[a-z]{3,} [a-z]{3,}/);
    }
    expect(description).toMatch(/Try:/);
    expect(description).toMatch(/해 볼 것:/);
    expect(description.length).toBeLessThanOrEqual(2000);
  });
});

const pool = createNodePool({ size: 2 });
afterAll(() => pool.dispose());

/** Train every row of a fixture from scratch; rows by id. */
async function train(name: string): Promise<Map<string, RowState>> {
  const engine = new SheetEngine(load(name).rows.map(({ saved: _saved, ...r }) => r), pool);
  try {
    await engine.idle();
    return new Map(engine.rows().map((r) => [r.id, r]));
  } finally {
    engine.dispose();
  }
}

function result(rows: Map<string, RowState>, id: string): TrainResult {
  const r = rows.get(id);
  if (!r?.result) throw new Error(`${id} has no result: ${JSON.stringify(r?.status)}`);
  return r.result;
}

const lastLoss = (r: TrainResult) => r.history.at(-1)!.loss;

describe('the lessons train and make their point', () => {
  it('XOR (W8): the perceptron cannot, one hidden layer can', async () => {
    const rows = await train('xor');
    expect(result(rows, 'w8-perceptron').testAcc).toBeLessThanOrEqual(0.75);
    expect(result(rows, 'w8-mlp').testAcc).toBeGreaterThanOrEqual(0.95);
    expect(result(rows, 'w8-mlp-noisy').testAcc).toBeGreaterThanOrEqual(0.85);
  }, TRAIN_TIMEOUT);

  it('learning rate: 0.001 crawls, 0.1 learns, 5 diverges', async () => {
    const rows = await train('learning-rate');
    expect(rows.get('lr-5')!.status.state).toBe('diverged');
    expect(result(rows, 'lr-5').diverged!.message).toMatch(/learning rate \(5\) is probably too high/);
    const crawl = result(rows, 'lr-0.001');
    expect(crawl.history[0]!.loss - lastLoss(crawl)).toBeLessThan(0.05);
    expect(result(rows, 'lr-0.1').testAcc).toBeGreaterThanOrEqual(0.95);
    // The smaller the rate, the higher the loss after the same epochs.
    expect(lastLoss(crawl)).toBeGreaterThan(lastLoss(result(rows, 'lr-0.01')));
    expect(lastLoss(result(rows, 'lr-0.01'))).toBeGreaterThan(lastLoss(result(rows, 'lr-0.1')));
    for (const id of ['lr-0.001', 'lr-0.01', 'lr-0.1']) expect(rows.get(id)!.status.state, id).toBe('done');
  }, TRAIN_TIMEOUT);

  it('activations (W9): the deep sigmoid net stays near chance while ReLU learns the spiral', async () => {
    const rows = await train('activations');
    const sigmoid = result(rows, 'w9-sigmoid');
    const relu = result(rows, 'w9-relu');
    expect(sigmoid.testAcc).toBeLessThan(0.65);
    expect(lastLoss(sigmoid)).toBeGreaterThan(0.65);
    expect(relu.testAcc).toBeGreaterThanOrEqual(0.8);
    expect(lastLoss(relu)).toBeLessThan(lastLoss(sigmoid) - 0.2);
    // Every other activation learns more than sigmoid.
    for (const id of ['w9-tanh', 'w9-leakyrelu', 'w9-elu']) expect(lastLoss(result(rows, id)), id).toBeLessThan(lastLoss(sigmoid));
  }, TRAIN_TIMEOUT);

  it('optimizers (W10): the adaptive ones and momentum converge faster than plain SGD', async () => {
    const rows = await train('optimizers');
    for (const [id, r] of rows) expect(r.status.state, id).toBe('done');
    const sgd = result(rows, 'w10-sgd');
    for (const id of ['w10-momentum', 'w10-adagrad', 'w10-adadelta', 'w10-rmsprop', 'w10-adam']) {
      expect(lastLoss(result(rows, id)), id).toBeLessThan(lastLoss(sgd));
    }
    // Adam and RMSprop after one epoch are where SGD is after about five.
    for (const id of ['w10-rmsprop', 'w10-adam']) {
      expect(result(rows, id).history[0]!.loss, id).toBeLessThan(sgd.history[4]!.loss * 1.2);
      expect(lastLoss(result(rows, id)), id).toBeLessThan(lastLoss(sgd) / 4);
    }
    expect(result(rows, 'w10-adam').testAcc).toBeGreaterThan(sgd.testAcc);
  }, TRAIN_TIMEOUT);

  it('overfitting (W11): the wide net memorizes the noise; dropout and L2 narrow the train/validation gap', async () => {
    const rows = await train('overfitting');
    for (const [id, r] of rows) expect(r.status.state, id).toBe('done');
    const gap = (r: TrainResult) => r.trainAcc - r.valAcc;
    const plain = result(rows, 'w11-plain');
    expect(gap(plain)).toBeGreaterThan(0.05);
    // The validation loss fell, then climbed back up.
    expect(plain.valLoss).toBeGreaterThan(1.5 * Math.min(...plain.history.map((e) => e.valLoss)));
    for (const id of ['w11-dropout', 'w11-l2']) {
      expect(gap(result(rows, id)), id).toBeLessThan(gap(plain));
      expect(result(rows, id).valLoss, id).toBeLessThan(plain.valLoss);
    }
    // Early stopping watches the validation loss that turned up: it ends well before 150 epochs.
    expect(result(rows, 'w11-early-stop').epochsRun).toBeLessThan(150);
  }, TRAIN_TIMEOUT);
});
