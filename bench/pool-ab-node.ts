/**
 * A/B of the pool and worker on Node worker threads (issue 7), beside bench/pool-ab.ts's chromium
 * one: this tree's src/ against an older commit's (extracted into .ab-old-node/, removed at the
 * end), a 1-worker and a 2-worker pool of each (its own pool.ts and worker), warmed, then round
 * after round the same grid on each, handed out as the app's scheduler does (drive.ts). Which tree
 * and which size go first alternate; ratios are paired by round.
 *
 *   npx tsx bench/pool-ab-node.ts [--old=HEAD] [--rounds=8] [--jobs=256] [--warm=24] [--epochs=10]
 */
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { PROJECT_ROOT } from '../test/helpers/browser.ts';
import type { WorkerPool } from '../src/workers/pool.ts';
import { drive } from './lib/drive.ts';
import { grid } from './lib/pool-phases.ts';
import { fmt, textTable } from './lib/report.ts';
import { spread } from './pool-rounds.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const OLD = arg('old') ?? 'HEAD', ROUNDS = Number(arg('rounds') ?? 8), JOBS = Number(arg('jobs') ?? 256), WARM = Number(arg('warm') ?? 24);
if (arg('epochs')) process.env.SMALL_EPOCHS = String(Number(arg('epochs')));

const OLD_DIR = `${PROJECT_ROOT}/.ab-old-node`;
rmSync(OLD_DIR, { recursive: true, force: true });
mkdirSync(OLD_DIR);
execSync(`git archive ${OLD} src | tar -x -C ${OLD_DIR}`, { cwd: PROJECT_ROOT });
const oldRev = execSync(`git rev-parse --short ${OLD}`, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
type Tree = 'old' | 'new';
type MakePool = (o: { size: number; stallTimeoutMs: number }) => WorkerPool;
const makers: Record<Tree, MakePool> = {
  old: ((await import(`${OLD_DIR}/src/workers/node-pool.ts`)) as { createNodePool: MakePool }).createNodePool,
  new: ((await import('../src/workers/node-pool.ts')) as { createNodePool: MakePool }).createNodePool,
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const pools = new Map<string, WorkerPool>();
try {
  for (const t of ['old', 'new'] as const) {
    for (const size of [1, 2]) {
      const p = makers[t]({ size, stallTimeoutMs: 600_000 });
      pools.set(`${t}${size}`, p);
      await p.info();
      await drive(p, grid(size * WARM, 600));
    }
  }
  console.log(`node worker threads: old = ${OLD} (${oldRev}), new = the working tree; ${ROUNDS} rounds of ${JOBS} jobs (${process.env.SMALL_EPOCHS ?? 10} epochs) on a 1- and a 2-worker pool of each; load ${load()}`);
  const rows: Record<Tree, { s1: number; s2: number }[]> = { old: [], new: [] };
  const time = async (name: string) => {
    const t0 = performance.now();
    await drive(pools.get(name)!, grid(JOBS));
    return (performance.now() - t0) / 1000;
  };
  for (let i = 0; i < ROUNDS; i++) {
    for (const t of (i % 2 === 0 ? ['old', 'new'] : ['new', 'old']) as Tree[]) {
      const got: Record<number, number> = {};
      for (const size of (i >> 1) % 2 === 0 ? [1, 2] : [2, 1]) got[size] = await time(`${t}${size}`);
      rows[t].push({ s1: got[1]!, s2: got[2]! });
      console.log(`  round ${i + 1} ${t}: 1 worker ${fmt(got[1]!, 3)} s, 2 workers ${fmt(got[2]!, 3)} s: ${fmt(got[1]! / got[2]!, 3)}x`);
    }
  }
  const table = [['tree', 'median 2 vs 1', 'min-max', 'IQR', 'jobs/s 1 / 2']];
  for (const t of ['old', 'new'] as const) {
    const s = spread(rows[t].map((r) => r.s1 / r.s2));
    const med = (f: (r: { s1: number; s2: number }) => number) => fmt(spread(rows[t].map(f)).median, 1);
    table.push([t, `${fmt(s.median, 3)}x`, `${fmt(s.min, 2)}-${fmt(s.max, 2)}`, `${fmt(s.q1, 2)}-${fmt(s.q3, 2)}`, `${med((r) => JOBS / r.s1)} / ${med((r) => JOBS / r.s2)}`]);
  }
  console.log(`\n${textTable(table)}`);
  const paired = (f: (r: { s1: number; s2: number }) => number) => {
    const q = spread(rows.new.map((r, i) => f(r) / f(rows.old[i]!)));
    return `${fmt(q.median, 3)} (IQR ${fmt(q.q1, 2)}-${fmt(q.q3, 2)})`;
  };
  console.log(`\nnew / old by round, median: jobs/s 1 worker ${paired((r) => 1 / r.s1)}, 2 workers ${paired((r) => 1 / r.s2)}; 2-vs-1 ratio ${paired((r) => r.s1 / r.s2)}`);
  console.log(`load after ${load()}`);
} finally {
  for (const p of pools.values()) p.dispose();
  rmSync(OLD_DIR, { recursive: true, force: true });
}
process.exit(0);
