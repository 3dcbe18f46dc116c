/**
 * Bench worker: the project's trainer with tfjs' WebGL (OffscreenCanvas, SwiftShader here) and cpu
 * backends only: without wasm the trainer's backend choice falls to WebGL for every model.
 */
import * as Comlink from 'comlink';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgl';
import { loadDatasetFile } from '../../src/engine/data/load-browser.ts';
import { createTrainer } from '../../src/workers/trainer.ts';

function probeWebgl(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

Comlink.expose(createTrainer({
  probeWebgl,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
  loadFile: (name) => loadDatasetFile(name),
}));
