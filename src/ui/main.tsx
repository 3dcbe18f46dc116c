/**
 * Mounts the app. Which sheet opens: a link in the address (`#s=…`), else `?sheet=<fixture>` (fresh,
 * like opening a file), else the sheet last open in this browser (restored with every edit and
 * result), else the example. Everything typed or trained is saved in the browser as it happens.
 */
import { Show, createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { type FormulaColumn, type RowState, type RunMode } from '../engine/scheduler/sheet-engine.ts';
import { FORMAT, FORMAT_VERSION, type SheetDocument } from '../engine/sheet-file.ts';
import { currentSheetId, listRecent, recoverSheet } from '../persist/autosave.ts';
import { type StoreError, openStore } from '../persist/idb.ts';
import { App, LoadError, type WorkersControl } from './App.tsx';
import { gridDrawnUpToDate } from './Grid.tsx';
import { createBrowserPool, maxPoolSize, rememberPoolSize, workersStarted } from '../workers/browser-pool.ts';
import { locale, t } from './i18n/index.ts';
import { fileErrorText } from './engine-text.ts';
import { exportCsv, linkFor, readCsvBlob, readSheetBlob, saveLimitText, saveSheet, sheetFromHash } from './file-actions.ts';
import { HeaderHelp } from './HeaderHelp.tsx';
import { SheetMenu } from './SheetMenu.tsx';
import { type Session, openCache, openSession } from './session.ts';
import { type LoadedSheet, loadSheet } from './sheet-source.ts';
import { rememberTabSheet, reloadedTabSheet } from './tab-sheet.ts';
import { sheetLabel } from './sheet-label.ts';
import './styles.css';

declare global {
  interface Window {
    /** Read-only access for tests and debugging: a snapshot of the engine's rows. */
    __sweepsheet?: {
      readonly rows: () => readonly RowState[];
      /** The row ids the grid last reported on screen (given to engine.setVisible). */
      readonly visible: () => readonly string[];
      readonly formulaColumns: () => readonly FormulaColumn[];
      readonly runMode: () => RunMode;
      /** The id the open sheet is saved under in this browser. */
      readonly sheetId: () => string;
      /** Workers the page has started so far (replacements included): a sheet switch starts none. */
      readonly workersStarted: () => number;
      /**
       * Call `fn` with the ids of the rows that changed, at every change of the open sheet's engine
       * (the engine open now; a sheet switch drops it). Returns the unsubscribe. Tests watch states
       * here that a poll can miss: a toy row queues, trains and ends within a few ms.
       */
      readonly subscribe: (fn: (changed: ReadonlySet<string>) => void) => () => void;
      /**
       * Whether the grid's cells show the engine's rows as they are now. The engine's state changes
       * at once, the cells at a later frame (status cells first): a test that waits for rows to
       * finish waits for this too before it reads cells.
       */
      readonly gridDrawn: () => boolean;
    };
  }
}

document.documentElement.lang = locale();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const loaded = loadSheet(window.location.search);
if (!loaded.ok) render(() => <LoadError message={fileErrorText(loaded.error, locale())} />, root);
else {
  // A failure before the first render (workers that cannot start, storage that throws) is a message, not a blank page.
  start(loaded.value, root).catch((e: unknown) => {
    render(() => <LoadError message={t('app.cannotStart', { message: e instanceof Error ? e.message : String(e) })} />, root);
  });
}

type Message = { kind: 'error' | 'info'; text: string } | null;

async function start(fixture: LoadedSheet, mount: HTMLElement): Promise<void> {
  const [message, setMessage] = createSignal<Message>(null);
  const store = await openStore({ onClosed: (text) => setMessage({ kind: 'error', text }) });
  if (store.warning) setMessage({ kind: 'info', text: store.warning });
  // A sheet saved past a file cap is said in the page's language; a curve left out is a notice, not an error.
  // (A notice leaves an error on the line in place: it is the one to read first.)
  const onError = (e: StoreError) => {
    if (e.limit?.what === 'curves') setMessage((m) => (m?.kind === 'error' ? m : { kind: 'info', text: saveLimitText(e.limit!) }));
    else setMessage({ kind: 'error', text: e.limit ? saveLimitText(e.limit) : t('msg.cannotSave', { message: e.message }) });
  };
  // Said after an error already shown (a damaged link), not instead of it.
  const onShared = () => setMessage((m) => ({ kind: 'error', text: m?.kind === 'error' ? `${m.text} ${t('msg.openElsewhere')}` : t('msg.openElsewhere') }));
  const cache = await openCache(store, onError);
  const explicit = new URLSearchParams(window.location.search).has('sheet');
  const fromLink = sheetFromHash(window.location.hash);
  if (fromLink && !fromLink.ok) setMessage({ kind: 'error', text: fromLink.error });
  // A reload brings back the sheet this tab had open, edits included, whatever the address names (tab-sheet.ts).
  const reloaded = reloadedTabSheet();
  const last = reloaded ?? (explicit || fromLink?.ok ? null : await currentSheetId(store));
  const first = last ? { id: last, doc: fromLink?.ok ? fromLink.value : fixture.file.document, preferSaved: true }
    : fromLink?.ok ? { id: `link:${Date.now()}`, doc: fromLink.value, preferSaved: false }
    : { id: `fixture:${fixture.name}`, doc: fixture.file.document, preferSaved: !explicit };
  // One pool for the page: a sheet opened later trains on warm workers (see session.ts).
  const pool = createBrowserPool();
  const [session, setSession] = createSignal<Session>(await openSession(first.id, first.doc, { store, cache, pool, onError, onShared, preferSaved: first.preferSaved }));
  rememberTabSheet(first.id);
  const [recent, setRecent] = createSignal(await listRecent(store));
  let visible: readonly string[] = [];
  window.__sweepsheet = {
    rows: () => session().engine.rows(), visible: () => visible, formulaColumns: () => session().engine.formulaColumns(),
    runMode: () => session().engine.runMode(), sheetId: () => session().id, workersStarted,
    subscribe: (fn) => session().engine.subscribe(fn), gridDrawn: gridDrawnUpToDate,
  };

  /** Open another sheet; the current one stays until the new one is ready. */
  const switchTo = async (id: string, doc: SheetDocument, note: string) => {
    try {
      const next = await openSession(id, doc, { store, cache, pool, onError, onShared, preferSaved: false });
      const old = session();
      setSession(next);
      rememberTabSheet(id);
      await old.close();
      setMessage({ kind: 'info', text: note });
      setRecent(await listRecent(store));
    } catch (e) {
      setMessage({ kind: 'error', text: t('msg.cannotOpen', { message: e instanceof Error ? e.message : String(e) }) });
    }
  };

  const menu = {
    recent,
    message,
    onOpenFile: async (file: File) => {
      const doc = await readSheetBlob(file);
      if (!doc.ok) {
        setMessage({ kind: 'error', text: t('msg.unchanged', { error: doc.error }) });
        return;
      }
      await switchTo(`file:${file.name}:${Date.now()}`, doc.value, t('msg.opened', { name: file.name }));
    },
    onOpenRecent: async (id: string) => {
      const doc = await recoverSheet(store, id, onError);
      if (doc) await switchTo(id, doc, t('msg.opened', { name: sheetLabel(doc.title, id, t('app.untitled')) }));
      else setMessage({ kind: 'error', text: t('msg.gone') });
    },
    onSave: () => saveSheet(session().document()),
    onCopyLink: async () => {
      const made = linkFor(session().document(), window.location);
      if (!made.ok) {
        setMessage({ kind: 'error', text: made.error });
        return '';
      }
      const link = made.value;
      try {
        await navigator.clipboard.writeText(link);
        setMessage({ kind: 'info', text: t('msg.linkCopied') });
      } catch {
        setMessage({ kind: 'info', text: t('msg.linkBelow') });
      }
      return link;
    },
    onImportCsv: async (file: File) => {
      const csv = await readCsvBlob(file);
      if (!csv.ok) {
        setMessage({ kind: 'error', text: t('msg.unchanged', { error: csv.error }) });
        return;
      }
      // Each line becomes a row: the last row's settings, with the CSV's columns over them.
      const { engine } = session();
      const template = engine.rows().filter((r) => r.parent === null).at(-1)?.cells ?? {};
      for (const cells of csv.value.rows) engine.addRow({ cells: { ...template, ...cells } });
      const ignored = csv.value.unknown.length > 0 ? t('msg.ignored', { list: csv.value.unknown.join(', ') }) : '';
      setMessage({ kind: 'info', text: t(csv.value.rows.length === 1 ? 'msg.importedOne' : 'msg.imported', { n: csv.value.rows.length, name: file.name }) + ignored });
    },
    onExportCsv: () => {
      const s = session();
      exportCsv(s.engine.rows(), s.engine.formulaColumns(), s.document().title);
    },
  };

  // The toolbar's workers menu: the pool grows or shrinks at once (a busy worker leaves after its
  // job), the engine starts what now fits, and the choice is kept for the next sheet and visit.
  const workersOf = (s: Session): WorkersControl => {
    const [count, setCount] = createSignal(s.pool.capacity);
    return {
      count, max: maxPoolSize(),
      set(n) {
        s.pool.resize(n);
        s.engine.capacityChanged();
        rememberPoolSize(n);
        setCount(s.pool.capacity);
      },
    };
  };
  const sheetOf = (s: Session): LoadedSheet => {
    const doc = s.document();
    return { name: s.id, file: { format: FORMAT, version: FORMAT_VERSION, title: doc.title, description: doc.description, rows: [], document: doc } };
  };
  const unmount = render(() => (
    <>
      <SheetMenu {...menu} />
      <HeaderHelp />
      <Show when={session()} keyed>
        {(s) => {
          // Made once per session: a prop expression is read again on every access.
          const workers = workersOf(s);
          return <App sheet={sheetOf(s)} engine={s.engine} workers={workers} onVisibleRows={(ids) => { visible = ids; }} onNotice={(text) => setMessage({ kind: 'info', text })} />;
        }}
      </Show>
    </>
  ), mount);
  import.meta.hot?.dispose(() => {
    unmount();
    void session().close().then(() => pool.dispose());
  });
}
