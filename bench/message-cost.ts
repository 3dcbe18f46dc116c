/**
 * Diagnostic for issue 7, not part of `npm run bench`: what one page <-> worker round trip costs
 * chromium's threads, on the worker's own postMessage and on a MessageChannel port (the pool's
 * job port), with an empty and a job-end-sized payload, and with the worker answering at once or
 * after `--busy` ms of work (a small job: then both threads sleep between messages and each
 * message wakes one). CPU per round trip from /proc, median of alternated rounds.
 *
 *   npx tsx bench/message-cost.ts [--n=2000] [--rounds=4] [--busy=0]
 */
import { launchChromium, startDevServer } from '../test/helpers/browser.ts';
import { delta, descendants, snapshot } from './lib/thread-cpu.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg('n') ?? 2000), ROUNDS = Number(arg('rounds') ?? 4), BUSY = Number(arg('busy') ?? 0);

const small = { jobId: 'r1', progress: [] };
/** About a small job's end message (protocol.ts): a short history, a 40x40 boundary. */
const jobEnd = {
  jobId: 'r1',
  result: {
    testLoss: 0.3, testAccuracy: 0.88, seconds: 0.01,
    history: Array.from({ length: 10 }, (_, i) => ({ epoch: i + 1, loss: 0.3, accuracy: 0.9, lr: 0.01 })),
    insights: { boundary: { size: 40, predicted: new Float64Array(1600), confidence: new Float64Array(1600) }, confusion: [[10, 1], [2, 12]] },
  },
};

const dev = await startDevServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${dev.url}bench/browser/msg.html`);
  await page.waitForFunction(() => document.title === 'msg ready');
  const pids = descendants();
  const run = (via: string, payload: unknown, busy: number) => page.evaluate(([v, n, p, b]) =>
    (window as unknown as { __msg: { run(v: string, n: number, p: unknown, b: number): Promise<number> } }).__msg.run(v, n, p, b), [via, N, payload, busy] as const);
  await run('worker', small, 0);
  await run('port', small, 0);

  type Row = { wall: number[]; page: number[]; worker: number[]; other: number[] };
  const rows = new Map<string, Row>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, payload] of [['empty', small], ['job end', jobEnd]] as const) {
      for (const via of r % 2 ? ['port', 'worker'] : ['worker', 'port']) {
        const before = snapshot(pids);
        const wall = await run(via, payload, BUSY);
        let pageMain = 0, worker = 0, other = 0;
        for (const t of delta(before, snapshot(pids))) {
          if (t.name.startsWith('DedicatedWorker')) worker += t.seconds;
          else if (t.tid === t.pid && snapshot([t.pid]).some((u) => u.name.startsWith('DedicatedWorker'))) pageMain += t.seconds;
          else other += t.seconds;
        }
        const key = `${via === 'port' ? 'MessageChannel port' : 'worker.postMessage'}, ${name}`;
        const row = rows.get(key) ?? { wall: [], page: [], worker: [], other: [] };
        rows.set(key, row);
        row.wall.push(wall / N); row.page.push(pageMain * 1000 / N); row.worker.push(worker * 1000 / N); row.other.push(other * 1000 / N);
      }
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!.toFixed(3).padStart(7);
  console.log(`one round trip, worker busy ${BUSY} ms per message; median of ${ROUNDS} rounds of ${N} (ms; CPU from /proc, 10 ms ticks)`);
  console.log(`${'channel, payload'.padEnd(36)}   wall  page main  worker  other threads`);
  for (const [k, r] of rows) console.log(`${k.padEnd(36)}${med(r.wall)}  ${med(r.page)}  ${med(r.worker)}  ${med(r.other)}`);
} finally {
  await browser.close();
  await dev.server.close();
}
