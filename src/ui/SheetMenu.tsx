/** Open, save, share and export the sheet; drop a file anywhere on the page to open it. Messages are text. */
import { For, Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { SheetSummary } from '../persist/autosave.ts';
import { LOCALES, type Locale, locale, setLocale, t } from './i18n/index.ts';
import { TITLE_SEPARATOR, inLanguage, sheetLabel } from './sheet-label.ts';

export interface SheetMenuProps {
  readonly recent: () => readonly SheetSummary[];
  readonly onOpenFile: (file: File) => void;
  readonly onOpenRecent: (id: string) => void;
  readonly onSave: () => void;
  readonly onCopyLink: () => Promise<string>;
  readonly onExportCsv: () => void;
  readonly onImportCsv: (file: File) => void;
  /** The last refusal or warning, shown until the next action. */
  readonly message: () => { kind: 'error' | 'info'; text: string } | null;
}

export function SheetMenu(props: SheetMenuProps) {
  let input!: HTMLInputElement;
  let csvInput!: HTMLInputElement;
  /** A hidden file input: hands the chosen file on and clears itself so the same file can be chosen again. */
  const picked = (take: (file: File) => void) => (e: Event & { currentTarget: HTMLInputElement }) => {
    const file = e.currentTarget.files?.[0];
    if (file) take(file);
    e.currentTarget.value = '';
  };
  // A CSV (our export, or a table of settings) is imported into the open sheet, as Import CSV does,
  // whether dropped or chosen in Open… (read as a sheet file, it was refused as "not valid JSON").
  const openOrImport = (file: File) => {
    if (/\.csv$/i.test(file.name) || file.type === 'text/csv') props.onImportCsv(file);
    else props.onOpenFile(file);
  };
  const [link, setLink] = createSignal<string | null>(null);
  const [dragging, setDragging] = createSignal(false);

  onMount(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = () => setDragging(false);
    const drop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      setDragging(false);
      openOrImport(file);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('dragleave', leave);
    document.addEventListener('drop', drop);
    onCleanup(() => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('drop', drop);
    });
  });

  return (
    <div class="ss-sheet-menu" classList={{ 'ss-dragging': dragging() }} role="toolbar" aria-label={t('menu.label')}>
      <button type="button" class="ss-button" data-testid="open-file" onClick={() => input.click()}>{t('menu.open')}</button>
      <input ref={input} type="file" accept=".json,application/json,.csv,text/csv" hidden data-testid="file-input" onChange={picked(openOrImport)} />
      <button type="button" class="ss-button" data-testid="save-file" onClick={() => props.onSave()}>{t('menu.save')}</button>
      <button type="button" class="ss-button" data-testid="copy-link" onClick={() => void props.onCopyLink().then(setLink)}>{t('menu.copyLink')}</button>
      <button type="button" class="ss-button" data-testid="export-csv" onClick={() => props.onExportCsv()}>{t('menu.exportCsv')}</button>
      <button type="button" class="ss-button" data-testid="import-csv" onClick={() => csvInput.click()}>{t('menu.importCsv')}</button>
      <input ref={csvInput} type="file" accept=".csv,text/csv" hidden data-testid="csv-input" onChange={picked(props.onImportCsv)} />
      <Show when={props.recent().length > 0}>
        <select class="ss-recent" data-testid="recent" aria-label={t('menu.recent')} onChange={(e) => { if (e.currentTarget.value) props.onOpenRecent(e.currentTarget.value); }}>
          <option value="">{t('menu.recentPlaceholder')}</option>
          <For each={props.recent()}>{(s) => <option value={s.id}>{sheetLabel(inLanguage(s.title, TITLE_SEPARATOR, locale()), s.id, t('app.untitled'))}</option>}</For>
        </select>
      </Show>
      <LanguageSwitch />
      <Show when={link()}>
        {(l) => <input class="ss-link" data-testid="link" readonly value={l()} onFocus={(e) => e.currentTarget.select()} />}
      </Show>
      <Show when={props.message()}>
        {(m) => <p class={m().kind === 'error' ? 'ss-error' : 'ss-info'} role={m().kind === 'error' ? 'alert' : 'status'} data-testid="sheet-message">{m().text}</p>}
      </Show>
      <Show when={dragging()}><p class="ss-info">{t('menu.drop')}</p></Show>
    </div>
  );
}

/** English or Korean; the page starts in the browser's language and remembers a choice made here. */
function LanguageSwitch() {
  return (
    <label class="ss-language">
      {t('lang.label')}{' '}
      <select data-testid="language" value={locale()} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
        <For each={LOCALES}>{(l) => <option value={l} selected={l === locale()}>{t(l === 'ko' ? 'lang.ko' : 'lang.en')}</option>}</For>
      </select>
    </label>
  );
}
