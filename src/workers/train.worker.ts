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

/**
 * A yield to the event loop through a message to ourselves, not setTimeout(0): training resumes
 * inside the timer's task, so each yield nests one level deeper, and from the fifth level on the
 * HTML timer rules clamp the delay to 4 ms — idle time after every 50 ms of training (a small
 * job's worker slept ~10 % of its wall time). A posted message is not clamped; a cancel that has
 * arrived meanwhile is read at this yield or the next, as before.
 */
const wakeUp = new MessageChannel();
const sleeping: (() => void)[] = [];
wakeUp.port1.onmessage = () => sleeping.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    sleeping.push(resolve);
    wakeUp.port2.postMessage(null);
  });
}

const trainer = createTrainer({
  probeWebgl,
  yieldToEvents,
  loadFile: (name) => loadDatasetFile(name),
});

Comlink.expose(trainer);
