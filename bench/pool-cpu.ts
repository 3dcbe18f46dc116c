/**
 * Diagnostic for bench:pool (issue 7), not part of `npm run bench`: where a small job's CPU goes
 * outside its training steps, by function. Runs the worker's trainer in this thread (as
 * bench/pool-alloc.ts) behind its job port (a MessageChannel, as the pool uses it: the job in,
 * progress and the end message out, unpacked as the page unpacks them), warms it up, then
 * profiles N jobs with V8's sampling profiler at a fine interval. Both ends run in this one
 * thread, so the list has the worker's and the page's functions together.
 *   WARM=32 N=200 npx tsx bench/pool-cpu.ts [--focus=fitJob] [--top=40]
 */
import { Session } from 'node:inspector/promises';
import { MessageChannel } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-wasm';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
import type { JobMessage } from '../src/workers/protocol.ts';
import { createTrainer } from '../src/workers/trainer.ts';
import { unpackProgress, unpackResult } from '../src/workers/wire.ts';
import { type CpuProfile, profileSummary } from './lib/cpu-profile.ts';
import { jobOf, smallJob } from './lib/jobs.ts';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const WARM = Number(process.env.WARM ?? 32), N = Number(process.env.N ?? 200), TOP = Number(arg('top') ?? 40);
const trainer = createTrainer({ probeWebgl: () => null, yieldToEvents: () => new Promise((r) => setImmediate(r)), loadFile: loadDatasetFile });
const { port1, port2 } = new MessageChannel();
await trainer.ready(port2 as unknown as MessagePort);
let done: (() => void) | null = null;
let messages = 0;
port1.on('message', (m: JobMessage) => {
  messages++;
  if ('progress' in m) unpackProgress(m.progress);
  if ('result' in m) unpackResult(m.result);
  if ('result' in m || 'error' in m) done?.();
});
const run = (i: number) => new Promise<void>((resolve) => { done = resolve; port1.postMessage({ job: jobOf(smallJob(i)) }); });
for (let i = 0; i < WARM; i++) await run(100 + i);
const s = new Session();
s.connect();
await s.post('Profiler.enable');
await s.post('Profiler.setSamplingInterval', { interval: 50 });
await s.post('Profiler.start');
const t0 = performance.now(), c0 = process.cpuUsage();
messages = 0;
for (let i = 0; i < N; i++) await run(i);
const wall = performance.now() - t0, cpu = process.cpuUsage(c0);
const { profile } = (await s.post('Profiler.stop')) as unknown as { profile: CpuProfile };
console.log(`${N} jobs after ${WARM}: ${(wall / N).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms CPU per job (profiler on), ${(messages / N).toFixed(2)} messages from the worker per job`);
const text = profileSummary(profile, TOP, arg('focus'));
console.log(text.replace(/^(\s+)(\d+)(\s{2})/gm, (_, a: string, ms: string, b: string) => `${a}${(Number(ms) / N).toFixed(3).padStart(7)}${b}`));
port1.close();
process.exit(0);
