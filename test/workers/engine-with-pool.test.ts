import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SheetEngine, isStale } from '../../src/engine/scheduler/sheet-engine.ts';
import { readSheetFile } from '../../src/engine/sheet-file.ts';
import { createNodePool } from '../../src/workers/node-pool.ts';

const pool = createNodePool({ size: 2 });
afterAll(() => pool.dispose());

describe('the example sheet on real workers', () => {
  it('trains every row, then re-runs only the edited row', async () => {
    const file = readSheetFile(readFileSync(new URL('../../fixtures/lesson-xor-lr.sheet.json', import.meta.url), 'utf8'));
    if (!file.ok) throw new Error(file.error);
    const engine = new SheetEngine(file.value.rows, pool);
    const started: string[] = [];
    engine.subscribe((ids) => {
      for (const id of ids) if (engine.row(id)!.status.state === 'running' && !started.includes(`${id}@${engine.row(id)!.version}`)) started.push(`${id}@${engine.row(id)!.version}`);
    });
    await engine.idle();
    const first = new Map(engine.rows().map((r) => [r.id, r]));
    for (const r of first.values()) {
      expect(['done', 'diverged'], r.id).toContain(r.status.state);
      expect(r.result!.testAcc, r.id).toBeGreaterThanOrEqual(0);
      expect(r.result!.backend).toBe('wasm');
    }
    // What the lesson teaches, measured.
    expect(first.get('xor-perceptron')!.result!.testAcc).toBeLessThanOrEqual(0.75);
    expect(first.get('xor-mlp')!.result!.testAcc).toBeGreaterThan(0.95);
    expect(first.get('circle-lr-0.03')!.result!.testAcc).toBeGreaterThan(0.95);
    expect(first.get('circle-lr-3')!.status.state).toBe('diverged');

    engine.edit([{ row: 'circle-lr-0.003', column: 'lr', text: '0.3' }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(isStale(engine.row('circle-lr-0.003')!)).toBe(true);
    await engine.idle();
    const second = new Map(engine.rows().map((r) => [r.id, r]));
    expect(second.get('circle-lr-0.003')!.result!.testAcc).toBeGreaterThan(0.95);
    for (const [id, r] of second) {
      if (id === 'circle-lr-0.003') continue;
      expect(r.result, id).toBe(first.get(id)!.result); // untouched: the very same result object
    }
    expect(started.filter((s) => s.startsWith('circle-lr-0.003'))).toEqual(['circle-lr-0.003@1', 'circle-lr-0.003@2']);
    expect(started).toHaveLength(7);
  });
});
