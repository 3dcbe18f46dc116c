/**
 * For the fused dense trainer's tests: a row parsed, its data loaded, its tfjs model built and
 * compiled as fitJob compiles it for tfjs' step (the reference the tests compare with), and a
 * DenseTrainer started from the model's initial weights (fitJob draws the same ones without a
 * model: dense/start.ts).
 */
import type * as TF from '@tensorflow/tfjs';
import { parseRow } from '../../src/engine/spec.ts';
import { loadData } from '../../src/engine/train/load.ts';
import { loadDatasetFile } from '../../src/engine/data/load-node.ts';
import { buildModel, makeOptimizer } from '../../src/engine/train/model.ts';
import { denseEligibility } from '../../src/engine/train/dense/plan.ts';
import { DenseTrainer } from '../../src/engine/train/dense/trainer.ts';

export async function denseSetup(tf: typeof TF, cells: Record<string, string>) {
  const p = parseRow(cells);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  const data = await loadData(p.spec.dataset, p.spec.seed, loadDatasetFile);
  const el = denseEligibility(p.spec, data, 'wasm');
  if (!el.ok) throw new Error(el.reason);
  const model = buildModel(p.spec, data.sampleShape, data.classes, data.task);
  const optimizer = makeOptimizer(p.spec.optimizer, p.spec.learningRate);
  const classification = data.task === 'classification';
  model.compile({ optimizer, loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError', metrics: [classification ? 'accuracy' : 'mae'] });
  const fast = DenseTrainer.create(el.plan, tf.backend(), p.spec.batchSize, model.getWeights().map((w) => w.dataSync() as Float32Array));
  if (!fast) throw new Error('no fused trainer on this backend');
  return { spec: p.spec, data, model, optimizer, classification, fast };
}
