/**
 * One rule of Handsontable's stylesheet, dropped. It styles the selected item of the dropdown,
 * context and filter menus with `td:has(.htItemWrapper .selected)`, and chromium tries it on
 * every cell it restyles, walking the cell's subtree each time: in a chromium trace of a frame
 * in which rows train (status bars, sparklines, metric colours redrawn), that one selector took
 * half of all selector matching time, and matched nothing. This app registers none of those
 * menus (DropdownMenu, ContextMenu, Filters); register one and this must go.
 */

/** The rule's mark: only those menus render `.htItemWrapper`. */
const MENU_ITEM_HAS = ':has(.htItemWrapper';

let dropped = false;

/** Delete the menu-only `:has()` rules from the page's stylesheets (once per page); returns how many. */
export function dropMenuHasRules(doc: Document = document): number {
  if (dropped) return 0;
  dropped = true;
  let count = 0;
  const visit = (owner: CSSStyleSheet | CSSGroupingRule) => {
    const rules = owner.cssRules;
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i];
      if (rule instanceof CSSStyleRule && rule.selectorText.includes(MENU_ITEM_HAS)) {
        owner.deleteRule(i);
        count++;
      } else if (rule instanceof CSSGroupingRule) {
        visit(rule);
      }
    }
  };
  for (const sheet of Array.from(doc.styleSheets)) {
    try {
      visit(sheet);
    } catch {
      // A cross-origin stylesheet cannot be read; ours are same-origin.
    }
  }
  return count;
}
