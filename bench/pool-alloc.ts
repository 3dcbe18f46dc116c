/**
 * Diagnostic for bench:pool: where a small job allocates. Runs the worker's trainer in this
 * thread (the same createTrainer + wasm backend as src/workers/train.node-worker.ts), warms it up
 * with WARM jobs, then samples every allocation of N jobs, the ones the GC already collected
 * included, and prints the top allocating functions (self bytes) and call sites.
 *   WARM=16 N=4 npx tsx bench/pool-alloc.ts
 */
import { Session } from 'node:inspector/promises';
import '@tensorflow/tfjs-backend-wasm';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
import { createTrainer } from '../src/workers/trainer.ts';
import { jobOf, smallJob } from './lib/jobs.ts';

interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[]; id: number }

const WARM = Number(process.env.WARM ?? 16), N = Number(process.env.N ?? 4);
const trainer = createTrainer({ probeWebgl: () => null, yieldToEvents: () => new Promise((r) => setImmediate(r)), loadFile: loadDatasetFile });
await trainer.ready();
for (let i = 0; i < WARM; i++) await trainer.train(jobOf(smallJob(100 + i)), () => {});
const s = new Session();
s.connect();
await s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
let steps = 0;
for (let i = 0; i < N; i++) steps += (await trainer.train(jobOf(smallJob(i)), () => {})).epochsRun;
const { profile } = (await s.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node } };
const short = (u: string) => u.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
const self = new Map<string, number>();
const sites = new Map<string, number>();
let total = 0;
const walk = (n: Node, path: string[]) => {
  const f = `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const p = [...path, f];
  if (n.selfSize) {
    total += n.selfSize;
    self.set(f, (self.get(f) ?? 0) + n.selfSize);
    // The nearest frame in our own code, to say which of our lines leads to the allocation.
    const ours = [...p].reverse().find((x) => x.includes('src/')) ?? '(no frame of ours)';
    sites.set(ours, (sites.get(ours) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, p);
};
walk(profile.head, []);
const mb = (b: number) => (b / 2 ** 20).toFixed(1);
console.log(`${N} jobs (${steps} epochs): ${mb(total)} MB allocated, ${mb(total / N)} MB (${(total / N / 1024).toFixed(0)} kB) per job`);
// kB in the lists: since the fused dense step, a small job allocates a few hundred kB in all.
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, b]) => `  ${(b / N / 1024).toFixed(1).padStart(7)} kB/job ${(100 * b / total).toFixed(1).padStart(5)} %  ${f}`).join('\n');
console.log(`by allocating function:\n${top(self, 25)}`);
console.log(`by nearest frame in src/:\n${top(sites, 15)}`);
process.exit(0);
