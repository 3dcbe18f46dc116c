/**
 * Writes the exact samples a spec trains and tests on (its seeded subset, through our own
 * runViews) to a temporary folder as raw bytes, for the PyTorch peer to read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDatasetFile } from '../../src/engine/data/load-node.ts';
import type { ExperimentSpec } from '../../src/engine/spec.ts';
import { loadData } from '../../src/engine/train/load.ts';
import type { Samples } from '../../src/engine/train/toy-data.ts';
import { type View, runViews } from '../../src/engine/train/views.ts';

export interface Exported {
  readonly dir: string;
  readonly train: number;
  readonly test: number;
  remove(): void;
}

function gather(s: Samples, v: View, features: number): { x: Uint8Array; y: Uint8Array } {
  if (!(s.x instanceof Uint8Array)) throw new Error('the export expects byte pixels (MNIST)');
  const x = new Uint8Array(v.idx.length * features);
  const y = new Uint8Array(v.idx.length);
  v.idx.forEach((i, r) => {
    x.set(s.x.subarray(i * features, (i + 1) * features), r * features);
    y[r] = s.y[i]!;
  });
  return { x, y };
}

export async function exportSpecData(spec: ExperimentSpec): Promise<Exported> {
  const data = await loadData(spec.dataset, spec.seed, loadDatasetFile);
  const views = runViews(data, spec);
  const dir = mkdtempSync(join(tmpdir(), 'sweepsheet-bench-'));
  const train = gather(data.train, views.train, data.features);
  const test = gather(data.test, views.test, data.features);
  writeFileSync(join(dir, 'x_train.u8'), train.x);
  writeFileSync(join(dir, 'y_train.u8'), train.y);
  writeFileSync(join(dir, 'x_test.u8'), test.x);
  writeFileSync(join(dir, 'y_test.u8'), test.y);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ features: data.features, train: train.y.length, test: test.y.length, scale: data.scale }));
  return { dir, train: train.y.length, test: test.y.length, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
