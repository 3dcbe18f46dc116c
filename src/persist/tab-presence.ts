/**
 * Two tabs of the page with the same sheet open each autosave their own copy to the same record,
 * and the last write wins: what was typed in the other tab is silently lost at the next reload.
 * Each tab says on a BroadcastChannel which sheet it has open; a tab that hears another tab has the
 * same sheet open is told, and so is the tab that was there first, so both can warn the person.
 *
 * Without BroadcastChannel (very old browsers) nothing is watched and nothing is said.
 */

/** The channel every tab of this origin talks on. */
export const PRESENCE_CHANNEL = 'sweepsheet-open-sheets';

/** This page's name on the channel: one per page, so the sheet a page reopens does not warn about itself. */
const THIS_TAB = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

type PresenceMessage = { readonly kind: 'open' | 'here'; readonly sheetId: string; readonly tab: string };

export interface SheetPresence {
  /** Stop listening (the sheet was closed or another one opened in this tab). */
  close(): void;
}

function isPresenceMessage(data: unknown): data is PresenceMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Record<string, unknown>;
  return (m.kind === 'open' || m.kind === 'here') && typeof m.sheetId === 'string' && typeof m.tab === 'string';
}

/**
 * Announce that this tab has `sheetId` open and call `onShared` (once) when another tab has it
 * open too, whether that tab opened it before or after this one. `options` name the channel and
 * the tab (tests play several tabs in one process).
 */
export function watchSheetPresence(
  sheetId: string, onShared: () => void, options: { readonly channel?: string; readonly tab?: string } = {},
): SheetPresence {
  if (typeof BroadcastChannel !== 'function') return { close() {} };
  const channel = new BroadcastChannel(options.channel ?? PRESENCE_CHANNEL);
  const tab = options.tab ?? THIS_TAB;
  let told = false;
  channel.onmessage = (e: MessageEvent) => {
    const m: unknown = e.data;
    if (!isPresenceMessage(m) || m.sheetId !== sheetId || m.tab === tab) return;
    // A newcomer hears back from every tab already there, so it learns it is not alone.
    if (m.kind === 'open') channel.postMessage({ kind: 'here', sheetId, tab } satisfies PresenceMessage);
    if (!told) {
      told = true;
      onShared();
    }
  };
  channel.postMessage({ kind: 'open', sheetId, tab } satisfies PresenceMessage);
  return { close: () => channel.close() };
}
