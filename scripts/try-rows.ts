import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseRow } from '../src/engine/spec.ts';
import { fitJob } from '../src/engine/train/fit.ts';
import { loadData } from '../src/engine/train/load.ts';
import { loadDatasetFile } from '../src/engine/data/load-node.ts';
await tf.setBackend('wasm');
const base = { dataset: 'circle', noise: '0.1', layers: 'dense(8, relu) dense(8, relu)', batch_size: '16', epochs: '30', seed: '1' };
const cases = process.argv.slice(2).map(s => Object.fromEntries(s.split(';').map(kv => kv.split('='))));
for (const c of cases) {
  const p = parseRow({ ...base, ...c });
  if (!p.ok) { console.log(p.errors); continue; }
  const d = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  const r = await fitJob({ id: 'x', spec: p.spec }, d, { onProgress(){}, cancelled: () => false, yieldToEvents: async () => {}, backend: 'wasm', backendReason: '' });
  console.log(JSON.stringify(c), r.trainAcc.toFixed(3), r.testAcc.toFixed(3), r.diverged?.message ?? '', r.history.filter((_: unknown, i: number) => i % 5 === 0 || i === r.history.length-1).map((h: { loss: number }) => h.loss.toFixed(2)).join(' '));
}
