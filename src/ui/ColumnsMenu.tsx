/** The "Columns" button above the grid: a checkbox per group of columns, greyed note for groups the sheet does not use. */
import { For, Show, createSignal, onCleanup } from 'solid-js';
import { type GroupChoices, type SheetUse, groupShown } from './column-visibility.ts';
import { GROUP_ORDER, groupLabel } from './grid-columns.ts';
import { t } from './i18n/index.ts';

export function ColumnsMenu(props: { use: SheetUse | null; choices: GroupChoices; onChange: (next: GroupChoices) => void }) {
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  const close = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', close);
  onCleanup(() => document.removeEventListener('mousedown', close));
  return (
    <div class="ss-columns-menu" ref={root}>
      <button
        type="button" class="ss-button" data-testid="columns-button" aria-expanded={open()} title={t('grid.columns.title')}
        onClick={() => setOpen(!open())}
      >
        {t('grid.columns.button')} ▾
      </button>
      <Show when={open() && props.use}>
        {(use) => (
          <div class="ss-columns-popup" role="menu" data-testid="columns-popup">
            <For each={GROUP_ORDER}>
              {(g) => (
                <label class="ss-columns-item" data-group={g}>
                  <input
                    type="checkbox" checked={groupShown(g, use(), props.choices)}
                    onChange={(e) => props.onChange({ ...props.choices, [g]: e.currentTarget.checked })}
                  />
                  {groupLabel(g)}
                  <Show when={!use().groups.has(g)}>
                    <span class="ss-columns-note"> {t('grid.columns.auto')}</span>
                  </Show>
                </label>
              )}
            </For>
          </div>
        )}
      </Show>
    </div>
  );
}
