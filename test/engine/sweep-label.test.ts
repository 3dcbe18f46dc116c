import { describe, expect, it } from 'vitest';
import { displayName } from '../../src/cli/format.ts';
import { bare } from '../../src/engine/scheduler/row-placement.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { sweptValuesLabel } from '../../src/engine/scheduler/sweep-label.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

describe('sweptValuesLabel', () => {
  it("names each child of a real sweep by its swept values, in the parent's column order", async () => {
    const engine = new SheetEngine([{ id: 'sw', cells: { name: 'lr sweep', dataset: 'circle', lr: ' 0.01 ,  0.1 ', seed: '1 | 2', epochs: '1' } }], new ScriptedRunner(4));
    await settle();
    const parent = engine.row('sw')!;
    const children = parent.sweep!.children.map((id) => engine.row(id)!);
    expect(children.map((c) => sweptValuesLabel(c, parent))).toEqual(['lr=0.01, seed=1', 'lr=0.01, seed=2', 'lr=0.1, seed=1', 'lr=0.1, seed=2']);
    // The CLI and the grid print the same label, each in its own frame.
    expect(displayName(children[1]!, parent)).toBe('lr sweep [lr=0.01, seed=2]');
    expect(displayName(parent)).toBe('lr sweep');
    engine.dispose();
  });

  it('trims each value, as the parser reads it, and is empty without a parent', () => {
    const parent = { ...bare('p', {}), sweep: { swept: ['lr', 'optimizer'], children: ['c'] } };
    const child = { ...bare('c', { lr: '  0.3 ', optimizer: '\tsgd\n' }), parent: 'p' };
    expect(sweptValuesLabel(child, parent)).toBe('lr=0.3, optimizer=sgd');
    // The CLI once printed these untrimmed, escaped: `[lr=  0.3 , optimizer=\x09sgd\x0a]`.
    expect(displayName(child, parent)).toBe('c [lr=0.3, optimizer=sgd]');
    expect(sweptValuesLabel(child, undefined)).toBe('');
    expect(displayName(child)).toBe('c');
  });
});
