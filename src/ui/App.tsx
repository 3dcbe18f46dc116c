/** The page: the sheet's title and description, a toolbar, the run summary, the grid and the selected row's details. */
import { For, Show, createMemo, createSignal, onCleanup } from 'solid-js';
import type { RunMode, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import type { RowCells } from '../engine/spec.ts';
import { createEngineTicks } from './engine-signal.ts';
import { StateCounts } from './state-counts.ts';
import { type FormulaDraft, FormulaColumnForm, nextFormulaKey } from './FormulaColumnForm.tsx';
import { Grid, type TextCut } from './Grid.tsx';
import { columnName } from './engine-text.ts';
import { FILE_LIMITS } from '../engine/sheet-file.ts';
import { rowsWillMove } from './grid-undo.ts';
import { ComparePanel } from './compare/ComparePanel.tsx';
import { type MessageKey, locale, t } from './i18n/index.ts';
import { QueueToggle } from './QueueToggle.tsx';
import { RowDetail } from './RowDetail.tsx';
import type { LoadedSheet } from './sheet-source.ts';
import { DESCRIPTION_SEPARATOR, TITLE_SEPARATOR, inLanguage, sheetLabel } from './sheet-label.ts';

/** The toolbar's workers menu: how many the pool has now, how many it may have, and a change of it. */
export interface WorkersControl {
  readonly count: () => number;
  readonly max: number;
  readonly set: (n: number) => void;
}

export function App(props: {
  sheet: LoadedSheet; engine: SheetEngine; workers: WorkersControl; onVisibleRows?: (ids: readonly string[]) => void;
  /** A notice for the page's message line (text cut at a cell's cap). */
  onNotice?: (text: string) => void;
}) {
  const counts = new StateCounts(props.engine);
  onCleanup(props.engine.subscribe((changed) => counts.update(changed)));
  // The toolbar's counts and the row detail's text, tables and boundary in one frame; the curves
  // (the detail's and the comparison's: canvases, no layout or paint of the page) in the next (engine-signal.ts).
  const [tick, compareTick] = createEngineTicks(props.engine, 2) as [() => number, () => number];
  // Reads the locale through t(), so the summary follows a language switch too.
  const summary = createMemo(() => { tick(); return summarize(counts); });
  const staleCount = createMemo(() => { tick(); return counts.count('stale'); });
  const [selected, setSelected] = createSignal<string | null>(null);
  // Rows to compare (the grid's selection) and the rows the parallel coordinates' brushes keep.
  const [compared, setCompared] = createSignal<readonly string[]>([]);
  const [rowFilter, setRowFilter] = createSignal<ReadonlySet<string> | null>(null);
  const [mode, setMode] = createSignal<RunMode>(props.engine.runMode());
  const [draft, setDraft] = createSignal<FormulaDraft | null>(null);
  // Bumped when formula columns change: the grid redraws its columns even if no value changed.
  const [columnsVersion, setColumnsVersion] = createSignal(0);

  const addRow = () => {
    const last = props.engine.rows().filter((r) => r.parent === null).at(-1);
    props.engine.addRow({ cells: last ? { ...last.cells } : {} });
  };
  // The grid has no row menu: the selected row is removed from the toolbar, and the last removal
  // can be undone (same id, cells and place; its results come back from the cache).
  const [removed, setRemoved] = createSignal<{ id: string; cells: RowCells; index: number; name: string } | null>(null);
  const removable = createMemo(() => { tick(); const id = selected(); const r = id === null ? undefined : props.engine.row(id); return r && r.parent === null ? r : undefined; });
  const removeRow = () => {
    const row = removable();
    if (!row) return;
    const index = props.engine.rows().filter((r) => r.parent === null).findIndex((r) => r.id === row.id);
    const name = row.cells.name?.trim() || row.id;
    setRemoved({ id: row.id, cells: { ...row.cells }, index, name: name.length > 30 ? `${name.slice(0, 29)}…` : name });
    rowsWillMove();
    props.engine.removeRow(row.id);
    setSelected(null);
  };
  const undoRemove = () => {
    const r = removed();
    if (!r) return;
    rowsWillMove();
    props.engine.addRow({ id: r.id, cells: r.cells }, r.index);
    setRemoved(null);
  };
  const switchMode = (auto: boolean) => {
    const next: RunMode = auto ? 'auto' : 'manual';
    props.engine.setRunMode(next);
    setMode(next);
  };
  const editFormulaColumn = (key: string) => {
    const col = props.engine.formulaColumns().find((c) => c.key === key);
    if (col) setDraft({ key: col.key, label: col.label, formula: col.formula });
  };
  const saveFormulaColumn = (col: { key: string | null; label: string; formula: string }) => {
    const key = col.key ?? nextFormulaKey(props.engine.formulaColumns());
    props.engine.setFormulaColumn({ key, label: col.label || key, formula: col.formula });
    setColumnsVersion((n) => n + 1);
    setDraft(null);
  };
  const removeFormulaColumn = (key: string) => {
    props.engine.removeFormulaColumn(key);
    setColumnsVersion((n) => n + 1);
    setDraft(null);
  };

  return (
    <main class="ss-app">
      <header class="ss-header">
        <h1>{sheetLabel(inLanguage(props.sheet.file.title, TITLE_SEPARATOR, locale()), props.sheet.name, t('app.untitled'))}</h1>
        <p class="ss-description">{inLanguage(props.sheet.file.description, DESCRIPTION_SEPARATOR, locale())}</p>
      </header>
      <div class="ss-toolbar" role="toolbar">
        <button type="button" class="ss-button" onClick={addRow}>{t('app.addRow')}</button>
        <button type="button" class="ss-button" data-testid="remove-row" disabled={!removable()} title={t('app.removeRowTitle')} onClick={removeRow}>
          {t('app.removeRow')}
        </button>
        <Show when={removed()}>
          {(r) => <button type="button" class="ss-button" data-testid="undo-remove" onClick={undoRemove}>{t('app.undoRemove', { name: r().name })}</button>}
        </Show>
        <button type="button" class="ss-button" data-testid="add-formula-column" onClick={() => setDraft({ key: null, label: '', formula: '' })}>
          {t('app.addFormulaColumn')}
        </button>
        <label class="ss-toggle" title={t('app.autoRunTitle')}>
          <input type="checkbox" data-testid="auto-run" checked={mode() === 'auto'} onChange={(e) => switchMode(e.currentTarget.checked)} />
          {t('app.autoRun')}
        </label>
        <button
          type="button" class="ss-button" data-testid="run-stale" disabled={mode() === 'auto' || staleCount() === 0}
          onClick={() => props.engine.runStale()}
        >
          {t('app.runStale', { n: staleCount() })}
        </button>
        <QueueToggle />
        <label class="ss-workers" data-testid="workers" title={t('app.workersTitle')}>
          {t('app.workers.before')}{' '}
          <select data-testid="workers-count" value={props.workers.count()} onChange={(e) => props.workers.set(Number(e.currentTarget.value))}>
            <For each={Array.from({ length: Math.max(props.workers.max, props.workers.count()) }, (_, i) => i + 1)}>{(n) => <option value={n}>{n}</option>}</For>
          </select>
          {' '}{t(props.workers.count() === 1 ? 'app.workers.one' : 'app.workers.many')}
        </label>
        <span class="ss-summary" data-testid="summary"><span class="ss-summary-text">{summary()}</span></span>
      </div>
      <Show when={draft()} keyed>
        {(d) => <FormulaColumnForm draft={d} onSave={saveFormulaColumn} onRemove={removeFormulaColumn} onClose={() => setDraft(null)} />}
      </Show>
      <Grid engine={props.engine} onSelectRow={setSelected} onEditFormulaColumn={editFormulaColumn} onVisibleRows={props.onVisibleRows} columnsVersion={columnsVersion}
        onSelectRows={setCompared} rowFilter={rowFilter} onTextCut={(cut) => props.onNotice?.(textCutNotice(cut))} />
      <RowDetail engine={props.engine} rowId={selected} tick={tick} curvesTick={compareTick} />
      <ComparePanel engine={props.engine} tick={compareTick} selected={compared} onFilter={setRowFilter} />
      <footer class="ss-footer">{t('app.footer')}</footer>
    </main>
  );
}

export function LoadError(props: { message: string }) {
  return (
    <main class="ss-app">
      <h1>Sweepsheet</h1>
      <p class="ss-error" role="alert">{t('app.loadError', { message: props.message })}</p>
    </main>
  );
}

/** "6 rows: 2 running, 1 queued, 3 done" in a fixed order of states; a sweep counts as one row plus its runs. */
function summarize(counts: StateCounts): string {
  const parts = ['running', 'queued', 'stale', 'done', 'diverged', 'failed', 'invalid', 'sweep']
    .filter((s) => counts.count(s) > 0)
    .map((s) => {
      const n = counts.count(s);
      const state = t((s === 'sweep' && n !== 1 ? 'state.sweeps' : `state.${s}`) as MessageKey);
      return t('summary.part', { n, state });
    });
  const total = t(counts.total === 1 ? 'summary.rows.one' : 'summary.rows.many', { n: counts.total });
  return `${total}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** What the page says when typed or pasted text was cut at a cell's cap, naming the (first) cell as shown. */
function textCutNotice(cut: readonly TextCut[]): string {
  const first = cut[0]!;
  const vars = { row: first.row, column: columnName(first.column, locale()), max: FILE_LIMITS.maxCellLength.toLocaleString(locale() === 'ko' ? 'ko-KR' : 'en-US'), n: cut.length };
  return t(cut.length === 1 ? 'grid.cut.one' : 'grid.cut.many', vars);
}
