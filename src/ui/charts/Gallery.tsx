/**
 * Test predictions, wrong ones first (the notes' show_images): for image datasets each sample is
 * drawn from the prepared file's test split with its predicted and true labels; for other
 * datasets the same samples are a table.
 */
import { For, Match, Switch, createResource } from 'solid-js';
import type { DatasetFileName } from '../../engine/data/files.ts';
import type { SamplePrediction } from '../../engine/job.ts';
import { t } from '../i18n/index.ts';
import { drawGrey, loadTestImages } from './test-images.ts';
import './charts.css';

export function Gallery(props: { samples: readonly SamplePrediction[]; names: readonly string[]; imageFile: DatasetFileName | null }) {
  const name = (k: number) => props.names[k] ?? String(k);
  const wrong = () => props.samples.filter((s) => s.label !== s.predicted).length;
  return (
    <div class="ss-gallery-part" data-testid="detail-gallery">
      <p class="ss-detail-note" data-testid="detail-gallery-summary">{t('detail.gallery.summary', { wrong: wrong(), n: props.samples.length })}</p>
      <Switch>
        <Match when={props.imageFile}>{(file) => <Images samples={props.samples} name={name} file={file()} />}</Match>
        <Match when={!props.imageFile}>
          <table class="ss-detail-table">
            <thead>
              <tr>
                <th scope="col" class="ss-num">{t('detail.gallery.index')}</th><th scope="col">{t('detail.gallery.trueToPredicted')}</th>
                <th scope="col" class="ss-num">{t('detail.gallery.confidence')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.samples}>
                {(s) => (
                  <tr data-testid="detail-sample" data-wrong={s.label !== s.predicted ? 'yes' : 'no'} data-index={s.index} classList={{ 'ss-sample-wrong': s.label !== s.predicted }}>
                    <td class="ss-num">{s.index}</td>
                    <td>{name(s.label)} → {name(s.predicted)}</td>
                    <td class="ss-num">{s.confidence.toFixed(2)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Match>
      </Switch>
    </div>
  );
}

function Images(props: { samples: readonly SamplePrediction[]; name: (k: number) => string; file: DatasetFileName }) {
  const [loaded] = createResource(() => ({ file: props.file, indices: props.samples.map((s) => s.index) }), (q) => loadTestImages(q.file, q.indices));
  return (
    <Switch>
      <Match when={loaded.loading && !loaded.latest}><p class="ss-detail-note">{t('detail.gallery.loading')}</p></Match>
      <Match when={loaded.latest && !loaded.latest.ok ? loaded.latest : null}>
        {(r) => <p class="ss-detail-note" data-testid="detail-gallery-error">{t('detail.gallery.failed', { error: (r() as { error: string }).error })}</p>}
      </Match>
      <Match when={loaded.latest?.ok ? loaded.latest.value : null}>
        {(img) => (
          <div class="ss-gallery">
            <For each={props.samples}>
              {(s, i) => {
                const wrong = s.label !== s.predicted;
                return (
                  <figure class="ss-sample" classList={{ 'ss-sample-wrong': wrong }} data-testid="detail-sample" data-wrong={wrong ? 'yes' : 'no'} data-index={s.index}>
                    <canvas ref={(c) => { const px = img().pixels[i()]; if (px) drawGrey(c, img().width, img().height, px); }} class="ss-sample-image" />
                    <figcaption>
                      <span class="ss-sample-predicted">{t('detail.gallery.predicted', { label: props.name(s.predicted) })}</span>
                      <span class="ss-sample-confidence"> ({s.confidence.toFixed(2)})</span>
                      <br />
                      <span class="ss-sample-true">{t('detail.gallery.true', { label: props.name(s.label) })}</span>
                    </figcaption>
                  </figure>
                );
              }}
            </For>
          </div>
        )}
      </Match>
    </Switch>
  );
}
