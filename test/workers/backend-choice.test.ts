/**
 * The backend choice: a table of what a worker found and what the model needs, and one real
 * trainer in this process (wasm with our kernels) that trains a small CNN where the choice sends it.
 */
import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { type Availability, MEASURED, chooseBackend, isSoftwareRenderer } from '../../src/workers/backend-choice.ts';
import { parseLayers } from '../../src/engine/grammar/layers.ts';
import { loadDatasetFile } from '../../src/engine/data/load-node.ts';
import { parseRow } from '../../src/engine/spec.ts';
import { createTrainer } from '../../src/workers/trainer.ts';

function layers(text: string) {
  const r = parseLayers(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const DENSE = layers('dense(16, relu)');
const CNN = layers('conv2d(8, 3) maxpool(2) flatten dense(16)');

const GPU: Availability = { webgl: true, softwareWebgl: false, wasm: true, wasmConv: true };
const SOFT_ALL: Availability = { webgl: true, softwareWebgl: true, wasm: true, wasmConv: true };
const SOFT_STOCK_WASM: Availability = { webgl: true, softwareWebgl: true, wasm: true, wasmConv: false };
const NODE: Availability = { webgl: false, softwareWebgl: false, wasm: true, wasmConv: true };
const NODE_STOCK_WASM: Availability = { webgl: false, softwareWebgl: false, wasm: true, wasmConv: false };
const SOFT_ONLY: Availability = { webgl: true, softwareWebgl: true, wasm: false, wasmConv: false };
const NOTHING: Availability = { webgl: false, softwareWebgl: false, wasm: false, wasmConv: false };

const n = (v: number) => `${v.toLocaleString('en-US')}/s`;
/** What the measurements say wins between WASM (ours) and software WebGL. */
const cnnSoft = MEASURED.cnn.wasmChromium >= MEASURED.cnn.webglSoftware ? 'wasm' : 'webgl';
const denseSoft = MEASURED.w1.wasmChromium >= MEASURED.w1.webglSoftware ? 'wasm' : 'webgl';

describe('chooseBackend', () => {
  it.each([
    ['a GPU: WebGL for dense models', DENSE, GPU, 'webgl', 'GPU'],
    ['a GPU: WebGL for CNNs', CNN, GPU, 'webgl', 'GPU'],
    ['software WebGL and our WASM: the faster one measured, dense', DENSE, SOFT_ALL, denseSoft, n(MEASURED.w1.wasmChromium)],
    ['software WebGL and our WASM: the faster one measured, CNN', CNN, SOFT_ALL, cnnSoft, n(MEASURED.cnn.wasmChromium)],
    ['software WebGL and stock WASM: a CNN goes to WebGL', CNN, SOFT_STOCK_WASM, 'webgl', 'conv2d cannot train on this WASM build'],
    ['software WebGL and stock WASM: a dense model by measurement', DENSE, SOFT_STOCK_WASM, denseSoft, n(MEASURED.w1.wasmChromium)],
    ['Node with our WASM: a CNN trains on WASM', CNN, NODE, 'wasm', `CPU ${n(MEASURED.cnn.cpu)}`],
    ['Node with our WASM: a dense model trains on WASM', DENSE, NODE, 'wasm', `CPU ${n(MEASURED.w1.cpu)}`],
    ['Node with stock WASM: a CNN falls to the CPU', CNN, NODE_STOCK_WASM, 'cpu', 'WebGL is unavailable'],
    ['only software WebGL: WebGL for both', DENSE, SOFT_ONLY, 'webgl', 'WASM is unavailable'],
    ['only software WebGL: WebGL for a CNN', CNN, SOFT_ONLY, 'webgl', 'WASM is unavailable'],
    ['nothing: the CPU', CNN, NOTHING, 'cpu', 'neither WebGL nor WASM'],
    ['nothing, dense: the CPU', DENSE, NOTHING, 'cpu', 'neither WebGL nor WASM'],
  ] as const)('%s', (_name, l, a, backend, inReason) => {
    const c = chooseBackend(l, a);
    expect(c.backend).toBe(backend);
    expect(c.reason).toContain(inReason);
  });

  it('keeps measured numbers that say why: our WASM beats the cpu backend on both workloads', () => {
    expect(MEASURED.cnn.wasmNode).toBeGreaterThan(MEASURED.cnn.cpu);
    expect(MEASURED.w1.wasmNode).toBeGreaterThan(MEASURED.w1.cpu);
  });
});

describe('isSoftwareRenderer', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true],
    ['Microsoft Basic Render Driver', true],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)', false],
    ['Apple M1', false],
  ])('%s -> %s', (renderer, soft) => {
    expect(isSoftwareRenderer(renderer)).toBe(soft);
  });
});

describe('the trainer in Node (wasm with our kernels)', () => {
  it('trains a CNN on wasm and says why', async () => {
    const trainer = createTrainer({ probeWebgl: () => null, yieldToEvents: () => new Promise((r) => setImmediate(r)), loadFile: loadDatasetFile });
    const info = await trainer.ready();
    expect(info.backends).toContain('wasm');
    const row = parseRow({ dataset: 'mnist:40', layers: 'conv2d(4, 3) maxpool(2) flatten', optimizer: 'adam', lr: '0.01', batch_size: '20', epochs: '1', seed: '1' });
    if (!row.ok) throw new Error('the row does not parse');
    const r = await trainer.train({ id: 'cnn', spec: row.spec }, () => {});
    expect(r.backend).toBe('wasm');
    expect(r.backendReason).toContain('CNN');
    expect(Number.isFinite(r.trainLoss)).toBe(true);
    expect(r.epochsRun).toBe(1);
  }, 120_000);
});
