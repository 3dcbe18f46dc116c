import { describe, expect, it } from 'vitest';
import { resultTable, terminalText } from '../../src/cli/format.ts';
import { SheetEngine } from '../../src/engine/scheduler/sheet-engine.ts';
import { ScriptedRunner, settle } from '../helpers/scripted-runner.ts';

describe('terminalText', () => {
  it.each([
    ['plain text and Korean stay as they are', 'W1 MLP 512 relu · 학습률 0.01 é', 'W1 MLP 512 relu · 학습률 0.01 é'],
    ['an escape sequence that clears the screen and colours red', '\u001b[2J\u001b[31mred', '\\x1b[2J\\x1b[31mred'],
    ['a right-to-left override that reverses what follows', 'abc\u202Egnp.exe', 'abc\\u202egnp.exe'],
    ['a newline and a carriage return that would break a table row', 'a\nb\rc', 'a\\x0ab\\x0dc'],
    ['NUL, DEL and the C1 CSI', 'x\u0000y\u007fz\u009b2J', 'x\\x00y\\x7fz\\x9b2J'],
    ['a tab', 'a\tb', 'a\\x09b'],
  ])('%s', (_what, text, shown) => {
    expect(terminalText(text)).toBe(shown);
  });
});

describe('resultTable', () => {
  it('prints a time with the grid\'s digits: 3 decimals under a second, 1 beyond ten', async () => {
    const runner = new ScriptedRunner(2);
    const cells = { name: '', dataset: 'circle', layers: 'dense(4, relu)', epochs: '2' };
    const engine = new SheetEngine([{ id: 'quick', cells }, { id: 'slow', cells: { ...cells, seed: '2' } }], runner);
    await settle();
    runner.last('quick').finish({ seconds: 0.0423 });
    runner.last('slow').finish({ seconds: 12.34 });
    await settle();
    const table = resultTable(engine.rows()).split('\n');
    expect(table[0]).toMatch(/ time /);
    expect(table.find((l) => l.startsWith('quick'))).toMatch(/ 0\.042s /);
    expect(table.find((l) => l.startsWith('slow'))).toMatch(/ 12\.3s /);
  });
});
