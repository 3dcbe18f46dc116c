import { describe, expect, it } from 'vitest';
import { parseRow } from '../../../src/engine/spec.ts';
import type { LoadedData } from '../../../src/engine/train/toy-data.ts';
import { runViews } from '../../../src/engine/train/views.ts';

/** A labelled set of 1,000 samples over 4 classes (the views only read labels). */
function dataset(): LoadedData {
  const n = 1000;
  const train = { x: new Uint8Array(n), y: Uint8Array.from({ length: n }, (_, i) => (i * 7) % 4), n };
  const test = { x: new Uint8Array(100), y: Uint8Array.from({ length: 100 }, (_, i) => i % 4), n: 100 };
  return { task: 'classification', sampleShape: [1], features: 1, scale: 1, classes: 4, train, test };
}

function spec(cells: Record<string, string>) {
  const r = parseRow({ dataset: 'mnist:200', layers: 'dense(8)', optimizer: 'adam', lr: '0.01', batch_size: '32', epochs: '1', seed: '1', ...cells });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
}

describe('runViews', () => {
  it('gives a re-run the views it cut before, equal to cutting them afresh', () => {
    const d = dataset();
    const first = runViews(d, spec({ val_split: '0.2' }));
    const again = runViews(d, spec({ val_split: '0.2', lr: '0.5' }));
    expect(again).toBe(first);
    const fresh = runViews(dataset(), spec({ val_split: '0.2' }));
    expect(fresh).not.toBe(first);
    expect(Array.from(fresh.train.idx)).toEqual(Array.from(first.train.idx));
    expect(Array.from(fresh.val!.idx)).toEqual(Array.from(first.val!.idx));
    expect(first.train.idx.length + first.val!.idx.length).toBe(200);
  });

  it('cuts new views when the subset, the split or the seed changes', () => {
    const d = dataset();
    const base = runViews(d, spec({}));
    expect(runViews(d, spec({ seed: '2' })).train.idx).not.toEqual(base.train.idx);
    expect(runViews(d, spec({ dataset: 'mnist:300' })).train.idx.length).toBe(300);
    expect(runViews(d, spec({ val_split: '0.5' })).val!.idx.length).toBe(100);
    expect(runViews(d, spec({})).train.idx).toEqual(base.train.idx);
  });
});
