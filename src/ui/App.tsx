/** The page: the sheet's title and description, a toolbar, the run summary and the grid. */
import { createSignal, onCleanup } from 'solid-js';
import type { SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { Grid } from './Grid.tsx';
import type { LoadedSheet } from './sheet-source.ts';

export function App(props: { sheet: LoadedSheet; engine: SheetEngine; workers: number }) {
  const [summary, setSummary] = createSignal(summarize(props.engine));
  let frame = 0;
  const unsubscribe = props.engine.subscribe(() => {
    if (frame === 0) frame = requestAnimationFrame(() => { frame = 0; setSummary(summarize(props.engine)); });
  });
  onCleanup(() => { unsubscribe(); if (frame !== 0) cancelAnimationFrame(frame); });

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
      <Grid engine={props.engine} />
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
