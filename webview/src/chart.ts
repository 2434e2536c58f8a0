/**
 * The trajectory chart of one run: one uPlot line per solve block, iteration k on x, the chosen metric on a log
 * axis. uPlot draws 10⁵–10⁶ points per frame on canvas, which long runs need; updates are coalesced to one
 * redraw per animation frame however fast batches arrive.
 */
import uPlot from 'uplot';
import type { BlockState, Metric } from './model';
import { num } from './format';
import { axisStyle, logAxis, logScale } from './logAxis';
import { chartTheme, seriesColor } from './theme';

export const METRIC_LABEL: Record<Metric, string> = {
  loss: 'loss 0.5·‖·‖²',
  gradNorm: '‖∇L‖₂',
  stepNorm: '‖step‖₂',
};

export class TrajectoryChart {
  private plot?: uPlot;
  private frame = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly blocks: BlockState[],
    private metric: Metric,
    /** Told, after each redraw, how many points of each block are on screen. */
    private readonly onDrawn: (pointsPerBlock: number[]) => void,
  ) {
    this.create();
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  setMetric(metric: Metric) {
    this.metric = metric;
    this.create();
  }

  /** Rebuilds the chart (after a theme change, or when the blocks or metric change). */
  create() {
    this.plot?.destroy();
    // uPlot draws axis labels on the canvas; the host states the plotted quantity for screen readers and tests.
    this.host.dataset.metric = this.metric;
    this.host.setAttribute('role', 'img');
    this.host.setAttribute('aria-label', `${METRIC_LABEL[this.metric]} against iteration k, log scale`);
    const theme = chartTheme();
    this.plot = new uPlot(
      {
        ...this.size(),
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, y: logScale() },
        axes: [{ ...axisStyle(theme), label: 'iteration k' }, logAxis(theme, METRIC_LABEL[this.metric])],
        series: [
          { label: 'k', value: (_u, v) => (v === null ? '—' : String(v)) },
          ...this.blocks.map((b, i) => ({
            label: `#${b.spec.index + 1} ${b.spec.label}`,
            stroke: seriesColor(theme, i),
            width: 1.5,
            spanGaps: false,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => num(v),
          })),
        ],
      },
      this.data(),
      this.host,
    );
    this.recordDrawn();
  }

  /** Schedules a redraw with the current trajectories. */
  update() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plot?.setData(this.data());
      this.recordDrawn();
    });
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.plot?.destroy();
    this.plot = undefined;
  }

  private size() {
    return { width: Math.max(200, this.host.clientWidth), height: 280 };
  }

  /**
   * Aligned columns for uPlot: x = every k some block kept (thinned trajectories share one grid, so the union stays
   * a few thousand points however long the run), each block's values at its k. A k another block kept but this one
   * did not (its best or last point) is `undefined`, which uPlot joins over; values a log axis cannot show (≤ 0, as
   * the step norm at k = 0; or non-finite) are `null`, a gap, rather than breaking the scale.
   */
  private data(): uPlot.AlignedData {
    const xs = [...new Set(this.blocks.flatMap((b) => b.trajectory.k))].sort((a, b) => a - b);
    const at = new Map(xs.map((k, i) => [k, i]));
    const ys = this.blocks.map((b) => {
      const y: (number | null | undefined)[] = new Array(xs.length).fill(undefined);
      const t = b.trajectory;
      const values = t[this.metric];
      for (let i = 0; i < t.k.length; i++) {
        const v = values[i];
        y[at.get(t.k[i])!] = v > 0 && Number.isFinite(v) ? v : null;
      }
      return y;
    });
    return [xs, ...ys] as uPlot.AlignedData;
  }

  private recordDrawn() {
    this.onDrawn(this.blocks.map((b) => b.trajectory.k.length));
  }
}
