/** Mounts the app: reads the chosen sheet, starts the worker pool and the engine, renders. */
import { render } from 'solid-js/web';
import { type FormulaColumn, type RowState, type RunMode, SheetEngine } from '../engine/scheduler/sheet-engine.ts';
import { createBrowserPool } from '../workers/browser-pool.ts';
import { App, LoadError } from './App.tsx';
import { loadSheet } from './sheet-source.ts';
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
    };
  }
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const loaded = loadSheet(window.location.search);
if (!loaded.ok) {
  render(() => <LoadError message={loaded.error} />, root);
} else {
  const pool = createBrowserPool();
  // The engine defaults to calling queueMicrotask as a method, which browsers reject ("Illegal
  // invocation"); a plain closure works everywhere.
  const engine = new SheetEngine(loaded.value.file.rows, pool);
  let visible: readonly string[] = [];
  window.__sweepsheet = {
    rows: () => engine.rows(), visible: () => visible, formulaColumns: () => engine.formulaColumns(), runMode: () => engine.runMode(),
  };
  const onVisibleRows = (ids: readonly string[]) => { visible = ids; };
  const unmount = render(() => <App sheet={loaded.value} engine={engine} workers={pool.size} onVisibleRows={onVisibleRows} />, root);
  import.meta.hot?.dispose(() => {
    unmount();
    engine.dispose();
    pool.dispose();
  });
}
