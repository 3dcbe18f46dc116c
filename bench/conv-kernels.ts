/**
 * The W4-style CNN's conv, pool and bias-gradient kernels one by one on wasm, at the shapes of a
 * batch of 64, with the trainer's kernels installed: CPU ms per call (process CPU time, so a
 * loaded machine's waiting is not counted; median over alternated rounds)
 * and GFLOP/s for the products, beside a plain matmul of the same sizes.
 *
 *   npx tsx bench/conv-kernels.ts [--rounds=9] [--only=NAME] [--gemm=false] [--no-relaxed]
 *
 * Relaxed SIMD (our GEMM's FMA build) is turned on as the Node workers turn it on, unless
 * --no-relaxed. `Conv2D stock` is XNNPACK's convolution, which ours (im2col + GEMM) replaces.
 */
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmTrainingKernels } from '../src/engine/train/wasm-training-kernels.ts';
import { enableRelaxedSimd } from '../src/engine/train/kernels/gemm.ts';
import { setFilterGradDyLeft } from '../src/engine/train/wasm-conv.ts';

const relaxed = process.argv.includes('--no-relaxed') ? false : enableRelaxedSimd(setFlagsFromString);
console.log(`relaxed SIMD ${relaxed ? 'on' : 'off'}`);

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 9);
const filter = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
await tf.ready();
const stockConv = tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc;
// --gemm=false: products on XNNPACK (transposes materialized) instead of our GEMM.
installWasmTrainingKernels(process.argv.includes('--gemm=false') ? { gemm: false } : {});

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object = {}) =>
  tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

interface Case {
  readonly name: string;
  readonly flops: number;
  readonly fn: () => tf.Tensor;
}

/**
 * A gradient or weight as a training step sees it: a fresh tensor every step (XNNPACK caches
 * its packed weights per tensor, so a reused operand would be packed once and look cheaper).
 * Renewed before every timed call, outside the timing.
 */
class Fresh {
  t: tf.Tensor;
  constructor(readonly base: tf.Tensor) { this.t = tf.mul(base, 1); }
  renew(): void { this.t.dispose(); this.t = tf.mul(this.base, 1); }
}
const fresh: Fresh[] = [];
const freshOf = (t: tf.Tensor) => { const f = new Fresh(t); fresh.push(f); return f; };

const cases: Case[] = [];
const convAttrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
for (const [label, x, w] of [
  ['conv1', [64, 28, 28, 1], [3, 3, 1, 32]],
  ['conv2', [64, 13, 13, 32], [3, 3, 32, 64]],
] as const) {
  const xs = tf.randomUniform([...x], -1, 1);
  const ws = tf.randomUniform([...w], -0.1, 0.1);
  const oh = x[1] - w[0] + 1;
  const dyBase = tf.randomUniform([x[0], oh, oh, w[3]], -1, 1);
  const dyF = freshOf(dyBase);
  const wF = freshOf(ws);
  const dy = dyBase;
  const M = x[0] * oh * oh;
  const K = w[0] * w[1] * w[2];
  const N = w[3];
  const flops = 2 * M * K * N;
  cases.push({ name: `${label} Conv2D (forward)`, flops, fn: () => run(tf.Conv2D, { x: xs, filter: wF.t }, convAttrs) });
  cases.push({
    name: `${label} Conv2D stock`, flops,
    fn: () => {
      const info = stockConv({ inputs: { x: xs, filter: wF.t }, backend: tf.backend(), attrs: convAttrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
      return tf.engine().makeTensorFromDataId(info.dataId, info.shape, info.dtype);
    },
  });
  cases.push({ name: `${label} BackpropFilter`, flops, fn: () => run(tf.Conv2DBackpropFilter, { x: xs, dy: dyF.t }, { ...convAttrs, filterShape: [...w] }) });
  if (label !== 'conv1') {
    // dy as training sees it: max-pooling's gradient (one input of each 2x2 window per channel)
    // times ReLU's (half): ~12 % non-zero, which the GEMM's sparse path skips where a panel is
    // all zero. The filter gradient with dy on the left (the default) and on the right.
    const pooledDy = tf.randomUniform([x[0], Math.floor(oh / 2), Math.floor(oh / 2), w[3]], -1, 1);
    const act = tf.randomUniform([x[0], oh, oh, w[3]], -1, 1);
    const pooled = tf.maxPool(act as tf.Tensor4D, 2, 2, 'valid');
    const routed = run(tf.MaxPoolGrad, { dy: pooledDy, input: act, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid', dimRoundingMode: undefined });
    const dyS = freshOf(tf.mul(routed, tf.cast(tf.greater(tf.randomUniform(routed.shape), 0.5), 'float32')));
    console.log(`${label} training-like dy: ${(100 * (tf.sum(tf.cast(tf.notEqual(dyS.base, 0), 'float32')).dataSync()[0]! / dyS.base.size)).toFixed(1)} % non-zero`);
    for (const left of [true, false]) {
      cases.push({
        name: `${label} BackpropFilter sparse dy ${left ? 'left' : 'right'}`, flops,
        fn: () => {
          const was = setFilterGradDyLeft(left);
          try { return run(tf.Conv2DBackpropFilter, { x: xs, dy: dyS.t }, { ...convAttrs, filterShape: [...w] }); } finally { setFilterGradDyLeft(was); }
        },
      });
    }
    cases.push({ name: `${label} BackpropInput sparse dy`, flops, fn: () => run(tf.Conv2DBackpropInput, { dy: dyS.t, filter: wF.t }, { ...convAttrs, inputShape: [...x] }) });
  }
  if (label !== 'conv1') cases.push({ name: `${label} BackpropInput`, flops, fn: () => run(tf.Conv2DBackpropInput, { dy: dyF.t, filter: wF.t }, { ...convAttrs, inputShape: [...x] }) });
  const a = tf.randomUniform([M, K]);
  const b = tf.randomUniform([K, N]);
  cases.push({ name: `${label} matmul [M,K]x[K,N]`, flops, fn: () => tf.matMul(a, b) });
  const aT = tf.randomUniform([K, M]);
  const dy2 = tf.randomUniform([M, N]);
  cases.push({ name: `${label} matmul [K,M]x[M,N]`, flops, fn: () => tf.matMul(aT, dy2) });
  const wT = tf.randomUniform([N, K]);
  cases.push({ name: `${label} matmul [M,N]x[N,K]`, flops, fn: () => tf.matMul(dy2, wT) });
  const dyT2 = tf.randomUniform([N, M]);
  const cols = tf.randomUniform([M, K]);
  cases.push({ name: `${label} matmul [N,M]x[M,K]`, flops, fn: () => tf.matMul(dyT2, cols) });
  cases.push({ name: `${label} bias grad Sum`, flops: 0, fn: () => tf.sum(dy, [0, 1, 2]) });
  cases.push({ name: `${label} Relu`, flops: 0, fn: () => tf.relu(dy) });
  const pooled = tf.maxPool(dy as tf.Tensor4D, 2, 2, 'valid');
  cases.push({ name: `${label} MaxPool`, flops: 0, fn: () => tf.maxPool(dy as tf.Tensor4D, 2, 2, 'valid') });
  cases.push({
    name: `${label} MaxPoolGrad`, flops: 0,
    fn: () => run(tf.MaxPoolGrad, { dy: pooled, input: dy, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid', dimRoundingMode: undefined }),
  });
}

const selected = cases.filter((c) => filter === undefined || c.name.includes(filter));
const times = new Map<string, number[]>();
for (const c of selected) for (let i = 0; i < 2; i++) c.fn().dispose();
for (let r = 0; r < rounds; r++) {
  for (const c of selected) {
    for (const f of fresh) f.renew();
    const t = process.cpuUsage();
    const out = c.fn();
    out.dataSync();
    const u = process.cpuUsage(t);
    const ms = (u.user + u.system) / 1000;
    out.dispose();
    (times.get(c.name) ?? times.set(c.name, []).get(c.name)!).push(ms);
  }
}
for (const c of selected) {
  const ts = times.get(c.name)!.sort((p, q) => p - q);
  const med = ts[Math.floor(ts.length / 2)]!;
  const gf = c.flops > 0 ? `${(c.flops / med / 1e6).toFixed(1).padStart(6)} GFLOP/s` : '';
  console.log(`${c.name.padEnd(30)} ${med.toFixed(2).padStart(8)} ms (best ${ts[0]!.toFixed(2)})  ${gf}`);
}
