/**
 * The notes' W4 CNN's convolution kernels one by one on wasm, at the shapes of a batch of 64 (28x28
 * MNIST; conv1 3x3 1->16 same, conv2 4x4 16->32 same, conv3 4x4 32->64 valid), with the trainer's
 * kernels installed: CPU ms per call (median over rounds), GFLOP/s, beside a plain matmul of the
 * forward product's size (the GEMM's ceiling here). `unchunked`: our kernels on the whole batch
 * at once (setConvChunk(Infinity)), as before they worked a few images at a time.
 *
 *   npx tsx bench/conv-w4.ts [--rounds=7] [--only=NAME] [--no-relaxed]
 */
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmTrainingKernels } from '../src/engine/train/wasm-training-kernels.ts';
import { enableRelaxedSimd } from '../src/engine/train/kernels/gemm.ts';
import { setConvChunk } from '../src/engine/train/wasm-conv-forward.ts';

const relaxed = process.argv.includes('--no-relaxed') ? false : enableRelaxedSimd(setFlagsFromString);
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 7);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
await tf.ready();
const stockConv = tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc;
const stockInput = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!.kernelFunc;
installWasmTrainingKernels();
console.log(`relaxed SIMD ${relaxed ? 'on' : 'off'}`);

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
const viaStock = (k: tf.KernelFunc, inputs: tf.NamedTensorMap, attrs: object) => {
  const info = k({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  return tf.engine().makeTensorFromDataId(info.dataId, info.shape, info.dtype);
};

interface Case { name: string; flops: number; fn: () => tf.Tensor }
const cases: Case[] = [];
for (const [label, x, w, pad] of [
  ['conv1', [64, 28, 28, 1], [3, 3, 1, 16], 'same'],
  ['conv2', [64, 28, 28, 16], [4, 4, 16, 32], 'same'],
  ['conv3', [64, 28, 28, 32], [4, 4, 32, 64], 'valid'],
] as const) {
  const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
  const oh = pad === 'same' ? x[1] : x[1] - w[0] + 1;
  const xs = tf.randomUniform([...x], -1, 1);
  const ws = tf.randomUniform([...w], -0.1, 0.1);
  // dy as training sees it: about half zeros (ReLU's gradient).
  const dy = tf.mul(tf.randomUniform([x[0], oh, oh, w[3]], -1, 1), tf.cast(tf.greater(tf.randomUniform([x[0], oh, oh, w[3]]), 0.5), 'float32'));
  const M = x[0] * oh * oh;
  const K = w[0] * w[1] * w[2];
  const flops = 2 * M * K * w[3];
  // a fresh filter each call, as in training (XNNPACK caches packed weights per tensor)
  const wf = () => tf.mul(ws, 1);
  cases.push({ name: `${label} Conv2D`, flops, fn: () => tf.tidy(() => run(tf.Conv2D, { x: xs, filter: wf() }, attrs)) });
  cases.push({
    name: `${label} Conv2D unchunked`, flops,
    fn: () => { const was = setConvChunk(Infinity); try { return tf.tidy(() => run(tf.Conv2D, { x: xs, filter: wf() }, attrs)); } finally { setConvChunk(was); } },
  });
  cases.push({ name: `${label} Conv2D stock`, flops, fn: () => tf.tidy(() => viaStock(stockConv, { x: xs, filter: wf() }, attrs)) });
  cases.push({ name: `${label} BackpropFilter`, flops, fn: () => run(tf.Conv2DBackpropFilter, { x: xs, dy }, { ...attrs, filterShape: [...w] }) });
  cases.push({
    name: `${label} BackpropFilter unchunked`, flops,
    fn: () => { const was = setConvChunk(Infinity); try { return run(tf.Conv2DBackpropFilter, { x: xs, dy }, { ...attrs, filterShape: [...w] }); } finally { setConvChunk(was); } },
  });
  if (label !== 'conv1') {
    cases.push({ name: `${label} BackpropInput`, flops, fn: () => tf.tidy(() => run(tf.Conv2DBackpropInput, { dy, filter: wf() }, { ...attrs, inputShape: [...x] })) });
    cases.push({
      name: `${label} BackpropInput unchunked`, flops,
      fn: () => { const was = setConvChunk(Infinity); try { return tf.tidy(() => run(tf.Conv2DBackpropInput, { dy, filter: wf() }, { ...attrs, inputShape: [...x] })); } finally { setConvChunk(was); } },
    });
    cases.push({ name: `${label} BackpropInput stock`, flops, fn: () => tf.tidy(() => viaStock(stockInput, { dy, filter: wf() }, { ...attrs, inputShape: [...x] })) });
  }
  const a = tf.randomUniform([M, K]);
  const b = tf.randomUniform([K, w[3]]);
  cases.push({ name: `${label} matmul [M,K]x[K,N]`, flops, fn: () => tf.matMul(a, b) });
  // one image's product, A stored [m, K] and [K, m] (transposed, as im2col_t writes it), 64 times
  const m1 = oh * oh;
  const a1 = tf.randomUniform([m1, K]);
  const a1T = tf.randomUniform([K, m1]);
  const times64 = (f: () => tf.Tensor) => () => { for (let i = 0; i < 63; i++) f().dispose(); return f(); };
  cases.push({ name: `${label} matmul 64x [m,K]x[K,N]`, flops, fn: times64(() => tf.matMul(a1, b)) });
  cases.push({ name: `${label} matmul 64x [K,m]Tx[K,N]`, flops, fn: times64(() => tf.matMul(a1T, b, true, false)) });
}

const selected = cases.filter((c) => only === undefined || c.name.includes(only));
const times = new Map<string, number[]>();
for (const c of selected) c.fn().dispose();
for (let r = 0; r < rounds; r++) {
  for (const c of selected) {
    const t = process.cpuUsage();
    const out = c.fn();
    out.dataSync();
    const u = process.cpuUsage(t);
    out.dispose();
    (times.get(c.name) ?? times.set(c.name, []).get(c.name)!).push((u.user + u.system) / 1000);
  }
}
for (const c of selected) {
  const ts = times.get(c.name)!.sort((p, q) => p - q);
  const med = ts[Math.floor(ts.length / 2)]!;
  const gf = c.flops > 0 ? `${(c.flops / med / 1e6).toFixed(1).padStart(6)} GFLOP/s` : '';
  console.log(`${c.name.padEnd(30)} ${med.toFixed(2).padStart(8)} ms (best ${ts[0]!.toFixed(2)})  ${gf}`);
}
