/**
 * Bench worker: the project's trainer with tfjs' wasm and cpu backends only (no WebGL probe), so
 * dense models train on wasm whatever the page's own worker would pick.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadDatasetFile } from '../../src/engine/data/load-browser.ts';
import { createTrainer } from '../../src/workers/trainer.ts';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

Comlink.expose(createTrainer({
  probeWebgl: () => null,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
  loadFile: (name) => loadDatasetFile(name),
}));
