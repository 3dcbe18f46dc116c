/**
 * Column help from the header: every setting and result column gets a "?" that opens a popover
 * saying what the column does, what to try and what goes wrong (src/engine/column-help.ts; the chart
 * columns' in view-help.ts), in the
 * page's language. Handsontable owns the header cells, so the button is plain DOM added by the
 * grid's header hook; the popover is one Solid component on the page, opened through a signal.
 * Everything is text (textContent), never markup.
 */
import { Show, createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import { locale, t, tIn } from './i18n/index.ts';
import { gridColumnHelp, isViewColumn } from './view-help.ts';
import './HeaderHelp.css';

/** Room the "?" takes in a header, for the column width. */
export const HELP_BUTTON_WIDTH = 16;

const POPOVER_WIDTH = 360;

/** The open popover's column and the "?" it hangs from, in page coordinates. */
interface OpenHelp {
  readonly key: string;
  readonly left: number;
  readonly top: number;
  readonly bottom: number;
}

const [open, setOpen] = createSignal<OpenHelp | null>(null);

/**
 * Open the help of `key` under `anchor`, or close it when it is already open. Placed in page
 * coordinates, so it scrolls with the page (the grid scrolls the page, and a click on a "?" off
 * screen scrolls it into view first); `place` keeps it inside the window once it is drawn.
 */
export function toggleHeaderHelp(key: string, anchor: Element): void {
  setOpen((o) => (o?.key === key ? null : anchoredAt(key, anchor)));
}

function anchoredAt(key: string, anchor: Element): OpenHelp {
  const r = anchor.getBoundingClientRect();
  return { key, left: window.scrollX + r.left, top: window.scrollY + r.top, bottom: window.scrollY + r.bottom };
}

/**
 * Where the column's "?" is now: after a resize the toolbar may wrap and move the header, and
 * Handsontable may have drawn the header again (a new button); `o` when it is not drawn.
 */
function anchorNow(o: OpenHelp): OpenHelp {
  const button = document.querySelector(`.ht_clone_top th[data-col="${CSS.escape(o.key)}"] .ss-help-button`);
  return button ? anchoredAt(o.key, button) : o;
}

/** Room kept between the popover and the window's edges. */
const MARGIN = 8;

/**
 * Put the drawn popover under its "?" (above it when there is no room below), inside the part of
 * the window the page is shown in: documentElement.clientWidth leaves out a classic scrollbar,
 * which window.innerWidth counts, so a popover at the right edge ended under the scrollbar.
 */
function place(box: HTMLElement, o: OpenHelp): void {
  const view = document.documentElement;
  const [vw, vh, sx, sy] = [view.clientWidth, view.clientHeight, window.scrollX, window.scrollY];
  const width = Math.max(160, Math.min(POPOVER_WIDTH, vw - 2 * MARGIN));
  box.style.width = `${width}px`;
  const left = Math.max(sx + MARGIN, Math.min(o.left, sx + vw - width - MARGIN));
  box.style.left = `${left}px`;
  box.style.maxHeight = '';
  const height = box.offsetHeight;
  const roomBelow = sy + vh - MARGIN - (o.bottom + 4);
  const roomAbove = o.top - 4 - (sy + MARGIN);
  // Below when it fits, else above when it fits there, else on the roomier side, scrolling inside.
  const side = height <= roomBelow ? 'below' : height <= roomAbove || roomAbove > roomBelow ? 'above' : 'below';
  const room = Math.max(80, side === 'below' ? roomBelow : roomAbove);
  if (height > room) box.style.maxHeight = `${room}px`;
  box.style.top = `${side === 'below' ? o.bottom + 4 : o.top - 4 - Math.min(height, room)}px`;
}

export function closeHeaderHelp(): void {
  setOpen(null);
}

/** The column's header text in the current language (its key for a column without one). */
function labelOf(key: string): string {
  return tIn(locale(), isViewColumn(key) ? `grid.${key}.label` : `col.${key}`) ?? key;
}

/**
 * Give a header cell its "?" for column `key` (nothing for a column without help, such as a
 * formula column). Handsontable reuses header cells as it scrolls: an earlier button is replaced.
 */
export function decorateHelpButton(th: HTMLElement, key: string): void {
  th.querySelector('.ss-help-button')?.remove();
  th.classList.remove('ss-help-header');
  if (!gridColumnHelp(key, 'en')) return;
  th.classList.add('ss-help-header');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'ss-help-button';
  button.textContent = '?';
  button.dataset.helpFor = key;
  button.title = t('help.button', { label: labelOf(key) });
  button.setAttribute('aria-label', button.title);
  // The header's own mousedown selects the column and a click sorts: the "?" does neither.
  button.addEventListener('mousedown', (e) => e.stopPropagation());
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    toggleHeaderHelp(key, button);
  });
  (th.firstElementChild ?? th).append(button);
}

/** The popover; render it once on the page. Escape or a click elsewhere closes it. */
export function HeaderHelp() {
  let box: HTMLElement | undefined;
  onMount(() => {
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') closeHeaderHelp(); };
    const down = (e: MouseEvent) => { if (box && !box.contains(e.target as Node)) closeHeaderHelp(); };
    document.addEventListener('keydown', key);
    document.addEventListener('mousedown', down);
    onCleanup(() => {
      document.removeEventListener('keydown', key);
      document.removeEventListener('mousedown', down);
    });
  });
  return (
    <Show when={open()} keyed>
      {(o) => {
        const help = () => gridColumnHelp(o.key, locale());
        return (
          <Show when={help()}>
            {(h) => (
              <aside
                ref={(el) => {
                  box = el;
                  // Placed again when the window changes size, or the language its text (and height).
                  const again = () => place(el, anchorNow(o));
                  queueMicrotask(again);
                  window.addEventListener('resize', again);
                  onCleanup(() => window.removeEventListener('resize', again));
                  createEffect(on(locale, () => queueMicrotask(again), { defer: true }));
                }}
                class="ss-help-popover" role="dialog" data-testid="header-help" data-col={o.key}
                aria-label={t('help.dialog', { label: labelOf(o.key) })}
                style={{ left: `${o.left}px`, top: `${o.bottom + 4}px`, width: `${POPOVER_WIDTH}px` }}
              >
                <div class="ss-help-title">
                  <strong>{labelOf(o.key)}</strong>
                  {/* A chart column holds no value: formulas cannot name it. */}
                  <Show when={!isViewColumn(o.key)}><span class="ss-help-key">{t('help.key', { key: o.key })}</span></Show>
                  <button type="button" class="ss-help-close" aria-label={t('help.close')} title={t('help.close')} onClick={closeHeaderHelp}>×</button>
                </div>
                <dl>
                  <dt>{t('help.does')}</dt>
                  <dd data-part="does">{h().does}</dd>
                  <Show when={h().tryThis}>
                    {(text) => <><dt>{t('help.try')}</dt><dd data-part="try">{text()}</dd></>}
                  </Show>
                  <Show when={h().wrong}>
                    {(text) => <><dt>{t('help.wrong')}</dt><dd data-part="wrong">{text()}</dd></>}
                  </Show>
                </dl>
              </aside>
            )}
          </Show>
        );
      }}
    </Show>
  );
}
