/**
 * Worker-thread entry for Node (the CLI and the tests): the same trainer as the browser worker,
 * on tfjs' WASM backend (tfjs-node downloads a binary at install, which this project refuses).
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDatasetFile } from '../engine/data/load-node.ts';
import { enableRelaxedSimd } from '../engine/train/kernels/gemm.ts';
import { createTrainer } from './trainer.ts';

if (!parentPort) throw new Error('train.node-worker must run in a worker thread');

// Node 20 has relaxed SIMD behind a V8 flag; with it our GEMM runs its FMA build (W1's products
// 1.5x faster, bench/wasm-matmul.ts). Set before the trainer compiles anything.
enableRelaxedSimd(setFlagsFromString);

const trainer = createTrainer({
  probeWebgl: () => null,
  yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
  loadFile: loadDatasetFile,
});

Comlink.expose(trainer, nodeEndpoint(parentPort));
