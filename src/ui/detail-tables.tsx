/**
 * The tables of the row detail panel: the model summary (Keras' model.summary() layout), the
 * cell errors of an invalid row, and the per-epoch history. All text goes through JSX text
 * nodes, never markup, and every label through the i18n module.
 */
import { For, Show, createMemo, createSignal } from 'solid-js';
import type { CellError } from '../engine/errors.ts';
import type { EpochRecord } from '../engine/job.ts';
import type { ModelSummary } from '../engine/model-shape.ts';
import { locale, t } from './i18n/index.ts';
import { cellErrorExpected, cellErrorMessage, columnName, layerNameText } from './engine-text.ts';
import { formatResult } from './renderers.ts';

const count = (n: number) => formatResult('count', n);

/** Output shape as the notes write it: 28x28x16, or 16 for a flat layer. */
export function shapeText(shape: readonly number[]): string {
  return shape.join('x');
}

export function ModelSummaryTable(props: { summary: ModelSummary; input: readonly number[] }) {
  return (
    <table class="ss-detail-table" data-testid="detail-layers">
      <caption>{t('detail.layers.input', { shape: shapeText(props.input) })}</caption>
      <thead>
        <tr>
          <th scope="col">#</th><th scope="col">{t('detail.layers.layer')}</th><th scope="col">{t('detail.layers.output')}</th>
          <th scope="col" class="ss-num">{t('detail.layers.params')}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.summary.layers}>
          {(layer) => (
            <tr data-testid="detail-layer">
              <td class="ss-num">{layer.index}</td>
              <td>{layerNameText(layer.name, locale())}</td>
              <td>{shapeText(layer.outputShape)}</td>
              <td class="ss-num" data-field="params">{count(layer.params)}</td>
            </tr>
          )}
        </For>
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>{t('detail.layers.total')}</th>
          <td class="ss-num" data-testid="detail-total">{count(props.summary.totalParams)}</td>
        </tr>
      </tfoot>
    </table>
  );
}

export function CellErrorTable(props: { errors: readonly CellError[] }) {
  return (
    <table class="ss-detail-table ss-detail-errors" data-testid="detail-errors">
      <caption>{t('detail.errors.caption')}</caption>
      <thead>
        <tr><th scope="col">{t('detail.errors.column')}</th><th scope="col">{t('detail.errors.problem')}</th><th scope="col">{t('detail.errors.expected')}</th></tr>
      </thead>
      <tbody>
        <For each={props.errors}>
          {(e) => (
            <tr data-testid="detail-error">
              <td data-field="column">{columnName(e.column, locale())}</td>
              <td data-field="message">{cellErrorMessage(e, locale())}</td>
              <td data-field="expected">{cellErrorExpected(e, locale())}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}

/** One line of the history table. */
export interface HistoryLine {
  readonly epoch: number;
  readonly loss: number;
  readonly acc: number;
  readonly valLoss: number;
  readonly valAcc: number;
  readonly lr: number;
}

export function historyLines(history: readonly EpochRecord[]): HistoryLine[] {
  return history.map((h, i) => ({ epoch: i + 1, ...h }));
}

/** A history line's height in CSS pixels: styles.css gives each row exactly this height. */
export const HISTORY_ROW_PX = 22;
/** The scroller's height (styles.css .ss-detail-scroll max-height), in rows. */
const VISIBLE_ROWS = Math.ceil(260 / HISTORY_ROW_PX) + 1;
/** Rows kept beyond each edge of the scroller, so a scroll shows rows before the next update. */
const OVERSCAN = 20;

/**
 * Per-epoch numbers; NaN (no validation split, not known yet) is a blank cell.
 *
 * Only the lines near the scroller's view are in the DOM, between two spacer rows: a run of
 * hundreds of epochs otherwise costs a repaint of every line each time an epoch is appended
 * (bench:charts --live-detail: paint 6.8 -> 3.7 ms per frame with 10 lines instead of 300).
 * `data-epochs` on the table says how many lines there are in all.
 */
/**
 * `ended`: the lines are a finished run's (with none, the run stopped inside its first epoch, or,
 * when it ran `epochsRun` epochs, a saved sheet too large kept its numbers but not its curves).
 * `regression`: no accuracy columns (a regression run has none: they were two empty columns).
 */
export function HistoryTable(props: { lines: readonly HistoryLine[]; live: boolean; best: number | null; ended?: boolean; epochsRun?: number; regression?: boolean }) {
  const [top, setTop] = createSignal(0);
  const first = createMemo(() => Math.min(props.lines.length, Math.max(0, Math.floor(top() / HISTORY_ROW_PX) - OVERSCAN)));
  const last = createMemo(() => Math.min(props.lines.length, Math.floor(top() / HISTORY_ROW_PX) + VISIBLE_ROWS + OVERSCAN));
  const shown = createMemo(() => props.lines.slice(first(), last()));
  const spacer = (rows: number) => (
    <Show when={rows > 0}>
      <tr class="ss-history-spacer" aria-hidden="true" style={{ height: `${rows * HISTORY_ROW_PX}px` }}><td colSpan={props.regression ? 4 : 6} /></tr>
    </Show>
  );
  return (
    <div class="ss-detail-scroll" onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
      <table class="ss-detail-table ss-detail-history" data-testid="detail-history" data-live={props.live ? 'yes' : 'no'} data-epochs={props.lines.length}>
        <thead>
          <tr>
            <th scope="col" class="ss-num">{t('detail.col.epoch')}</th><th scope="col" class="ss-num">{t('detail.col.loss')}</th>
            <Show when={!props.regression}><th scope="col" class="ss-num">{t('detail.col.acc')}</th></Show>
            <th scope="col" class="ss-num">{t('detail.col.valLoss')}</th>
            <Show when={!props.regression}><th scope="col" class="ss-num">{t('detail.col.valAcc')}</th></Show>
            <th scope="col" class="ss-num">{t('detail.col.lr')}</th>
          </tr>
        </thead>
        <tbody>
          {spacer(first())}
          <For each={shown()}>
            {(h) => (
              <tr data-testid="detail-epoch" data-epoch={h.epoch} classList={{ 'ss-best': h.epoch === props.best }}>
                <td class="ss-num">{h.epoch}</td>
                <td class="ss-num">{formatResult('loss', h.loss)}</td>
                <Show when={!props.regression}><td class="ss-num">{formatResult('accuracy', h.acc)}</td></Show>
                <td class="ss-num">{formatResult('loss', h.valLoss)}</td>
                <Show when={!props.regression}><td class="ss-num">{formatResult('accuracy', h.valAcc)}</td></Show>
                <td class="ss-num">{formatResult('number', h.lr)}</td>
              </tr>
            )}
          </For>
          {spacer(props.lines.length - last())}
        </tbody>
      </table>
      <Show when={props.lines.length === 0}>
        <p class="ss-detail-note" data-testid="detail-no-epoch">
          {props.ended && (props.epochsRun ?? 0) > 0 ? t('detail.curvesNotKept', { n: props.epochsRun! }) : t(props.ended ? 'detail.noEpochEnded' : 'detail.noEpoch')}
        </p>
      </Show>
    </div>
  );
}
