/**
 * A chain of rows whose settings each read the result of the row before: row k's seed is
 * `=ROUND(J{k} * 1000)` (J = test_acc, row k in A1 terms is the row before row k+1).
 *
 *   r0 ──run──> J1 ──> r1.seed ──run──> J2 ──> r2.seed ──run──> J3 ──> … ──> r(N-1).seed
 *
 * An edit at the root reaches every link in one recompute: the link after a row on its way waits,
 * the links after a waiting one read "no result" (a waiting row is invalid until its result
 * lands), and each link trains once the row before has its result. None is held as "does not
 * settle" (each link used to cost one recompute round, and rows past the eighth were held for good:
 * review-21 F1), none waits for ever, and at every step the sheet equals a fresh one built from
 * the same cells and results.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FormulaValue, SHEET_COLUMN_KEYS, columnLetters, formatValue, isFormulaText } from '../../src/engine/formula/index.ts';
import type { TrainResult } from '../../src/engine/job.ts';
import { type RowInit, type RowState, type RunMode, SheetEngine, statusText } from '../../src/engine/scheduler/sheet-engine.ts';
import { type ScriptedCall, ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

const J = columnLetters(SHEET_COLUMN_KEYS.indexOf('test_acc'));
const LINK = (k: number) => `=ROUND(${J}${k} * 1000)`;
/** Epochs differ row by row, so no two rows share a spec (a shared run would tie their results). */
const cells = (k: number, over: Record<string, string> = {}) => ({
  dataset: 'circle', layers: 'dense(4, relu)', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: String(k + 1), seed: '1', ...over,
});

/** Row 0 typed, each row after it reading the row before. */
function chain(n: number, root: Record<string, string> = {}): RowInit[] {
  return Array.from({ length: n }, (_, k) => ({ id: `r${k}`, cells: cells(k, k === 0 ? root : { seed: LINK(k) }) }));
}

/** A result that depends only on the spec, as a real run's would: every run of a spec agrees with the cache. */
const accuracyOf = (call: ScriptedCall) => ((call.job.spec.seed * 7919 + call.job.spec.epochs * 31) % 997) / 1000 + 0.001;

const WAITS = 'invalid — seed: the formula gives #N/A: it reads a result that is not there yet (expected a formula whose value fits the column)';
const NO_RESULT = 'invalid — seed: the formula gives #N/A: it reads a row that has no result (invalid or failed) (expected a formula whose value fits the column)';

/**
 * What a row shows: its status (queued, running and stale alike: on its way; a sweep's without
 * its running count) and its seed, the formula's value when the cell holds one (a formula typed
 * over keeps its last value in row.formulas, which no view shows).
 */
function shown(r: RowState): string {
  const s = r.status.state;
  // Which runs are running rather than queued depends on the runner's capacity and history.
  const status = s === 'queued' || s === 'running' || s === 'stale' ? 'on its way' : r.status.state === 'sweep' ? statusText({ ...r.status, running: 0 }) : statusText(r.status);
  const seed = isFormulaText(r.cells.seed ?? '') ? formatValue(r.formulas.seed as FormulaValue) : `${r.cells.seed} (typed)`;
  // A sweep's runs by their row: a run made again gets a new id.
  return `${r.parent === null ? r.id : `${r.parent}'s run`}: ${status} | seed=${seed}`;
}

class Chain {
  readonly cache = new Map<string, TrainResult>();
  readonly runner = new ScriptedRunner(4);
  readonly engine: SheetEngine;
  private readonly done = new Set<ScriptedCall>();
  /** Runs started before this index belong to an earlier phase of the test. */
  private from = 0;

  /** `mode` 'manual': every stale row is run ("run stale") before the open runs are looked at. */
  constructor(rows: RowInit[], readonly mode: RunMode = 'auto') {
    this.engine = new SheetEngine(rows, this.runner, { cache: this.cache, runMode: mode });
  }

  /** Runs started and neither finished nor cancelled. */
  open(): ScriptedCall[] {
    if (this.mode === 'manual') this.engine.runStale();
    return this.runner.calls.filter((c) => !this.done.has(c) && !c.signal.aborted);
  }

  finish(call: ScriptedCall): void {
    this.done.add(call);
    call.finish({ testAcc: accuracyOf(call) });
  }

  fail(call: ScriptedCall, message: string): void {
    this.done.add(call);
    call.fail(message);
  }

  rows(): string[] {
    return this.engine.rows().map(shown);
  }

  /** The sheet equals a fresh one from the same cells and results, and no row is held. */
  async expectFresh(label: string): Promise<void> {
    const top = this.engine.rows().filter((r) => r.parent === null);
    const fresh = new SheetEngine(top.map((r) => ({ id: r.id, cells: r.cells })), new ScriptedRunner(4), { cache: this.cache, runMode: this.mode });
    await settle();
    const mine = this.rows();
    expect(mine, label).toEqual(fresh.rows().map(shown));
    fresh.dispose();
    expect(mine.filter((s) => s.includes('does not settle')), label).toEqual([]);
  }

  /**
   * Finish the open runs one at a time, comparing with a fresh sheet after each: the chain trains
   * link by link, one run at a time, each row at most once, and ends with every row done.
   */
  async trainLinkByLink(label: string): Promise<string[]> {
    const trained: string[] = [];
    for (let step = 0; step < 200; step++) {
      await settle();
      const open = this.open();
      expect(open.length, `${label}: one link at a time`).toBeLessThanOrEqual(1);
      if (open.length === 0) break;
      const row = open[0]!.job.id.split('@')[0]!;
      expect(trained, `${label}: ${row} trains once`).not.toContain(row);
      trained.push(row);
      this.finish(open[0]!);
      await settle();
      await this.expectFresh(`${label}, after ${row} finished`);
    }
    expect(this.engine.rows().filter((r) => r.status.state !== 'done').map(shown), `${label}: every row done`).toEqual([]);
    expect(this.runner.calls.slice(this.from).filter((c) => c.signal.aborted), `${label}: nothing cancelled`).toEqual([]);
    return trained;
  }

  /** Start a new phase: runs cancelled before it are not this phase's. */
  nextPhase(): void {
    this.from = this.runner.calls.length;
  }

  async edit(row: string, column: string, text: string): Promise<void> {
    this.engine.edit([{ row, column, text }]);
    await settle();
  }
}

/** What each row shows after the root's edit: r0, then r1, then the rest. */
interface Expected {
  readonly root: string;
  readonly first: string;
  readonly rest: string;
}

type Case = {
  readonly name: string;
  readonly root?: Record<string, string>;
  /** Steps before the chain is trained link by link; returns what r0, r1 and the rest show after them ('mixed': not checked). */
  readonly before: (c: Chain) => Promise<Expected>;
  /** How many runs the link-by-link training starts (left out: each link after the edit, in chain order). */
  readonly trains?: number;
};

const trainAll = async (c: Chain) => {
  await c.trainLinkByLink('first training');
  c.nextPhase();
};

const CASES: Case[] = [
  {
    name: 'trained, then the root\'s seed edited: the chain trains again link by link',
    before: async (c) => {
      await trainAll(c);
      await c.edit('r0', 'seed', '2');
      return { root: 'on its way', first: WAITS, rest: NO_RESULT };
    },
  },
  {
    name: 'trained, edited, trained, then the root\'s old seed typed back: every result is known, nothing trains',
    before: async (c) => {
      await trainAll(c);
      await c.edit('r0', 'seed', '2');
      await c.trainLinkByLink('with seed 2');
      c.nextPhase();
      await c.edit('r0', 'seed', '1');
      return { root: 'done', first: 'done', rest: 'done' };
    },
    trains: 0,
  },
  {
    name: 'invalid root at load, then fixed',
    root: { lr: 'oops' },
    before: async (c) => {
      expect(c.engine.rows().slice(1).map((r) => statusText(r.status))).toEqual(c.engine.rows().slice(1).map(() => NO_RESULT));
      await c.expectFresh('invalid root at load');
      await c.edit('r0', 'lr', '0.03');
      return { root: 'on its way', first: WAITS, rest: NO_RESULT };
    },
  },
  {
    name: 'the root\'s run fails, then it trains again',
    before: async (c) => {
      c.fail(c.open()[0]!, 'out of memory');
      await settle();
      // A fresh sheet cannot hold a failure: the links are checked as they are.
      expect(c.engine.rows().slice(1).map((r) => statusText(r.status))).toEqual(c.engine.rows().slice(1).map(() => NO_RESULT));
      expect(c.engine.rows()[0]!.status.state).toBe('failed');
      await c.edit('r0', 'seed', '3');
      return { root: 'on its way', first: WAITS, rest: NO_RESULT };
    },
  },
  {
    name: 'trained, the root made invalid, then fixed: every result is known again',
    before: async (c) => {
      await trainAll(c);
      await c.edit('r0', 'lr', 'oops');
      await c.expectFresh('root invalid');
      expect(c.engine.rows().slice(1).map((r) => statusText(r.status))).toEqual(c.engine.rows().slice(1).map(() => NO_RESULT));
      await c.edit('r0', 'lr', '0.03');
      return { root: 'done', first: 'done', rest: 'done' };
    },
    trains: 0,
  },
  {
    name: 'trained, then a link in the middle edited to a constant: the links after it train again',
    before: async (c) => {
      await trainAll(c);
      await c.edit('r5', 'seed', '77');
      return { root: 'done', first: 'done', rest: 'mixed' };
    },
  },
];

describe('a chain of rows, each setting reading the result of the row before', () => {
  // Manual mode ("run stale" between links) at 12 rows: a link on its way is stale, not queued (review-23 F6).
  for (const [n, mode] of [[12, 'auto'], [30, 'auto'], [12, 'manual']] as const) {
    it.each(CASES)(`${n} rows${mode === 'manual' ? ', manual mode' : ''}: $name`, async ({ root, before, trains }) => {
      const c = new Chain(chain(n, root), mode);
      await settle();
      const expected = await before(c);
      await c.expectFresh('after the edit');
      const rows = c.engine.rows();
      const s = (r: RowState) => r.status.state;
      const status = (r: RowState) => (s(r) === 'queued' || s(r) === 'running' || s(r) === 'stale' ? 'on its way' : s(r) === 'done' ? 'done' : statusText(r.status));
      expect(status(rows[0]!)).toBe(expected.root);
      expect(status(rows[1]!)).toBe(expected.first);
      if (expected.rest !== 'mixed') expect(rows.slice(2).map(status)).toEqual(rows.slice(2).map(() => expected.rest));
      const trained = await c.trainLinkByLink('then');
      if (trains !== undefined) expect(trained).toHaveLength(trains);
      else {
        // Each link once, in chain order (a link whose new seed is one it has trained with shows that result at once).
        const order = trained.map((id) => Number(id.slice(1)));
        expect(order, 'in chain order').toEqual([...order].sort((a, b) => a - b));
      }
      c.engine.dispose();
    });
  }

  it('a chain of 12 sweeps, each reading the mean of the one before: retrained, then typed back, every run is known at once', async () => {
    // Row k sweeps lr over two values, so the rows before row k+1 (k >= 1) are k top-level rows and
    // 2(k-1) runs: the row before it is at 3k - 1.
    const at = (k: number) => (k === 0 ? 1 : 3 * k - 1);
    const rows = Array.from({ length: 12 }, (_, k) => ({
      id: `r${k}`, cells: cells(k, k === 0 ? {} : { lr: '0.01, 0.02', seed: `=ROUND(${J}${at(k - 1)} * 1000)` }),
    }));
    const c = new Chain(rows);
    const trainAll = async (label: string) => {
      for (let round = 0; round < 100 && c.open().length > 0; round++) {
        for (const call of c.open()) c.finish(call);
        await settle();
        await c.expectFresh(`${label}, round ${round}`);
      }
      const top = c.engine.rows().filter((r) => r.parent === null).slice(1);
      expect(top.map((r) => statusText(r.status)), label).toEqual(top.map(() => 'sweep: 2/2 done'));
    };
    await settle();
    await trainAll('first training');
    await c.edit('r0', 'seed', '2');
    await c.expectFresh('root edited');
    await trainAll('with seed 2');
    const runs = c.runner.calls.length;
    // Each sweep's runs change spec: each one's result is in the cache. Each link was one more
    // round (placing a sweep told its readers), and links past the eighth were held.
    await c.edit('r0', 'seed', '1');
    await c.expectFresh('typed back');
    expect(c.runner.calls.length).toBe(runs);
    const top = c.engine.rows().filter((r) => r.parent === null);
    expect(top.map((r) => statusText(r.status))).toEqual(['done', ...top.slice(1).map(() => 'sweep: 2/2 done')]);
    c.engine.dispose();
  });

  it('incremental equals fresh while a 12-row chain is edited and trained in any order (property)', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), row: fc.constantFrom(0, 0, 3, 7), column: fc.constantFrom('seed', 'lr'), text: fc.constantFrom('1', '2', '0.05', 'oops', 'link', 'sweep') }),
      fc.record({ kind: fc.constant('finish' as const), call: fc.nat(20) }),
      fc.record({ kind: fc.constant('fail' as const), call: fc.nat(20) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 14 }), async (steps) => {
      const c = new Chain(chain(12));
      await settle();
      let failed = false;
      for (const s of steps) {
        const open = c.open();
        if (s.kind === 'edit') {
          // A sweep moves the rows below it: the links after it read other rows (or past the end).
          const text = s.text === 'link' ? (s.row === 0 ? '1' : LINK(s.row)) : s.text === 'sweep' ? (s.column === 'lr' ? '0.01, 0.02' : '1, 2')
            : s.column === 'lr' ? (s.text === 'oops' ? 'oops' : '0.03') : s.text;
          await c.edit(`r${s.row}`, s.column, text);
        } else if (open.length > 0) {
          const call = open[s.call % open.length]!;
          if (s.kind === 'finish') c.finish(call);
          else {
            c.fail(call, 'out of memory');
            failed = true;
          }
          await settle();
        }
        // A failed run is in no fresh sheet: compare until the first failure, then only look for held rows.
        if (!failed) await c.expectFresh(JSON.stringify(steps));
        else expect(c.rows().filter((r) => r.includes('does not settle'))).toEqual([]);
      }
      // Whatever happened, the chain trains to the end once every run lands.
      for (let i = 0; i < 60 && c.open().length > 0; i++) {
        for (const call of c.open()) c.finish(call);
        await settle();
      }
      const waiting = c.engine.rows().filter((r) => r.status.state === 'queued' || r.status.state === 'running');
      expect(waiting.map(shown), JSON.stringify(steps)).toEqual([]);
      if (!failed) await c.expectFresh(`${JSON.stringify(steps)}, trained`);
      c.engine.dispose();
    }), { numRuns: 60 });
  });
});
