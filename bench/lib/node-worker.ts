/**
 * A bench worker thread: the project's trainer (src/workers/trainer.ts, the same code as
 * src/workers/train.node-worker.ts) plus a heap() call for the memory benchmark. With
 * workerData.wasm false the wasm backend is never imported, so the trainer finds only tfjs' cpu
 * backend and trains there: that is how the benchmarks pin the cpu backend without touching the
 * trainer's backend choice.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { loadDatasetFile } from '../../src/engine/data/load-node.ts';
import { createTrainer } from '../../src/workers/trainer.ts';
import { enableRelaxedSimd } from '../../src/engine/train/kernels/gemm.ts';

if (!parentPort) throw new Error('bench/lib/node-worker must run in a worker thread');
if ((workerData as { wasm?: boolean } | undefined)?.wasm !== false) await import('@tensorflow/tfjs-backend-wasm');
// As src/workers/train.node-worker.ts: relaxed SIMD (our GEMM's FMA build) before anything compiles.
enableRelaxedSimd(setFlagsFromString);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const trainer = createTrainer({
  probeWebgl: () => null,
  yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
  loadFile: loadDatasetFile,
});

/** The V8 heap of this thread after a full collection, the wasm backend's memory, and the process's resident set. */
function heap(): { usedHeap: number; external: number; wasmMemory: number; rss: number } {
  gc();
  const h = getHeapStatistics();
  // A wasm memory only grows: its size is the high-water mark of the tensors it held.
  const wasm = (tf.findBackend('wasm') as { wasm?: { HEAPU8?: Uint8Array } } | null)?.wasm?.HEAPU8?.byteLength ?? 0;
  return { usedHeap: h.used_heap_size, external: h.external_memory, wasmMemory: wasm, rss: process.memoryUsage.rss() };
}

Comlink.expose({ ...trainer, heap }, nodeEndpoint(parentPort));
