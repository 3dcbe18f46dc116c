/**
 * The decision boundary of a 2-D row as a heatmap under its training points, redrawn whenever a
 * new boundary arrives (each throttled epoch while training, then the final one).
 */
import { Show, createEffect } from 'solid-js';
import type { Boundary } from '../../engine/job.ts';
import { t } from '../i18n/index.ts';
import { type BoundaryPoint, drawBoundary } from './boundary-draw.ts';
import './charts.css';

const CSS_SIZE = 260;

export function BoundaryView(props: { boundary: Boundary | null; points: readonly BoundaryPoint[]; caption: string }) {
  let canvas!: HTMLCanvasElement;
  createEffect(() => {
    const b = props.boundary;
    if (!b) return;
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const px = Math.round(CSS_SIZE * dpr);
    if (canvas.width !== px) {
      canvas.width = px;
      canvas.height = px;
    }
    const t0 = performance.now();
    drawBoundary(canvas, b, props.points, { radius: 2.6 * dpr });
    performance.measure('ss-boundary-draw', { start: t0 });
  });
  return (
    <figure class="ss-chart ss-boundary" data-testid="detail-boundary" data-drawn={props.boundary ? 'yes' : 'no'}>
      <figcaption>{props.caption}</figcaption>
      <canvas ref={canvas} class="ss-boundary-canvas" style={{ width: `${CSS_SIZE}px`, height: `${CSS_SIZE}px`, visibility: props.boundary ? 'visible' : 'hidden' }} />
      <Show when={!props.boundary}>
        <p class="ss-detail-note">{t('detail.boundary.waiting')}</p>
      </Show>
      <p class="ss-detail-note ss-chart-hint">{t('detail.boundary.hint')}</p>
    </figure>
  );
}
