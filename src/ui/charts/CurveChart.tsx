/**
 * One learning curve chart (loss or accuracy): training against validation, per epoch. The uPlot
 * instance is made once (again only when the language changes its labels) and fed new epochs
 * with setData, so a live row costs one small redraw per epoch.
 */
import { createEffect, on, onCleanup, onMount, untrack } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { locale, t } from '../i18n/index.ts';
import { CURVE_COLORS } from './boundary-draw.ts';
import { EPOCH_TICK_STEPS, tickLabels } from './curve-data.ts';
import { later, onScreen } from '../compare/later.ts';
import { timed } from '../compare/timings.ts';

/**
 * Validation is drawn dashed, as in the grid's sparklines. Lines are 1 px: without a GPU the
 * canvas is rasterized on the main thread, and Skia draws a 1 px line on its hairline path, a
 * wider one as a polygon (two curves of 500 epochs: 3.8 ms at 2 px, 1.0 ms at 1 px).
 */
const { train: TRAIN_COLOR, val: VAL_COLOR } = CURVE_COLORS;

export function CurveChart(props: {
  title: string;
  data: uPlot.AlignedData;
  /** Whether the run has a validation split: without one the legend leaves it out. */
  validation: boolean;
  /** A log axis, for losses that span decades. */
  log?: boolean;
  unitRange?: boolean;
  testid: string;
}) {
  let host!: HTMLDivElement;
  let figure!: HTMLElement;
  let plot: uPlot | null = null;
  // An update's main-thread time, setData's own plus its redraw's (uPlot redraws in a microtask),
  // is recorded as the duration of an 'ss-chart-update' measure; the browser test reads them.
  let updating = false;
  let setDataMs = 0;
  let drawStart = 0;
  const make = () => {
    plot?.destroy();
    plot = new uPlot({
      width: 340, height: 190,
      scales: {
        // At least two epochs wide, so a single point is not a degenerate range.
        x: { time: false, range: (_u, _min, max) => [1, Math.max(2, max ?? 2)] },
        y: props.unitRange ? { range: [0, 1] } : untrack(() => props.log) ? { distr: 3 } : {},
      },
      axes: [{ label: t('detail.curves.epoch'), size: 36, labelSize: 18, incrs: EPOCH_TICK_STEPS }, { size: 48, values: tickLabels }],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      hooks: {
        drawClear: [() => { drawStart = performance.now(); }],
        draw: [() => {
          if (!updating) return;
          updating = false;
          const drawMs = performance.now() - drawStart;
          performance.measure('ss-chart-update', { start: drawStart - setDataMs, duration: setDataMs + drawMs });
        }],
      },
      series: [
        {},
        { label: t('detail.curves.train'), stroke: TRAIN_COLOR, width: 1, spanGaps: false },
        ...(untrack(() => props.validation) ? [{ label: t('detail.curves.val'), stroke: VAL_COLOR, width: 1, dash: [6, 4], spanGaps: false }] : []),
      ],
    }, untrack(() => (props.validation ? props.data : [props.data[0], props.data[1]!])), host);
  };
  // The data the plot shows: a chart scrolled out of sight skips its redraws and catches up when
  // it comes back (with the grid on screen, the detail's live curves below it cost frames for nothing).
  let shown: uPlot.AlignedData | null = null;
  // Made again only when what the chart is made of changes: the language, the series, the axis.
  // data-epochs on the figure: how many epochs the plot shows (tests read it).
  const showing = (d: uPlot.AlignedData) => {
    shown = d;
    figure.dataset.epochs = String(d[0].length);
  };
  const remake = () => {
    make();
    showing(untrack(() => props.data));
  };
  // A loss axis turning logarithmic (the loss fell by two decades) rebuilds the plot: a new uPlot
  // costs several milliseconds (DOM, a forced style recalc, the first draw), so in a task after
  // the frame; meanwhile the old plot goes on taking the data. The first plot, a language switch
  // and a change of series are made at once.
  const rebuild = later(() => timed('detail-curves-rebuild', remake));
  let made: [string, boolean] | null = null;
  createEffect(on([locale, () => props.validation, () => props.log], ([lang, validation]) => {
    const onlyAxis = made !== null && made[0] === lang && made[1] === validation;
    made = [lang, validation];
    if (onlyAxis) rebuild.request();
    else { rebuild.cancel(); remake(); }
  }));
  onCleanup(() => rebuild.cancel());
  onMount(() => {
    const seen = onScreen(host);
    createEffect(on([() => props.data, seen], ([d, visible]) => {
      if (!plot || !visible || d === shown) return;
      showing(d);
      const t0 = performance.now();
      updating = true;
      setDataMs = 0;
      plot.setData(props.validation ? d : [d[0], d[1]!]);
      if (updating) setDataMs = performance.now() - t0;
    }, { defer: true }));
  });
  onCleanup(() => plot?.destroy());
  return (
    <figure ref={figure} class="ss-chart" data-testid={props.testid}>
      <figcaption>{props.title}</figcaption>
      <div ref={host} class="ss-chart-plot" />
    </figure>
  );
}
