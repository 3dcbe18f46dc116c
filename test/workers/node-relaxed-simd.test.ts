/**
 * Node 20 has relaxed SIMD behind a V8 flag; our Node worker entry (src/workers/train.node-worker.ts)
 * sets it, so the workers train with the GEMM's FMA build as browser workers do. Checked in a
 * fresh Node process (this test process may have the flag set already): relaxed SIMD does not
 * validate there until a real pool worker has started (V8 flags are process-wide, so the worker's
 * flag shows in the parent too), and the worker's seeded training then repeats, bit for bit, an
 * in-process run on the 'relaxed' build, and differs from the plain 'simd' build's.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = (path: string) => JSON.stringify(new URL(`../../src/${path}`, import.meta.url).href);

// Every import by absolute URL (the script lies in a temporary folder); tfjs through the test
// helper, so the script and the project share one tfjs instance.
const SCRIPT = `
const { useWasm } = await import(${JSON.stringify(new URL('../helpers/tf-wasm.ts', import.meta.url).href)});
const { relaxedSimdSupported } = await import(${src('engine/train/kernels/gemm.ts')});
const { createNodePool } = await import(${src('workers/node-pool.ts')});
const { parseRow } = await import(${src('engine/spec.ts')});
const { loadData } = await import(${src('engine/train/load.ts')});
const { loadDatasetFile } = await import(${src('engine/data/load-node.ts')});
const { fitJob } = await import(${src('engine/train/fit.ts')});
const { installWasmTrainingKernels } = await import(${src('engine/train/wasm-training-kernels.ts')});
const { installFastWasmMatMul, uninstallFastWasmMatMul } = await import(${src('engine/train/wasm-kernels.ts')});
const probe = () => WebAssembly.validate(Uint8Array.from(atob('AGFzbQEAAAABCAFgA3t7ewF7AwIBAAcFAQFmAAAKDQELACAAIAEgAv2FAgs='), (c) => c.charCodeAt(0)));
const before = probe();
const values = (r) => [...r.history.flatMap((e) => [e.loss, e.acc]), r.trainLoss, r.testLoss, r.testAcc];
const parsed = parseRow({ dataset: 'mnist:512', layers: 'dense(32, relu)', optimizer: 'rmsprop', lr: '0.001', batch_size: '32', epochs: '2', seed: '3' });
const spec = parsed.spec;
const pool = createNodePool({ size: 1 });
const worker = await pool.run({ id: 'w', spec }, { signal: new AbortController().signal, onProgress: () => {} });
pool.dispose();
const after = probe();
await useWasm();
installWasmTrainingKernels();
const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
const here = async (gemm) => {
  uninstallFastWasmMatMul();
  installFastWasmMatMul({ gemm });
  const r = await fitJob({ id: gemm, spec }, data, { onProgress: () => {}, cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm', backendReason: 'test' }, { gemm });
  return values(r);
};
console.log(JSON.stringify({ before, after, relaxed: relaxedSimdSupported(), worker: values(worker), relaxedHere: await here('relaxed'), simdHere: await here('simd') }));
process.exit(0);
`;

describe('Node workers run the relaxed-SIMD (FMA) GEMM', () => {
  it('a pool worker turns relaxed SIMD on and trains as the relaxed build does here', () => {
    // A file, not --eval: pool workers inherit the process's flags, and --input-type is refused there.
    const dir = mkdtempSync(join(tmpdir(), 'relaxed-simd-'));
    let r: SpawnSyncReturns<string>;
    try {
      writeFileSync(join(dir, 'check.mjs'), SCRIPT);
      r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'check.mjs')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      before: boolean; after: boolean; relaxed: boolean; worker: number[]; relaxedHere: number[]; simdHere: number[];
    };
    expect(out.before).toBe(false);
    expect(out.after).toBe(true);
    expect(out.relaxed).toBe(true);
    expect(out.worker.length).toBeGreaterThan(0);
    expect(out.worker).toEqual(out.relaxedHere);
    expect(out.worker).not.toEqual(out.simdHere);
  }, 150_000);
});
