/**
 * Web Worker entry: loads tfjs with its WebGL (on an OffscreenCanvas) and WASM backends,
 * then exposes the trainer over Comlink. The page never trains on its main thread.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadDatasetFile } from '../engine/data/load-browser.ts';
import { probeWebgl } from './probe-webgl.ts';
import { createTrainer } from './trainer.ts';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// Several workers already share the cores; wasm threads inside each would only contend.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const trainer = createTrainer({
  probeWebgl,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
  loadFile: (name) => loadDatasetFile(name),
});

Comlink.expose(trainer);
