/**
 * The confusion matrix on the test set as a table: rows are the true classes, columns the
 * predicted ones, each cell shaded by its share of the row (green on the diagonal, red off it).
 */
import { For } from 'solid-js';
import { t } from '../i18n/index.ts';
import { formatResult } from '../renderers.ts';
import './charts.css';

export function ConfusionMatrix(props: { matrix: readonly (readonly number[])[]; names: readonly string[] }) {
  const name = (k: number) => props.names[k] ?? String(k);
  const total = () => props.matrix.reduce((a, r) => a + r.reduce((s, v) => s + v, 0), 0);
  const right = () => props.matrix.reduce((a, r, i) => a + (r[i] ?? 0), 0);
  const shade = (v: number, rowSum: number, diagonal: boolean) => {
    const share = rowSum > 0 ? v / rowSum : 0;
    return v === 0 ? 'transparent' : diagonal ? `rgba(22, 163, 74, ${0.12 + 0.6 * share})` : `rgba(220, 38, 38, ${0.12 + 0.6 * share})`;
  };
  return (
    <table class="ss-detail-table ss-confusion" data-testid="detail-confusion" data-total={total()}>
      {/* Counts grouped as the run facts' are (10,000 test samples, not 10000). */}
      <caption data-testid="detail-confusion-total">{t('detail.confusion.total', { n: formatResult('count', total()), right: formatResult('count', right()) })}</caption>
      <thead>
        <tr>
          <th scope="col" class="ss-confusion-corner">{t('detail.confusion.true')}</th>
          <For each={props.matrix}>{(_, j) => <th scope="col" class="ss-num" title={name(j())}>{name(j())}</th>}</For>
        </tr>
      </thead>
      <tbody>
        <For each={props.matrix}>
          {(row, i) => {
            const sum = () => row.reduce((s, v) => s + v, 0);
            return (
              <tr>
                <th scope="row">{name(i())}</th>
                <For each={row}>
                  {(v, j) => (
                    <td class="ss-num ss-confusion-cell" data-count={v} data-true={i()} data-predicted={j()} style={{ background: shade(v, sum(), i() === j()) }}>
                      {v}
                    </td>
                  )}
                </For>
              </tr>
            );
          }}
        </For>
      </tbody>
    </table>
  );
}
