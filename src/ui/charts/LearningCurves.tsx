/** The row's learning curves: loss, and accuracy when the task has one, live while it trains. */
import { Show, createMemo } from 'solid-js';
import type { EpochRecord } from '../../engine/job.ts';
import { t } from '../i18n/index.ts';
import { CurveChart } from './CurveChart.tsx';
import { curveData, hasValues, sameData, wantsLogScale } from './curve-data.ts';

export function LearningCurves(props: { records: readonly EpochRecord[]; classification: boolean }) {
  // New arrays only when an epoch is added, compared by value: when the run finishes, its result's
  // history (the same numbers as the live epochs) redraws nothing.
  const loss = createMemo(() => curveData(props.records, 'loss'), undefined, { equals: sameData });
  const acc = createMemo(() => curveData(props.records, 'acc'), undefined, { equals: sameData });
  const validation = createMemo(() => hasValues(props.records, 'valLoss'));
  const log = createMemo(() => wantsLogScale(props.records));
  return (
    <div class="ss-curves" data-testid="detail-curves" data-epochs={props.records.length}>
      <CurveChart title={t('detail.curves.loss')} data={loss()} validation={validation()} log={log()} testid="detail-curve-loss" />
      <Show when={props.classification || hasValues(props.records, 'acc')}>
        <CurveChart title={t('detail.curves.acc')} data={acc()} validation={validation()} unitRange testid="detail-curve-acc" />
      </Show>
      <p class="ss-detail-note ss-chart-hint">{t(validation() ? 'detail.curves.hint' : 'detail.curves.noValidation')}</p>
    </div>
  );
}
