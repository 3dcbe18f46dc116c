/**
 * bench:pool --rounds=N: a warmed 1-worker pool vs a warmed 2-worker pool, alternated round by
 * round, for Node worker threads, two separate processes (the reference: one process alone, then
 * both) and chromium's Web Workers, the jobs handed out as the app's scheduler does (drive.ts). A
 * ratio is (seconds for the grid on one worker) / (seconds on two): the speedup of 2 workers over 1. Read the median and its spread, not any single round.
 */
import { openBenchPage } from './lib/browser.ts';
import { smallJob } from './lib/jobs.ts';
import { type Phase, type Round, chromiumRounds, nodeRounds, processRounds } from './lib/pool-phases.ts';
import { fmt, machine, machineLine, markdownTable, save, textTable } from './lib/report.ts';
import { cpuTotal } from './lib/thread-cpu.ts';

/** The q-quantile of sorted values, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q, lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly q3: number;
}

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0]!, max: s[s.length - 1]!, q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

const ratio = (r: Round) => r.c1.seconds / r.c2.seconds;
const perJob = (p: Phase, v: number) => (1000 * v) / p.jobs;

export async function poolRounds(script: string, rounds: number, jobs: number, warm: number, only: string | undefined): Promise<never> {
  const loadavg = async () => (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  const m = await machine();
  console.log(machineLine(m));
  const job = smallJob(0);
  console.log(`${rounds} rounds of ${jobs} small jobs (${job.dataset}, ${job.layers}, ${job.epochs} epochs, batch ${job.batch_size}) on 1 and on 2 workers ` +
    `(a pool of each per kind), after ${warm} jobs per worker; load average ${await loadavg()}\n`);
  const results: Record<string, Round[]> = {};
  const each = (where: string) => (r: Round, i: number) =>
    console.log(`  ${where} round ${i + 1}: 1 worker ${fmt(r.c1.seconds, 3)} s, 2 workers ${fmt(r.c2.seconds, 3)} s: ${fmt(ratio(r), 3)}x`);
  if (only !== 'browser') {
    results['node worker threads'] = await nodeRounds(jobs, warm, rounds, each('threads'));
    results['2 separate processes'] = await processRounds(script, jobs, warm, rounds, each('processes'));
  }
  if (only !== 'node') {
    const page = await openBenchPage();
    if (page) {
      try {
        results['chromium workers'] = await chromiumRounds(page, jobs, warm, rounds, each('chromium'));
      } catch (e) {
        console.log(`chromium part failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
      } finally {
        await page.close();
      }
    }
  }
  const table: string[][] = [['where', 'rounds', 'median 2 vs 1', 'min-max', 'IQR', 'jobs/s 1 / 2', 'cores used 1 / 2',
    'CPU ms/job 1 worker: worker, V8 background, main', '2 workers: worker, background, main']];
  const summary: Record<string, Spread> = {};
  for (const [where, rs] of Object.entries(results)) {
    const s = (summary[where] = spread(rs.map(ratio)));
    const med = (f: (r: Round) => number, d = 1) => fmt(spread(rs.map(f)).median, d);
    const split = (c: 'c1' | 'c2') => ['workers', 'background', 'main'].map((k) => med((r) => perJob(r[c], r[c].cpu[k as 'workers']))).join(', ');
    table.push([where, String(rs.length), `${fmt(s.median, 3)}x`, `${fmt(s.min, 2)}-${fmt(s.max, 2)}`, `${fmt(s.q1, 2)}-${fmt(s.q3, 2)}`,
      `${med((r) => jobs / r.c1.seconds)} / ${med((r) => jobs / r.c2.seconds)}`,
      `${med((r) => cpuTotal(r.c1.cpu) / r.c1.seconds, 2)} / ${med((r) => cpuTotal(r.c2.cpu) / r.c2.seconds, 2)}`, split('c1'), split('c2')]);
  }
  const loadAfter = await loadavg();
  console.log(`\n${textTable(table)}`);
  console.log(`\nload average after ${loadAfter} (2 cores: above ~2, other processes take cores from the 2-at-a-time grids)`);
  console.log('Target (issue 7): 2 workers >= 1.9x one worker on small jobs.');
  save('pool-rounds', m, { jobs, warm, rounds, job, loadAfter, summary, results }, markdownTable(table));
  process.exit(0);
}
