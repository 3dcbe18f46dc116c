/**
 * The detail panel of a sweep row: which columns sweep and over what values, how many runs it
 * made and how far they are, and each metric as mean ± sd over the finished runs, then the runs
 * themselves. All text goes through JSX text nodes.
 */
import { For, Show } from 'solid-js';
import { INPUT_COLUMNS } from '../engine/columns.ts';
import type { RowState } from '../engine/scheduler/sheet-engine.ts';
import { secondsDigits } from '../engine/format-number.ts';
import { formatSpread } from '../engine/scheduler/sweep-stats.ts';
import { locale, t, tIn } from './i18n/index.ts';
import { statusTextIn } from './engine-text.ts';
import { formatResult } from './renderers.ts';
import { type RowSource, SWEPT_COLUMNS, childLabel, sweepSpreads } from './row-values.ts';

const LABELS = new Map(INPUT_COLUMNS.map((c) => [c.key, c.label]));

/** A column as the grid's header names it in the page's language (Korean showed lr, train loss, test acc, time). */
const headerOf = (key: string): string => tIn(locale(), `col.${key}`) ?? LABELS.get(key) ?? key.replace('_', ' ');

export function SweepDetail(props: { row: RowState; source: RowSource }) {
  const sweep = () => props.row.sweep!;
  const children = () => sweep().children.map(props.source).filter((c): c is RowState => c !== undefined);
  const spreads = () => sweepSpreads(props.row, props.source);
  const metrics = () => Object.entries(SWEPT_COLUMNS).flatMap(([key, m]) => {
    const s = spreads()[m.metric];
    // Time as the grid shows it: to the millisecond for runs under a second.
    return s ? [{ key, spread: formatSpread(s, m.metric === 'seconds' ? secondsDigits(s.mean) : m.digits), n: s.n }] : [];
  });
  return (
    <>
      <header class="ss-detail-head">
        <h2 data-testid="detail-name">{props.row.cells.name?.trim() || props.row.id}</h2>
        <p class="ss-detail-status ss-state-sweep" data-testid="detail-status" data-state="sweep">{statusTextIn(props.row.status, locale())}</p>
        <p data-testid="detail-sweep-summary">
          {t(children().length === 1 ? 'detail.sweep.summary.one' : 'detail.sweep.summary.other', { columns: sweep().swept.map(headerOf).join(' × '), n: children().length })}
        </p>
      </header>
      <div class="ss-detail-body">
        <div class="ss-detail-part">
          <h3>{t('detail.sweep.swept')}</h3>
          <table class="ss-detail-table" data-testid="detail-swept">
            <thead><tr><th scope="col">{t('detail.errors.column')}</th><th scope="col">{t('detail.sweep.cell')}</th><th scope="col">{t('detail.sweep.values')}</th></tr></thead>
            <tbody>
              <For each={sweep().swept}>
                {(key) => (
                  <tr data-testid="detail-swept-column">
                    <td data-field="column">{headerOf(key)}</td>
                    <td data-field="cell">{props.row.cells[key] ?? ''}</td>
                    <td data-field="values">{[...new Set(children().map((c) => c.cells[key] ?? ''))].join(', ')}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <div class="ss-detail-part">
          <h3>{t('detail.sweep.spread')}</h3>
          <Show when={metrics().length > 0} fallback={<p class="ss-detail-note">{t('detail.sweep.noneDone')}</p>}>
            <table class="ss-detail-table" data-testid="detail-spread">
              <thead><tr><th scope="col">{t('detail.sweep.metric')}</th><th scope="col" class="ss-num">{t('detail.sweep.meanSd')}</th><th scope="col" class="ss-num">{t('detail.sweep.runs')}</th></tr></thead>
              <tbody>
                <For each={metrics()}>
                  {(m) => (
                    <tr data-testid="detail-spread-row" data-metric={m.key}>
                      <td data-field="metric">{headerOf(m.key)}</td>
                      <td class="ss-num" data-field="spread">{m.spread}</td>
                      <td class="ss-num" data-field="n">{m.n}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </div>
        <div class="ss-detail-part">
          <h3>{t('detail.sweep.runsTitle')}</h3>
          <table class="ss-detail-table" data-testid="detail-children">
            <thead>
              <tr>
                <th scope="col">{t('detail.sweep.run')}</th><th scope="col">{t('detail.sweep.status')}</th>
                <th scope="col" class="ss-num">{t('detail.sweep.testAcc')}</th><th scope="col" class="ss-num">{t('detail.sweep.testLoss')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={children()}>
                {(c) => (
                  <tr data-testid="detail-child" data-row-id={c.id}>
                    <td>{childLabel(c, props.row)}</td>
                    <td>{statusTextIn(c.status, locale())}</td>
                    <td class="ss-num">{c.result ? formatResult('accuracy', c.result.testAcc) : ''}</td>
                    <td class="ss-num">{c.result ? formatResult('loss', c.result.testLoss) : ''}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
