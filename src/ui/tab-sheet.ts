/**
 * Which sheet this tab has open, for a reload. `?sheet=name` and a `#s=` link name what a fresh
 * visit opens, as shipped or as linked; but they stay in the address, and a reload (F5) of such a
 * page opened the sheet as shipped again and dropped every edit (its autosave then overwrote the
 * saved copy). The tab's own sheet id is kept in sessionStorage, which lives as long as the tab and
 * is not shared with other tabs; a reload opens that id's saved copy.
 */

const KEY = 'sweepsheet.tabSheet';

/** Remember the sheet this tab has open. Without storage (some private windows) nothing is kept. */
export function rememberTabSheet(id: string): void {
  try {
    sessionStorage.setItem(KEY, id);
  } catch {
    // No sessionStorage: a reload opens what the address names, as before.
  }
}

/** The sheet this tab had open, when the page was reloaded; null on any other navigation. */
export function reloadedTabSheet(): string | null {
  try {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return nav?.type === 'reload' ? sessionStorage.getItem(KEY) : null;
  } catch {
    return null;
  }
}
