/**
 * One quantity of a solve run against iteration k (linear, or log) or wall time, on a log y axis: one line per solve
 * block, and dashed lines for the blocks of the runs overlaid on it (compare.ts), each block in its own colour in
 * both runs. A card shows several side by side (metricCharts.ts), their cursors and x ranges in step.
 *
 * The log k axis is an asinh scale (linear below 1, logarithmic above), so k = 0 keeps its place at the left edge and
 * the 5–20 steps of Newton or L-BFGS spread over a third of the axis next to gradient descent's thousands. The wall
 * time is each point's `t` (milliseconds since its block started, measured by the solver), in seconds: blocks start
 * at 0 each, so they compare by speed; points without it (results saved before it existed) are left out.
 *
 * DOM hooks: the host's data-metric, data-x-axis ("k", "logk", "time"), data-points (the run's own points on screen,
 * over all blocks), data-overlays (runs overlaid) and data-overlay-points (their points on screen).
 */
import type uPlot from 'uplot';
import { num } from '../../common/format';
import { Chart, legendDash, markersWhenSparse } from './chart';
import type { Overlay } from './compare';
import { asinhAxis, axisStyle, logAxis, logScale } from './logAxis';
import type { BlockState, Metric, XAxis } from './solveModel';
import { lineWidth, seriesColor, type ChartTheme } from './theme';

export const METRIC_LABEL: Record<Metric, string> = {
  loss: 'loss 0.5·‖·‖²',
  gradNorm: '‖∇L‖₂',
  stepNorm: '‖step‖₂',
  stepSize: 'step size',
};

export const X_AXIS_LABEL: Record<XAxis, string> = {
  k: 'iteration k',
  logk: 'iteration k (log)',
  time: 'wall time (s)',
};

/** Dashes of the overlaid runs, by their order: none is solid, the run's own lines are. */
const OVERLAY_DASH = [
  [6, 4],
  [2, 3],
  [10, 3, 2, 3],
];

/** The cursor events shared by a card's charts. */
const SYNCED = new Set(['mousemove', 'mouseleave', 'mouseenter', 'setSeries']);

/** What a trajectory chart draws, read at every draw. */
export interface TrajectoryView {
  blocks: BlockState[];
  overlays(): Overlay[];
  xAxis(): XAxis;
  /** The cursor sync key of the card's charts. */
  sync: string;
}

export class TrajectoryChart extends Chart {
  /** Own and overlaid points on screen after the last data(). */
  private counts = { own: 0, overlay: 0, perBlock: [] as number[] };

  constructor(
    host: HTMLElement,
    private readonly view: TrajectoryView,
    readonly metric: Metric,
    /** Told, after each draw, how many points of each block are on screen. */
    private readonly onDrawn: (pointsPerBlock: number[]) => void,
    height: number,
  ) {
    super(host, height);
    this.create();
  }

  protected options(theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
    const xAxis = this.view.xAxis();
    const overlays = this.view.overlays();
    // uPlot draws axis labels on the canvas; the host states the plotted quantity for screen readers and tests.
    this.host.dataset.metric = this.metric;
    this.host.dataset.xAxis = xAxis;
    this.host.dataset.overlays = String(overlays.length);
    this.host.setAttribute(
      'aria-label',
      `${METRIC_LABEL[this.metric]} against ${X_AXIS_LABEL[xAxis]}, log scale${overlays.length ? `, with ${overlays.length} other run${overlays.length > 1 ? 's' : ''} dashed` : ''}`,
    );
    const line = (label: string, color: number, width: number, dash?: number[]): uPlot.Series => ({
      label,
      stroke: seriesColor(theme, color),
      width: lineWidth(theme, width),
      ...(dash ? { dash } : {}),
      spanGaps: false,
      points: markersWhenSparse(theme),
      value: (_u: uPlot, v: number | null) => num(v),
    });
    return {
      legend: { live: true, markers: { dash: (u, i) => legendDash(u.series[i].dash) } },
      cursor: {
        drag: { x: true, y: false },
        // The cursor and the legend's toggles move the other charts of the card; a drag zooms here, then shares the x
        // range (chartZoom.ts), so the drag's own events stay here.
        sync: { key: this.view.sync, setSeries: true, filters: { pub: (type) => SYNCED.has(type), sub: () => true } },
      },
      scales: { x: xScale(xAxis), y: logScale() },
      axes: [
        xAxis === 'logk' ? asinhAxis(theme, X_AXIS_LABEL.logk) : { ...axisStyle(theme), label: X_AXIS_LABEL[xAxis] },
        logAxis(theme, METRIC_LABEL[this.metric]),
      ],
      series: [
        { label: xAxis === 'time' ? 's' : 'k', value: (_u, v) => (v === null ? '—' : String(v)) },
        ...this.view.blocks.map((b, i) => line(`#${b.spec.index + 1} ${b.spec.label}`, i, 1.5)),
        ...overlays.flatMap((o, j) =>
          o.run.state.blocks.map((b, i) =>
            line(
              `${o.name}${o.pinned ? ' (baseline)' : ''}: #${b.spec.index + 1} ${b.spec.label}`,
              i,
              1.25,
              OVERLAY_DASH[j % OVERLAY_DASH.length],
            ),
          ),
        ),
      ],
    };
  }

  /**
   * Aligned columns for uPlot: x = every x some line has (thinned trajectories share one grid of k, so the union stays
   * a few thousand points however long the run), each line's values at its x. An x another line has but this one not
   * is `undefined`, which uPlot joins over; values a log axis cannot show (≤ 0, as the step norm at k = 0; or
   * non-finite) are `null`, a gap, rather than breaking the scale.
   */
  protected data(): uPlot.AlignedData {
    const time = this.view.xAxis() === 'time';
    const overlays = this.view.overlays();
    const lines = [...this.view.blocks, ...overlays.flatMap((o) => o.run.state.blocks)].map((b) => {
      const t = b.trajectory;
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < t.k.length; i++) {
        const x = time ? t.t[i] / 1000 : t.k[i];
        if (!Number.isFinite(x)) continue;
        xs.push(x);
        ys.push(t[this.metric][i]);
      }
      return { xs, ys };
    });
    const own = this.view.blocks.length;
    this.counts = {
      own: lines.slice(0, own).reduce((n, l) => n + l.xs.length, 0),
      overlay: lines.slice(own).reduce((n, l) => n + l.xs.length, 0),
      perBlock: lines.slice(0, own).map((l) => l.xs.length),
    };
    const xs = [...new Set(lines.flatMap((l) => l.xs))].sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const columns = lines.map(({ xs: lx, ys }) => {
      const y: (number | null | undefined)[] = new Array(xs.length).fill(undefined);
      for (let i = 0; i < lx.length; i++) {
        const v = ys[i];
        y[at.get(lx[i])!] = v > 0 && Number.isFinite(v) ? v : null;
      }
      return y;
    });
    return [xs, ...columns] as uPlot.AlignedData;
  }

  protected drawnPoints(): number {
    return this.counts.own;
  }

  protected override drawn() {
    this.host.dataset.overlayPoints = String(this.counts.overlay);
    this.onDrawn(this.counts.perBlock);
  }
}

/** The x scale: linear k, asinh k (k = 0 stays on the axis), or linear seconds. */
function xScale(xAxis: XAxis): uPlot.Scale {
  if (xAxis !== 'logk') return { time: false };
  return {
    time: false,
    distr: 4,
    asinh: 1,
    log: 10,
    range: (_u, min, max) => (min === null || max === null ? [0, 1] : [min, max > min ? max : min + 1]),
  };
}
