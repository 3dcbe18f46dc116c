/**
 * Two tabs with one sheet open: each is told about the other (tabs are BroadcastChannels of one
 * process here, as tabs of one origin are in a browser). Other sheets and closed tabs say nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SheetPresence, watchSheetPresence } from '../../src/persist/tab-presence.ts';

const open: SheetPresence[] = [];
afterEach(() => { for (const p of open.splice(0)) p.close(); });

let tabs = 0;
/** A tab with `sheetId` open on `channel`; `told` counts its warnings. */
function tab(sheetId: string, channel: string, name = `tab${++tabs}`) {
  const state = { told: 0 };
  open.push(watchSheetPresence(sheetId, () => { state.told++; }, { channel, tab: name }));
  return state;
}

/** Long enough for a message and its reply to cross the channel. */
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('a sheet open in two tabs', () => {
  it('tells both tabs, each once, whichever opened it first', async () => {
    const first = tab('fixture:xor', 'presence-a');
    await settle();
    expect(first.told).toBe(0);
    const second = tab('fixture:xor', 'presence-a');
    await settle();
    expect(first.told).toBe(1);
    expect(second.told).toBe(1);
    // A third tab: the first two were told already and are not told again.
    const third = tab('fixture:xor', 'presence-a');
    await settle();
    expect([first.told, second.told, third.told]).toEqual([1, 1, 1]);
  });

  it('says nothing for different sheets, or after the other tab closed its sheet', async () => {
    const a = tab('fixture:xor', 'presence-b');
    const b = tab('fixture:iris', 'presence-b');
    await settle();
    expect([a.told, b.told]).toEqual([0, 0]);
    open.pop()!.close();
    open.pop()!.close();
    const c = tab('fixture:xor', 'presence-b');
    await settle();
    expect(c.told).toBe(0);
  });

  it('a page that opens the sheet it already has (a recent sheet chosen again) does not warn itself', async () => {
    const before = tab('fixture:xor', 'presence-d', 'page1');
    const after = tab('fixture:xor', 'presence-d', 'page1');
    await settle();
    expect([before.told, after.told]).toEqual([0, 0]);
  });

  it('ignores messages that are not its own kind', async () => {
    const a = tab('fixture:xor', 'presence-c');
    const other = new BroadcastChannel('presence-c');
    for (const data of [null, 'fixture:xor', { kind: 'open', sheetId: 'fixture:xor' }, { kind: 'saved', sheetId: 'fixture:xor', tab: 'x' }]) other.postMessage(data);
    await settle();
    other.close();
    expect(a.told).toBe(0);
  });
});
