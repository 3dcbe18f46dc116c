/**
 * The selected row in full: its name and status line, the model summary (or the cells to fix),
 * how the run went, the learning curves (live while it trains), the decision boundary of a 2-D
 * row, the test set's confusion matrix and predictions, and every epoch. Reads the engine once
 * per frame through the tick; all text is set as text.
 */
import { type Accessor, Show, createEffect, createMemo, createSignal, onCleanup, onMount, untrack } from 'solid-js';
import { DATASETS } from '../engine/datasets.ts';
import type { TrainResult } from '../engine/job.ts';
import { type RowState, type SheetEngine, isStale } from '../engine/scheduler/sheet-engine.ts';
import { BoundaryView } from './charts/BoundaryView.tsx';
import { classNames } from './charts/class-names.ts';
import { ConfusionMatrix } from './charts/ConfusionMatrix.tsx';
import { Gallery } from './charts/Gallery.tsx';
import { LearningCurves } from './charts/LearningCurves.tsx';
import { toyPoints } from './charts/toy-points.ts';
import { CellErrorTable, type HistoryLine, HistoryTable, ModelSummaryTable, historyLines } from './detail-tables.tsx';
import { locale, t } from './i18n/index.ts';
import { backendReasonText, statusTextIn, stoppedEarlyText } from './engine-text.ts';
import { formatResult } from './renderers.ts';
import { type RowSource, childLabel } from './row-values.ts';
import { SweepDetail } from './SweepDetail.tsx';
import { shownEpochs } from './compare/compare-data.ts';
import { later, onScreen } from './compare/later.ts';


/**
 * `tick` drives the text, the tables and the boundary; `curvesTick` the learning curves, which
 * are canvases (a redraw lays out and paints nothing of the page): with the comparison's curves,
 * in the frame after the detail's text and tables, so neither frame carries both (engine-signal.ts).
 *
 * Off screen (scrolled past, as when the grid of a large sheet fills the view) the detail follows
 * neither tick: a live row's frames then cost nothing for it, and coming back into view reads the
 * row afresh. Selecting another row shows it at once, on screen or not.
 */
export function RowDetail(props: { engine: SheetEngine; rowId: Accessor<string | null>; tick: Accessor<number>; curvesTick?: Accessor<number> }) {
  const source = (id: string) => props.engine.row(id);
  let section!: HTMLElement;
  const [seenOf, setSeenOf] = createSignal<Accessor<boolean>>(() => true);
  onMount(() => setSeenOf(() => onScreen(section)));
  const seen = () => seenOf()();
  const row = createMemo(() => {
    if (seen()) props.tick();
    const id = props.rowId();
    return id === null ? undefined : props.engine.row(id);
  });
  const curvesTick = () => (seen() ? (props.curvesTick ?? props.tick)() : -1);
  return (
    <section ref={section} class="ss-detail" data-testid="row-detail" data-row-id={row()?.id ?? ''} aria-label={t('detail.aria')}>
      <Show when={row()} fallback={<p class="ss-detail-note">{t('detail.select')}</p>}>
        {(r) => (
          <Show when={r().sweep !== null} fallback={<Detail row={r()} source={source} curvesTick={curvesTick} />}>
            <SweepDetail row={r()} source={source} />
          </Show>
        )}
      </Show>
    </section>
  );
}

function Detail(props: { row: RowState; source: RowSource; curvesTick: Accessor<number> }) {
  const parent = () => (props.row.parent === null ? undefined : props.source(props.row.parent));
  const running = () => props.row.status.state === 'running';
  // Only a new epoch or a new result changes this array, so curves and table redraw that often.
  const records = createMemo(() => shownEpochs(props.row));
  // The curves read the row afresh on their own tick; of props.row they follow only which row it
  // is (props.row is a new object on every detail tick: following it would redraw them there too).
  const rowId = createMemo(() => props.row.id);
  const curveRecords = createMemo(() => {
    props.curvesTick();
    const id = rowId();
    return shownEpochs(props.source(id) ?? untrack(() => props.row));
  });
  // The same line for the same epoch, by value: while the row trains, <For> adds the new epoch's
  // table row instead of building every row again (~130 elements restyled per epoch), and when
  // it finishes, the result's history (new objects, the same numbers) changes no line at all.
  const lines = createMemo<readonly HistoryLine[]>((prev) => sameLines(prev, historyLines(records())), []);
  const shownResult = () => (running() ? null : props.row.result);
  const spec = createMemo(() => (props.row.parsed.ok ? props.row.parsed.spec : null));
  const info = () => {
    const s = spec();
    return s ? DATASETS[s.dataset.name] : null;
  };
  const insights = () => shownResult()?.insights ?? null;
  // The confusion matrix and the gallery (up to 100 cells, 24 samples) are built in a task after
  // the frame in which the run finishes, which already holds its status, facts, curves and boundary.
  const laterInsights = lagging(insights, () => props.row.id);
  const twoD = () => info()?.source.kind === 'toy';
  // A regression row's map is its predicted number over the plane (sign and size), not a decision between classes.
  const regression = () => info()?.task === 'regression';
  const boundary = () => (running() ? props.row.liveBoundary : insights()?.boundary ?? null);
  const points = createMemo(() => {
    const s = spec();
    return s && twoD() ? toyPoints(s.dataset, s.seed) : [];
  });
  const names = () => {
    const s = spec();
    return s ? classNames(s.dataset.name) : [];
  };
  const imageFile = () => {
    const i = info();
    return i && i.source.kind === 'file' && i.inputShape.length === 3 ? i.source.file : null;
  };
  const epochs = (n: number, one: 'detail.live.one' | 'detail.history.one', other: 'detail.live.other' | 'detail.history.other') => t(n === 1 ? one : other, { n });
  return (
    <>
      <header class="ss-detail-head">
        <h2 data-testid="detail-name">{props.row.cells.name?.trim() || props.row.id}</h2>
        <Show when={parent()}>
          {(p) => (
            <p class="ss-detail-note" data-testid="detail-parent">
              {t('detail.sweepChild', { sweep: p().cells.name?.trim() || p().id, what: childLabel(props.row, p()).slice(2) })}
            </p>
          )}
        </Show>
        <p class={`ss-detail-status ss-state-${props.row.status.state}`} data-testid="detail-status" data-state={props.row.status.state}>
          {statusTextIn(props.row.status, locale())}
        </p>
        <Show when={props.row.result?.stoppedEarly}>
          {(why) => (
            <p class="ss-detail-stopped" data-testid="detail-stopped">
              {/* The engine's reasons name themselves ("early stopping: …", "조기 종료: …"); only another text gets the prefix. */}
              {why().startsWith('early stopping:') ? stoppedEarlyText(why(), locale()) : t('detail.stoppedEarly', { why: stoppedEarlyText(why(), locale()) })}
            </p>
          )}
        </Show>
        <Show when={isStale(props.row)}>
          <p class="ss-detail-note" data-testid="detail-stale">{t('detail.stale')}</p>
        </Show>
      </header>
      <div class="ss-detail-body">
        <div class="ss-detail-part">
          <h3>{props.row.parsed.ok ? t('detail.model') : t('detail.invalid')}</h3>
          <Show when={props.row.parsed.ok ? props.row.parsed : null} fallback={<CellErrorTable errors={props.row.parsed.ok ? [] : props.row.parsed.errors} />}>
            {(p) => <ModelSummaryTable summary={p().summary} input={DATASETS[p().spec.dataset.name].inputShape} />}
          </Show>
        </div>
        <div class="ss-detail-part">
          <h3>{t('detail.run')}</h3>
          <Show when={props.row.result} fallback={<p class="ss-detail-note">{t('detail.noRun')}</p>}>
            {(res) => <RunFacts result={res()} row={props.row} />}
          </Show>
        </div>
        <Show when={records().length > 0 || running()}>
          <div class="ss-detail-part">
            <h3>{t('detail.curves.title')}</h3>
            <LearningCurves records={curveRecords()} classification={!regression()} />
          </div>
        </Show>
        <Show when={twoD() && (boundary() !== null || running())}>
          <div class="ss-detail-part">
            <h3>{t(regression() ? 'detail.boundary.titleRegression' : 'detail.boundary.title')}</h3>
            <BoundaryView
              boundary={boundary()}
              points={points()}
              regression={regression()}
              caption={running() ? t('detail.boundary.live', { n: records().length }) : t('detail.boundary.final')}
            />
          </div>
        </Show>
        <Show when={laterInsights()?.confusion}>
          {(m) => (
            <div class="ss-detail-part">
              <h3>{t('detail.confusion.title')}</h3>
              <ConfusionMatrix matrix={m()} names={names()} />
            </div>
          )}
        </Show>
        {/* On a 2-D set the boundary shows every point's fate; a list of 24 of them adds nothing. */}
        <Show when={!twoD() && (laterInsights()?.samples.length ?? 0) > 0}>
          <div class="ss-detail-part">
            <h3>{t('detail.gallery.title')}</h3>
            <Gallery samples={laterInsights()!.samples} names={names()} imageFile={imageFile()} />
          </div>
        </Show>
        <div class="ss-detail-part">
          <h3 data-testid="detail-history-title">
            {running() ? epochs(lines().length, 'detail.live.one', 'detail.live.other') : epochs(lines().length, 'detail.history.one', 'detail.history.other')}
          </h3>
          <HistoryTable lines={lines()} live={running()} best={shownResult()?.bestEpoch ?? null} ended={shownResult() != null} epochsRun={shownResult()?.epochsRun} regression={regression()} />
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
    const parts = [`${t('detail.fact.loss')} ${formatResult('loss', r().testLoss)}`];
    if (!Number.isNaN(r().testAcc)) parts.push(`${t('detail.fact.acc')} ${formatResult('accuracy', r().testAcc)}`);
    if (!Number.isNaN(r().testMae)) parts.push(`MAE ${formatResult('loss', r().testMae)}`);
    return parts.join(', ');
  };
  return (
    <dl class="ss-detail-facts" data-testid="detail-facts">
      <dt>{t('detail.fact.backend')}</dt>
      <dd data-field="backend">{r().backend}<span class="ss-detail-reason"> — {backendReasonText(r().backendReason, locale())}</span></dd>
      <dt>{t('detail.fact.time')}</dt>
      <dd data-field="time">{formatResult('seconds', r().seconds)} s</dd>
      <dt>{t('detail.fact.samplesPerSec')}</dt>
      <dd data-field="samples_per_s">{formatResult('count', r().samplesPerSec)}</dd>
      <dt>{t('detail.fact.epochsRun')}</dt>
      <dd data-field="epochs_run">{r().epochsRun}{planned() !== null && planned() !== r().epochsRun ? t('detail.fact.of', { n: planned()! }) : ''}</dd>
      <dt>{t('detail.fact.bestEpoch')}</dt>
      <dd data-field="best_epoch">
        {/* A run that diverged inside its first epoch has no best epoch (the engine says 0). */}
        {r().bestEpoch >= 1 ? `${r().bestEpoch}${r().restoredBest ? t('detail.fact.restored') : t('detail.fact.last')}` : t('detail.fact.noBest')}
      </dd>
      <dt>{t('detail.fact.finalLr')}</dt>
      <dd data-field="final_lr">{formatResult('number', r().finalLr)}</dd>
      <dt>{t('detail.fact.test')}</dt>
      <dd data-field="test">{testLine()}</dd>
    </dl>
  );
}

/**
 * `value`, but a new non-null value of the same `owner` (a row that finished) shows from a task
 * after the frame that produced it; null, and the value of another owner (another row selected),
 * show at once.
 */
function lagging<T>(value: Accessor<T | null>, owner: Accessor<string>): Accessor<T | null> {
  const [shown, setShown] = createSignal<T | null>(untrack(value));
  const catchUp = later(() => setShown(() => value()));
  let shownOwner = untrack(owner);
  createEffect(() => {
    const now = value();
    const who = owner();
    if (now === untrack(shown)) catchUp.cancel();
    else if (now === null || who !== shownOwner) { catchUp.cancel(); setShown(() => now); }
    else catchUp.request();
    shownOwner = who;
  });
  onCleanup(() => catchUp.cancel());
  return shown;
}

/** `next`, with each line equal in value to the one at the same place in `prev` replaced by that one. */
function sameLines(prev: readonly HistoryLine[], next: HistoryLine[]): readonly HistoryLine[] {
  let same = prev.length === next.length;
  for (let i = 0; i < next.length && i < prev.length; i++) {
    const a = prev[i]!, b = next[i]!;
    if (a.epoch === b.epoch && Object.is(a.loss, b.loss) && Object.is(a.acc, b.acc) && Object.is(a.valLoss, b.valLoss)
      && Object.is(a.valAcc, b.valAcc) && Object.is(a.lr, b.lr)) next[i] = a;
    else same = false;
  }
  return same ? prev : next;
}
