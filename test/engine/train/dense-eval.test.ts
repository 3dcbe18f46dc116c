/**
 * The fused dense step's own forward pass for evaluation (DenseTrainer.evaluate) and the decision
 * boundary (dense/boundary.ts) against tfjs' (batches.ts evaluateView, insights.ts
 * computeBoundary) on the same weights, written into the model with writeTo.
 *
 * Tolerance: the same GEMM, element-wise math rounded once instead of per float32 op, and other
 * chunk sizes for the weighted means: loss and metric within 1e-5 relative. The boundary's
 * classes are an argmax, equal unless two outputs are within rounding (none on these grids);
 * confidences are rounded to 2 decimals, so they may differ by one step of 0.01 at a rounding edge.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateView } from '../../../src/engine/train/batches.ts';
import { boundaryExtent, computeBoundary } from '../../../src/engine/train/insights.ts';
import { runViews } from '../../../src/engine/train/views.ts';
import { denseSetup } from '../../helpers/dense-setup.ts';
import { denseBoundary } from '../../../src/engine/train/dense/boundary.ts';
import { useWasm } from '../../helpers/tf-wasm.ts';

let tf: Awaited<ReturnType<typeof useWasm>>;
beforeAll(async () => { tf = await useWasm(); });

async function trained(cells: Record<string, string>) {
  const { spec, data, model, optimizer, fast } = await denseSetup(tf, { noise: '0.1', optimizer: 'adam', lr: '0.03', batch_size: '16', epochs: '1', seed: '2', val_split: '0.3', ...cells });
  const views = runViews(data, spec);
  // 40 steps: a boundary with some shape to it, not the initial near-constant one.
  for (let k = 0; k < 40; k++) {
    const from = (k * 16) % (views.train.idx.length - 16);
    fast.step(data, views.train.samples, views.train.idx.subarray(from, from + 16));
  }
  fast.writeTo(model, tf);
  return { data, model, fast, views, dispose: () => { fast.dispose(); model.dispose(); optimizer.dispose(); } };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);

describe('the fused forward pass for evaluation and the boundary', () => {
  it.each([
    ['spiral, relu', { dataset: 'spiral', layers: 'dense(16, relu) dense(16, relu)' }],
    ['circle, selu and softmax hidden', { dataset: 'circle', layers: 'dense(8, selu) dense(6, softmax)' }],
    ['gauss-mix regression, tanh', { dataset: 'gauss-mix', layers: 'dense(12, tanh)' }],
    ['iris, 3 classes, no boundary', { dataset: 'iris', layers: 'dense(8, elu)' }],
  ] as const)('%s: validation loss and metric as evaluateView, boundary as computeBoundary', async (_name, cells) => {
    const t = await trained(cells);
    try {
      const ours = t.fast.evaluate(t.data, t.views.val!.samples, t.views.val!.idx);
      const theirs = await evaluateView(t.model, t.data, t.views.val!);
      expect(rel(ours.loss, theirs.loss), 'loss').toBeLessThan(1e-5);
      expect(rel(ours.acc, theirs.acc), 'metric').toBeLessThan(1e-5);
      if (t.data.sampleShape[0] !== 2) return;
      const extent = boundaryExtent(t.data);
      const a = denseBoundary(t.fast, t.data, extent);
      const b = await computeBoundary(t.model, t.data, undefined, extent);
      expect({ ...a, confidence: [] }).toEqual({ ...b, confidence: [] });
      expect(new Set(a.predicted).size, 'the boundary separates something').toBeGreaterThan(1);
      a.confidence.forEach((c, i) => expect(Math.abs(c - b.confidence[i]!)).toBeLessThanOrEqual(0.0100001));
    } finally {
      t.dispose();
    }
  });
});
