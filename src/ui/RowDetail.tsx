/**
 * The selected row in full: its name and status line, the model summary (or the cells to fix),
 * how the run went, and every epoch. Reads the engine once per frame through the tick; all text
 * is set as text.
 */
import { type Accessor, Show, createMemo } from 'solid-js';
import { DATASETS } from '../engine/datasets.ts';
import type { TrainResult } from '../engine/job.ts';
import { type RowState, type SheetEngine, isStale, statusText } from '../engine/scheduler/sheet-engine.ts';
import { CellErrorTable, HistoryTable, ModelSummaryTable, historyLines, liveLines } from './detail-tables.tsx';
import { formatResult } from './renderers.ts';
import { type RowSource, childLabel } from './row-values.ts';
import { SweepDetail } from './SweepDetail.tsx';

export function RowDetail(props: { engine: SheetEngine; rowId: Accessor<string | null>; tick: Accessor<number> }) {
  const source = (id: string) => props.engine.row(id);
  const row = createMemo(() => {
    props.tick();
    const id = props.rowId();
    return id === null ? undefined : props.engine.row(id);
  });
  return (
    <section class="ss-detail" data-testid="row-detail" data-row-id={row()?.id ?? ''} aria-label="Row details">
      <Show when={row()} fallback={<p class="ss-detail-note">Select a cell to see its row: the model, how the run went and every epoch.</p>}>
        {(r) => (
          <Show when={r().sweep !== null} fallback={<Detail row={r()} source={source} />}>
            <SweepDetail row={r()} source={source} />
          </Show>
        )}
      </Show>
    </section>
  );
}

function Detail(props: { row: RowState; source: RowSource }) {
  const parent = () => (props.row.parent === null ? undefined : props.source(props.row.parent));
  const running = () => props.row.status.state === 'running';
  // Only a new epoch or a new result changes these arrays, so the table is rebuilt that often.
  const source = createMemo(() => (running() ? props.row.live : props.row.result?.history ?? null));
  const lines = createMemo(() => {
    const s = source();
    if (s === null) return [];
    return running() ? liveLines(s) : historyLines(s);
  });
  const shownResult = () => (running() ? null : props.row.result);
  return (
    <>
      <header class="ss-detail-head">
        <h2 data-testid="detail-name">{props.row.cells.name?.trim() || props.row.id}</h2>
        <Show when={parent()}>
          {(p) => (
            <p class="ss-detail-note" data-testid="detail-parent">
              One run of the sweep “{p().cells.name?.trim() || p().id}”: {childLabel(props.row, p()).slice(2)}. Edit the sweep row to change it.
            </p>
          )}
        </Show>
        <p class={`ss-detail-status ss-state-${props.row.status.state}`} data-testid="detail-status" data-state={props.row.status.state}>
          {statusText(props.row.status)}
        </p>
        <Show when={props.row.result?.stoppedEarly}>
          {(why) => <p class="ss-detail-stopped" data-testid="detail-stopped">stopped early — {why()}</p>}
        </Show>
        <Show when={isStale(props.row)}>
          <p class="ss-detail-note" data-testid="detail-stale">
            The results below come from an earlier setting of this row; they stay until a new run finishes.
          </p>
        </Show>
      </header>
      <div class="ss-detail-body">
        <div class="ss-detail-part">
          <h3>{props.row.parsed.ok ? 'Model' : 'Invalid input'}</h3>
          <Show when={props.row.parsed.ok ? props.row.parsed : null} fallback={<CellErrorTable errors={props.row.parsed.ok ? [] : props.row.parsed.errors} />}>
            {(p) => <ModelSummaryTable summary={p().summary} input={DATASETS[p().spec.dataset.name].inputShape} />}
          </Show>
        </div>
        <div class="ss-detail-part">
          <h3>Run</h3>
          <Show when={props.row.result} fallback={<p class="ss-detail-note">No finished run yet.</p>}>
            {(res) => <RunFacts result={res()} row={props.row} />}
          </Show>
        </div>
        <div class="ss-detail-part">
          <h3 data-testid="detail-history-title">
            {running() ? `Live: ${lines().length} ${lines().length === 1 ? 'epoch' : 'epochs'} so far (loss)` : `History: ${lines().length} ${lines().length === 1 ? 'epoch' : 'epochs'}`}
          </h3>
          <HistoryTable lines={lines()} live={running()} best={shownResult()?.bestEpoch ?? null} />
        </div>
      </div>
    </>
  );
}

function RunFacts(props: { result: TrainResult; row: RowState }) {
  const r = () => props.result;
  // The planned epochs belong to the current spec, so they only qualify a result that is current.
  const planned = () => (props.row.parsed.ok && !isStale(props.row) ? props.row.parsed.spec.epochs : null);
  const testLine = () => {
    const parts = [`loss ${formatResult('loss', r().testLoss)}`];
    if (!Number.isNaN(r().testAcc)) parts.push(`acc ${formatResult('accuracy', r().testAcc)}`);
    if (!Number.isNaN(r().testMae)) parts.push(`MAE ${formatResult('loss', r().testMae)}`);
    return parts.join(', ');
  };
  return (
    <dl class="ss-detail-facts" data-testid="detail-facts">
      <dt>backend</dt>
      <dd data-field="backend">{r().backend}<span class="ss-detail-reason"> — {r().backendReason}</span></dd>
      <dt>time</dt>
      <dd data-field="time">{formatResult('seconds', r().seconds)} s</dd>
      <dt>samples/s</dt>
      <dd data-field="samples_per_s">{formatResult('count', r().samplesPerSec)}</dd>
      <dt>epochs run</dt>
      <dd data-field="epochs_run">{r().epochsRun}{planned() !== null && planned() !== r().epochsRun ? ` of ${planned()}` : ''}</dd>
      <dt>best epoch</dt>
      <dd data-field="best_epoch">
        {r().bestEpoch}{r().restoredBest ? ' — its weights were restored for the test' : ' — the last epoch’s weights were tested'}
      </dd>
      <dt>final lr</dt>
      <dd data-field="final_lr">{formatResult('number', r().finalLr)}</dd>
      <dt>test</dt>
      <dd data-field="test">{testLine()}</dd>
    </dl>
  );
}
