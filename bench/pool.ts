/**
 * `npm run bench:pool`: a 16-row grid of small jobs on pools of 1 and 2 workers — Node worker
 * threads (the app's createNodePool), two separate processes with one worker each (the ceiling:
 * nothing shared but the machine), and the app's Web Worker in chromium — with jobs/s, speedup
 * over one worker, each worker's idle time per job (wall time outside fitJob's own clock: the
 * round trip to the page between jobs), and where the CPU went (training threads, V8's
 * background threads, main).
 *
 * Each pool is timed twice: "cold", after one warm-up job per worker (the first grid a fresh
 * worker sees), and "steady", after each worker has trained at least --warm jobs (24 by default:
 * workers in the app are long-lived, and V8 takes ~16 of these jobs to finish optimizing tfjs'
 * code, whose background compilations compete with the other worker for the two cores).
 *
 * `--epochs=N` sets the small job's epochs (default 10; see smallJob in bench/lib/jobs.ts).
 *
 * `--rounds=N` replaces the cold/steady sessions: each kind of pool (2 node threads, 2 processes,
 * 2 chromium workers) is warmed (--warm jobs per worker), then times the same --jobs grid at
 * concurrency 1 and 2 in turn, N times: per-round ratios, median, min-max and IQR (bench/pool-rounds.ts).
 *
 *   npx tsx bench/pool.ts [--jobs=16] [--warm=24] [--epochs=10] [--only=node|browser] [--rounds=N]
 */
import { fileURLToPath } from 'node:url';
import { openBenchPage } from './lib/browser.ts';
import { smallJob } from './lib/jobs.ts';
import { type Phase, type Session, childRounds, childSession, chromiumSession, nodeSession, processSession } from './lib/pool-phases.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';
import { cpuTotal } from './lib/thread-cpu.ts';
import { poolRounds } from './pool-rounds.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const JOBS = Number(arg('jobs') ?? 16);
const WARM = Number(arg('warm') ?? 24);
const only = arg('only');
// Through the environment, so the child processes of processSession build the same jobs.
if (arg('epochs')) process.env.SMALL_EPOCHS = String(Number(arg('epochs')));

if (arg('child-rounds')) await childRounds(Number(arg('child-rounds')));
if (arg('rounds')) await poolRounds(fileURLToPath(import.meta.url), Number(arg('rounds')), JOBS, WARM, only);

const childArg = arg('child');
if (childArg) {
  const [share, from, warm, total] = childArg.split(':').map(Number) as [number, number, number, number];
  await childSession(share, from, warm, total);
}

const loadavg = async () => (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
const m = await machine();
console.log(machineLine(m));
console.log(`${JOBS} small jobs (${smallJob(0).dataset}, ${smallJob(0).layers}, ${smallJob(0).epochs} epochs, batch ${smallJob(0).batch_size}); steady = after ${WARM} jobs per worker; load average ${await loadavg()}\n`);

const table: string[][] = [['where', 'workers', 'phase', 'seconds', 'jobs/s', 'speedup vs 1', 'job s', 'cores used', 'idle ms/job', 'CPU ms/job: worker', 'V8 background', 'main']];
const out: Record<string, unknown> = { warm: WARM, loadBefore: await loadavg() };
type Row = { where: string; workers: number; s: Session };

/** Table rows for one kind of pool: its 1-worker runs (averaged) and its 2-worker run, both phases. */
function rows(where: string, ones: Session[], two: Row, withOnes = true): void {
  for (const phase of ['cold', 'steady'] as const) {
    const base = ones.reduce((a, s) => a + s[phase].seconds, 0) / ones.length;
    const line = (label: string, workers: number, p: Phase) => {
      const wall = p.seconds, per = (v: number) => fmt((1000 * v) / p.jobs, 1);
      // A worker's wall time not inside a job (fitJob's clock), per job: the round trip between jobs.
      const idle = fmt(1000 * ((wall * workers) / p.jobs - p.jobSeconds), 1);
      table.push([label, String(workers), phase, fmt(wall, 2), fmt(p.jobs / wall, 2), `${fmt(base / wall, 2)}x`, fmt(p.jobSeconds, 3),
        fmt(cpuTotal(p.cpu) / wall, 2), idle, per(p.cpu.workers), per(p.cpu.background), per(p.cpu.main)]);
    };
    if (withOnes) ones.forEach((s, i) => line(i === 0 ? where : `${where} (again)`, 1, s[phase]));
    line(two.where, two.workers, two.s[phase]);
  }
}

/** Why 2 workers fall short: jobs slower side by side, and what the CPU split predicts for 2 cores. */
function explain(where: string, one: Session, two: Session): string {
  return (['cold', 'steady'] as const).map((ph) => {
    const a = one[ph], b = two[ph];
    // Two CPU-bound workers on 2 cores, each needing (worker + background + main) CPU per job, reach at
    // most 2 x worker / (worker + background + main) of one worker whose helpers ran on the idle core.
    const bound = (2 * a.cpu.workers) / cpuTotal(a.cpu);
    return `${where}, ${ph}: one job ${fmt(a.jobSeconds, 3)} s alone, ${fmt(b.jobSeconds, 3)} s beside another (x${fmt(b.jobSeconds / a.jobSeconds, 2)}); ` +
      `1 worker uses ${fmt(cpuTotal(a.cpu) / a.seconds, 2)} cores, so 2 on 2 cores can reach at most ${fmt(bound, 2)}x`;
  }).join('\n');
}

if (only !== 'browser') {
  // 1, 2, processes, 1 again: a drift in machine load hits both sides of each ratio about equally.
  const one = await nodeSession(1, JOBS, WARM);
  console.log(`  1 thread: cold ${fmt(one.cold.seconds, 2)} s, steady ${fmt(one.steady.seconds, 2)} s`);
  const two = await nodeSession(2, JOBS, WARM);
  console.log(`  2 threads: cold ${fmt(two.cold.seconds, 2)} s, steady ${fmt(two.steady.seconds, 2)} s`);
  const sep = await processSession(fileURLToPath(import.meta.url), JOBS, WARM);
  console.log(`  2 processes: cold ${fmt(sep.cold.seconds, 2)} s, steady ${fmt(sep.steady.seconds, 2)} s`);
  const one2 = await nodeSession(1, JOBS, WARM);
  console.log(`  1 thread again: cold ${fmt(one2.cold.seconds, 2)} s, steady ${fmt(one2.steady.seconds, 2)} s`);
  rows('node worker threads', [one, one2], { where: 'node worker threads', workers: 2, s: two });
  rows('', [one, one2], { where: '2 separate processes, 1 worker each', workers: 2, s: sep }, false);
  console.log(explain('node threads', one, two));
  console.log(explain('node processes', one, sep));
  const speed = (s: Session, ph: 'cold' | 'steady') => ((one[ph].seconds + one2[ph].seconds) / 2) / s[ph].seconds;
  out.node = {
    oneThread: [one, one2], twoThreads: two, separateProcesses: sep,
    speedup: { cold: speed(two, 'cold'), steady: speed(two, 'steady') }, ceiling: { cold: speed(sep, 'cold'), steady: speed(sep, 'steady') },
  };
}

if (only !== 'node') {
  const page = await openBenchPage();
  if (page) {
    try {
      const one = await chromiumSession(page, 1, JOBS, WARM);
      const two = await chromiumSession(page, 2, JOBS, WARM);
      rows('chromium workers', [one], { where: 'chromium workers', workers: 2, s: two });
      console.log(explain('chromium', one, two));
      out.chromium = { oneWorker: one, twoWorkers: two, speedup: { cold: one.cold.seconds / two.cold.seconds, steady: one.steady.seconds / two.steady.seconds } };
    } catch (e) {
      // Keep what Node measured: a page error (say, a worker that fails to load) ends only this part.
      console.log(`chromium part failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    } finally {
      await page.close();
    }
  }
}
out.loadAfter = await loadavg();
console.log(`\n${textTable(table)}`);
console.log(`\nload average before ${out.loadBefore as string}, after ${out.loadAfter as string} (2 cores: above ~2, the other load takes cores from the 2-worker runs)`);
console.log('Target (issue 7): 2 workers >= 1.9x one worker on small jobs; separate processes reach 1.92-1.97 here when the machine is otherwise idle.');
save('pool', m, { jobs: JOBS, job: smallJob(0), ...out }, markdownTable(table));
process.exit(0);
