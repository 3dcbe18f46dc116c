/**
 * A/B of the chromium pool and worker (issue 7): this tree's src/ against an older commit's, in
 * one page and the same seconds. The old commit's src/ is extracted into .ab-old/ (removed at the
 * end); the page (bench/browser/ab.html) opens a 1-worker and a 2-worker pool of each tree (its
 * own pool.ts and worker), warms them, then round after round times the same grid on each, the
 * jobs handed out as the scheduler does (while fewer than the pool's capacity are in flight; a
 * pool that takes small jobs ahead takes more). Which tree and which size go first alternate.
 * Separate runs of the two trees drift with the machine's load more than the effects measured
 * here; alternated grids seconds apart do not.
 *
 *   npx tsx bench/pool-ab.ts [--old=HEAD] [--rounds=8] [--jobs=256] [--warm=24] [--epochs=10]
 */
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PROJECT_ROOT, startDevServer } from '../test/helpers/browser.ts';
import type { AbPage } from './browser/ab.ts';
import { grid } from './lib/pool-phases.ts';
import { type CpuSplit, cpuTotal, delta, descendants, snapshot, splitChromium, threadsOf } from './lib/thread-cpu.ts';
import { fmt, textTable } from './lib/report.ts';
import { spread } from './pool-rounds.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const OLD = arg('old') ?? 'HEAD', ROUNDS = Number(arg('rounds') ?? 8), JOBS = Number(arg('jobs') ?? 256), WARM = Number(arg('warm') ?? 24);
if (arg('epochs')) process.env.SMALL_EPOCHS = String(Number(arg('epochs')));

const OLD_DIR = `${PROJECT_ROOT}/.ab-old`;
rmSync(OLD_DIR, { recursive: true, force: true });
mkdirSync(OLD_DIR);
execSync(`git archive ${OLD} src | tar -x -C ${OLD_DIR}`, { cwd: PROJECT_ROOT });
const oldRev = execSync(`git rev-parse --short ${OLD}`, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
const TREES = { old: '/.ab-old/src/workers/', new: '/src/workers/' } as const;
type Tree = keyof typeof TREES;

interface Timed { readonly seconds: number; readonly jobs: number; readonly cpu: CpuSplit }
const rows: Record<Tree, { c1: Timed; c2: Timed }[]> = { old: [], new: [] };

const { server, url } = await startDevServer();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
  await page.goto(`${url}bench/browser/ab.html`);
  await page.waitForFunction(() => document.title === 'ab ready', undefined, { timeout: 120_000 });
  const call = <K extends keyof AbPage>(m: K, ...a: Parameters<AbPage[K]>) =>
    page.evaluate(([m, a]) => (window as unknown as { __ab: Record<string, (...x: unknown[]) => unknown> }).__ab[m]!(...a), [m, a] as [string, unknown[]]) as Promise<Awaited<ReturnType<AbPage[K]>>>;
  const procs = descendants().filter((p) => threadsOf(p).some((t) => t.tid === p && t.name.startsWith('chrom')));
  for (const t of ['old', 'new'] as const) {
    for (const size of [1, 2]) {
      await call('open', `${t}${size}`, `${TREES[t]}train.worker.ts`, `${TREES[t]}pool.ts`, size);
      await call('grid', `${t}${size}`, grid(size * WARM, 600));
    }
  }
  const load = async () => (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`old = ${OLD} (${oldRev}), new = the working tree; ${ROUNDS} rounds of ${JOBS} jobs (${process.env.SMALL_EPOCHS ?? 10} epochs) on a 1- and a 2-worker pool of each; load ${await load()}`);
  const time = async (t: Tree, c: number): Promise<Timed> => {
    await call('stage', grid(JOBS));
    const before = snapshot(procs);
    const r = await call('grid', `${t}${c}`, null);
    return { seconds: r.seconds, jobs: JOBS, cpu: splitChromium(delta(before, snapshot(procs))) };
  };
  for (let i = 0; i < ROUNDS; i++) {
    for (const t of (i % 2 === 0 ? ['old', 'new'] : ['new', 'old']) as Tree[]) {
      const c = (i >> 1) % 2 === 0 ? [1, 2] : [2, 1];
      const got: Record<number, Timed> = {};
      for (const k of c) got[k] = await time(t, k);
      rows[t].push({ c1: got[1]!, c2: got[2]! });
      console.log(`  round ${i + 1} ${t}: 1 worker ${fmt(got[1]!.seconds, 3)} s, 2 workers ${fmt(got[2]!.seconds, 3)} s: ${fmt(got[1]!.seconds / got[2]!.seconds, 3)}x`);
    }
  }
  const med = (xs: number[], d = 2) => fmt(spread(xs).median, d);
  const per = (x: Timed, v: number) => (1000 * v) / x.jobs;
  const table = [['tree', 'median 2 vs 1', 'IQR', 'jobs/s 1 / 2', 'CPU ms/job 1 worker: worker, background, main, all', '2 workers: worker, background, main, all']];
  for (const t of ['old', 'new'] as const) {
    const rs = rows[t], s = spread(rs.map((r) => r.c1.seconds / r.c2.seconds));
    const split = (c: 'c1' | 'c2') => [...(['workers', 'background', 'main'] as const).map((k) => med(rs.map((r) => per(r[c], r[c].cpu[k])))), med(rs.map((r) => per(r[c], cpuTotal(r[c].cpu))))].join(', ');
    table.push([t, `${fmt(s.median, 3)}x`, `${fmt(s.q1, 2)}-${fmt(s.q3, 2)}`, `${med(rs.map((r) => JOBS / r.c1.seconds), 1)} / ${med(rs.map((r) => JOBS / r.c2.seconds), 1)}`, split('c1'), split('c2')]);
  }
  console.log(`\n${textTable(table)}`);
  // Paired by round: new over old, so a round's load is on both sides.
  const paired = (f: (r: { c1: Timed; c2: Timed }) => number) => {
    const q = spread(rows.new.map((r, i) => f(r) / f(rows.old[i]!)));
    return `${fmt(q.median, 3)} (IQR ${fmt(q.q1, 2)}-${fmt(q.q3, 2)})`;
  };
  console.log(`\nnew / old by round, median: jobs/s 1 worker ${paired((r) => 1 / r.c1.seconds)}, 2 workers ${paired((r) => 1 / r.c2.seconds)}; ` +
    `main CPU per job 1 worker ${paired((r) => r.c1.cpu.main)}, 2 workers ${paired((r) => r.c2.cpu.main)}; worker CPU per job 1 worker ${paired((r) => r.c1.cpu.workers)}; ` +
    `2-vs-1 ratio ${paired((r) => r.c1.seconds / r.c2.seconds)}`);
  console.log(`load after ${await load()}`);
  await call('close');
} finally {
  await browser.close().catch(() => {});
  await server.close();
  rmSync(OLD_DIR, { recursive: true, force: true });
}
process.exit(0);
