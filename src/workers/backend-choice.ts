/**
 * Which tfjs backend a job should use, from what the worker found and what the model needs.
 * Measured here (2 cores, no GPU): WebGL on SwiftShader is no faster than WASM for dense models,
 * and WASM (tfjs 4.22) cannot train Conv2D (no Conv2DBackpropFilter kernel).
 */
import type { BackendName } from '../engine/job.ts';
import type { LayerSpec } from '../engine/grammar/layers.ts';

export interface Availability {
  readonly webgl: boolean;
  readonly softwareWebgl: boolean;
  readonly wasm: boolean;
}

export interface BackendChoice {
  readonly backend: BackendName;
  readonly reason: string;
}

/** Layers whose gradients the wasm backend of tfjs 4.22 cannot compute. */
const WASM_CANNOT_TRAIN = new Set<LayerSpec['kind']>(['conv2d']);

export function chooseBackend(layers: readonly LayerSpec[], a: Availability): BackendChoice {
  const needsConv = layers.some((l) => WASM_CANNOT_TRAIN.has(l.kind));
  if (a.webgl && !a.softwareWebgl) return { backend: 'webgl', reason: 'WebGL runs on a GPU here: fastest' };
  if (needsConv) {
    if (a.webgl) return { backend: 'webgl', reason: 'conv2d cannot train on WASM; WebGL (software) can' };
    return { backend: 'cpu', reason: 'conv2d cannot train on WASM and WebGL is unavailable: CPU' };
  }
  if (a.wasm) {
    return { backend: 'wasm', reason: a.webgl ? 'WebGL is software-rendered here; WASM is as fast and steadier' : 'no WebGL here; WASM beats CPU' };
  }
  if (a.webgl) return { backend: 'webgl', reason: 'WASM is unavailable; software WebGL beats CPU' };
  return { backend: 'cpu', reason: 'neither WebGL nor WASM initialised: CPU' };
}

/** Renderer strings of software rasterizers: WebGL is available but no faster than WASM. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}
