/**
 * Which tfjs backend a job should use, from what the worker found and what the model needs.
 *
 * Measured here (2 cores, no GPU; `npx tsx bench/conv.ts --browser`, numbers in MEASURED): with
 * our kernels (src/engine/train/wasm-kernels.ts, wasm-conv.ts) WASM trains dense models and
 * CNNs faster than WebGL on SwiftShader and far faster than tfjs' cpu backend. Stock tfjs-backend-
 * wasm 4.22 cannot train Conv2D at all (no Conv2DBackpropFilter kernel): without ours, conv2d
 * models still go to WebGL or the cpu.
 */
import type { BackendName } from '../engine/job.ts';
import type { LayerSpec } from '../engine/grammar/layers.ts';

export interface Availability {
  readonly webgl: boolean;
  readonly softwareWebgl: boolean;
  readonly wasm: boolean;
  /** Our wasm conv gradient kernels are registered (installWasmConvKernels returned or found them). */
  readonly wasmConv: boolean;
}

export interface BackendChoice {
  readonly backend: BackendName;
  readonly reason: string;
}

/**
 * Samples/s measured on this 2-core machine by `npx tsx bench/conv.ts --browser`, for the
 * W4-style CNN (conv2d(32,3) maxpool conv2d(64,3) maxpool dense(128), Adam, batch 64, MNIST 2k)
 * and W1 (MLP 784-512-10, RMSprop, batch 128, MNIST 10k): WASM with our kernels in a Node process
 * and in a chromium worker, WebGL on SwiftShader in a chromium worker, tfjs' cpu backend in Node.
 * The machine was shared and loaded while measuring, so only ratios within a row mean much.
 * Kept in the reasons so a user sees why.
 */
export const MEASURED = {
  // Run of 2026-11-22 (1 epoch each): CNN test acc 0.745-0.834 on every backend. The cpu run
  // trained 64 samples in over two minutes: 0.5 is an upper bound.
  cnn: { wasmNode: 143, wasmChromium: 78, webglSoftware: 5, cpu: 0.5 },
  // W1's cpu figure is the issue's (#7) measurement on this machine, not re-run: about 280.
  w1: { wasmNode: 2275, wasmChromium: 2477, webglSoftware: 341, cpu: 280 },
} as const;

/** Layers whose gradients stock tfjs-backend-wasm 4.22 cannot compute (ours can). */
const NEEDS_WASM_CONV = new Set<LayerSpec['kind']>(['conv2d']);

// One formatter: toLocaleString builds one per call (~30 us in a worker, twice per job).
const EN = new Intl.NumberFormat('en-US');
const perSec = (n: number) => `${EN.format(n)}/s`;

export function chooseBackend(layers: readonly LayerSpec[], a: Availability): BackendChoice {
  if (a.webgl && !a.softwareWebgl) return { backend: 'webgl', reason: 'WebGL runs on a GPU here: fastest' };
  const needsConv = layers.some((l) => NEEDS_WASM_CONV.has(l.kind));
  const m = needsConv ? MEASURED.cnn : MEASURED.w1;
  const model = needsConv ? 'a CNN' : 'a dense model';
  const wasmCan = a.wasm && (!needsConv || a.wasmConv);
  if (wasmCan && a.webgl) {
    const measured = `measured ${perSec(m.wasmChromium)} vs ${perSec(m.webglSoftware)} samples`;
    return m.wasmChromium >= m.webglSoftware
      ? { backend: 'wasm', reason: `WASM with our kernels trains ${model} faster than software WebGL (${measured})` }
      : { backend: 'webgl', reason: `software WebGL trains ${model} faster than WASM (${measured})` };
  }
  if (wasmCan) {
    return { backend: 'wasm', reason: `WASM with our kernels trains ${model} far faster than CPU (measured ${perSec(m.wasmNode)} vs CPU ${perSec(m.cpu)} samples)` };
  }
  if (a.webgl) {
    return needsConv && a.wasm
      ? { backend: 'webgl', reason: `conv2d cannot train on this WASM build; software WebGL can (measured ${perSec(m.webglSoftware)} vs CPU ${perSec(m.cpu)} samples)` }
      : { backend: 'webgl', reason: `WASM is unavailable; software WebGL beats CPU (measured ${perSec(m.webglSoftware)} vs ${perSec(m.cpu)} samples)` };
  }
  if (needsConv && a.wasm) return { backend: 'cpu', reason: 'conv2d cannot train on this WASM build and WebGL is unavailable: CPU (slow)' };
  return { backend: 'cpu', reason: 'neither WebGL nor WASM initialised: CPU' };
}

/** Renderer strings of software rasterizers: WebGL is available but slower than WASM. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}
