/**
 * An invariant for tests of the scheduler: every run the runner still trains (not aborted, not
 * ended) is its row's current run, and no more train than the runner's capacity. A run set aside
 * while an update places rows (Runs.withdraw) and never dropped when the update ends breaks both:
 * it trains on for a row that moved on, and it no longer counts against the capacity (review-26 T2).
 */
import { expect } from 'vitest';
import type { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import type { ScriptedCall, ScriptedRunner } from '../helpers/scripted-runner.ts';

/** Calls that ended (finished or failed), per runner: what `watchRuns` records. */
const ended = new WeakMap<ScriptedRunner, Set<ScriptedCall>>();

/** Record which of the runner's calls end, for expectOpenRunsOwned; call before any run starts. */
export function watchRuns(runner: ScriptedRunner): ScriptedRunner {
  const done = new Set<ScriptedCall>();
  ended.set(runner, done);
  const run = runner.run.bind(runner);
  runner.run = (job, opts) => {
    const promise = run(job, opts);
    const i = runner.calls.length - 1;
    const c = runner.calls[i]!;
    const call: ScriptedCall = {
      ...c,
      finish: (m) => { done.add(call); c.finish(m); },
      fail: (message) => { done.add(call); c.fail(message); },
    };
    runner.calls[i] = call;
    return promise;
  };
  return runner;
}

/** The runner's calls still training: not aborted and not ended. */
export function openRuns(runner: ScriptedRunner): ScriptedCall[] {
  const done = ended.get(runner);
  if (!done) throw new Error('Expected a runner passed to watchRuns, but got one that is not watched');
  return runner.calls.filter((c) => !c.signal.aborted && !done.has(c));
}

/** Every open run is its row's current run (`row@version`, the row running), within capacity. */
export function expectOpenRunsOwned(engine: SheetEngine, runner: ScriptedRunner, label: string): void {
  const open = openRuns(runner);
  const notOwned = open.map((c) => c.job.id).filter((job) => {
    const id = job.slice(0, job.lastIndexOf('@'));
    const row = engine.row(id);
    return !row || row.status.state !== 'running' || job !== `${id}@${row.version}`;
  });
  expect(notOwned, `${label}: open runs no row owns`).toEqual([]);
  expect(open.length, `${label}: open runs (${open.map((c) => c.job.id).join(' ')})`).toBeLessThanOrEqual(runner.capacity);
}
