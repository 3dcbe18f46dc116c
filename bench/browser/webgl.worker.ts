/**
 * Bench worker: the project's trainer with tfjs' WebGL (OffscreenCanvas, SwiftShader here) and cpu
 * backends only: without wasm the trainer's backend choice falls to WebGL for every model.
 */
import * as Comlink from 'comlink';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgl';
import { loadDatasetFile } from '../../src/engine/data/load-browser.ts';
import { probeWebgl } from '../../src/workers/probe-webgl.ts';
import { createTrainer } from '../../src/workers/trainer.ts';

Comlink.expose(createTrainer({
  probeWebgl,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
  loadFile: (name) => loadDatasetFile(name),
}));
