/** The page: the sheet's title and description, a toolbar, the run summary, the grid and the selected row's details. */
import { createMemo, createSignal } from 'solid-js';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { createEngineTick } from './engine-signal.ts';
import { Grid } from './Grid.tsx';
import { RowDetail } from './RowDetail.tsx';
import type { LoadedSheet } from './sheet-source.ts';

export function App(props: { sheet: LoadedSheet; engine: SheetEngine; workers: number }) {
  const tick = createEngineTick(props.engine);
  const summary = createMemo(() => { tick(); return summarize(props.engine); });
  const [selected, setSelected] = createSignal<string | null>(null);

  const addRow = () => {
    const last = props.engine.rows().at(-1);
    props.engine.addRow({ cells: last ? { ...last.cells } : {} });
  };

  return (
    <main class="ss-app">
      <header class="ss-header">
        <h1>{props.sheet.file.title || props.sheet.name}</h1>
        <p class="ss-description">{props.sheet.file.description}</p>
      </header>
      <div class="ss-toolbar" role="toolbar">
        <button type="button" class="ss-add-row" onClick={addRow}>Add row</button>
        <span class="ss-workers" data-testid="workers">
          {props.workers} {props.workers === 1 ? 'worker' : 'workers'} training in the background
        </span>
        <span class="ss-summary" data-testid="summary">{summary()}</span>
      </div>
      <Grid engine={props.engine} onSelectRow={setSelected} />
      <RowDetail engine={props.engine} rowId={selected} tick={tick} />
      <footer class="ss-footer">Grid by Handsontable under its non-commercial licence.</footer>
    </main>
  );
}

export function LoadError(props: { message: string }) {
  return (
    <main class="ss-app">
      <h1>Sweepsheet</h1>
      <p class="ss-error" role="alert">Could not open the sheet: {props.message}</p>
    </main>
  );
}

/** "6 rows: 2 running, 1 queued, 3 done" in a fixed order of states. */
function summarize(engine: SheetEngine): string {
  const rows = engine.rows();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status.state, (counts.get(r.status.state) ?? 0) + 1);
  const parts = ['running', 'queued', 'done', 'diverged', 'failed', 'invalid']
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`);
  return `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
