/**
 * The decision boundary of a 2-D row as a heatmap under its training points, replaced whenever a
 * new boundary arrives (each throttled epoch while training, then the final one).
 *
 * The heatmap is an <img> of a tiny BMP (boundary-bmp.ts) scaled up with smoothing, the points an
 * SVG over it: no canvas. Chromium composites every canvas as a layer of its own and hands its
 * pixels over at each commit; with the live detail open that was ~2.7 ms of every frame's commit
 * (bench:charts --live-detail).
 */
import { For, Show, createMemo } from 'solid-js';
import type { Boundary } from '../../engine/job.ts';
import { boundaryDataUrl } from '../boundary-bmp.ts';
import { t } from '../i18n/index.ts';
import { type BoundaryPoint, classColor } from './boundary-draw.ts';
import { pointPaths } from './boundary-points.ts';
import './charts.css';

const CSS_SIZE = 260;
const RADIUS = 2.6;

/** `regression`: the colours are the sign and size of one predicted number, not classes (insights.ts computeBoundary). */
export function BoundaryView(props: { boundary: Boundary | null; points: readonly BoundaryPoint[]; caption: string; regression?: boolean }) {
  const image = createMemo(() => {
    const b = props.boundary;
    if (!b) return null;
    const t0 = performance.now();
    const url = boundaryDataUrl(b);
    performance.measure('ss-boundary-draw', { start: t0 });
    return url;
  });
  // The extent is the dataset's, the same for every boundary of a row: compared by value so a new
  // boundary does not rebuild the points.
  const extent = createMemo(() => props.boundary?.extent ?? null, null, {
    equals: (a, b) => a === b || (a !== null && b !== null && a.every((v, i) => v === b[i])),
  });
  const paths = createMemo(() => {
    const e = extent();
    return e ? [...pointPaths(props.points, e, CSS_SIZE, RADIUS)] : [];
  });
  return (
    <figure class="ss-chart ss-boundary" data-testid="detail-boundary" data-drawn={image() ? 'yes' : 'no'}>
      <figcaption>{props.caption}</figcaption>
      <div class="ss-boundary-view" style={{ width: `${CSS_SIZE}px`, height: `${CSS_SIZE}px`, visibility: image() ? 'visible' : 'hidden' }}>
        <img class="ss-boundary-image" src={image() ?? undefined} alt="" width={CSS_SIZE} height={CSS_SIZE} draggable={false} />
        <svg class="ss-boundary-points" viewBox={`0 0 ${CSS_SIZE} ${CSS_SIZE}`} width={CSS_SIZE} height={CSS_SIZE} aria-hidden="true">
          <For each={paths()}>{([k, d]) => <path d={d} fill={classColor(k)} stroke="#ffffff" stroke-width={RADIUS / 3} />}</For>
        </svg>
      </div>
      <Show when={!props.boundary}>
        <p class="ss-detail-note">{t('detail.boundary.waiting')}</p>
      </Show>
      <p class="ss-detail-note ss-chart-hint" data-testid="detail-boundary-hint">{t(props.regression ? 'detail.boundary.hintRegression' : 'detail.boundary.hint')}</p>
    </figure>
  );
}
