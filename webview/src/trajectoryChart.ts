/**
 * The trajectory chart of a solve run: one line per solve block, iteration k on x, the chosen metric on a log axis.
 * The host's data-points counts the points on screen over all blocks; `onDrawn` gets them per block.
 */
import type uPlot from 'uplot';
import { num } from '../../common/format';
import { Chart, markersWhenSparse } from './chart';
import { axisStyle, logAxis, logScale } from './logAxis';
import type { BlockState, Metric } from './solveModel';
import { lineWidth, seriesColor, type ChartTheme } from './theme';

export const METRIC_LABEL: Record<Metric, string> = {
  loss: 'loss 0.5·‖·‖²',
  gradNorm: '‖∇L‖₂',
  stepNorm: '‖step‖₂',
};

export class TrajectoryChart extends Chart {
  constructor(
    host: HTMLElement,
    private readonly blocks: BlockState[],
    private metric: Metric,
    /** Told, after each draw, how many points of each block are on screen. */
    private readonly onDrawn: (pointsPerBlock: number[]) => void,
  ) {
    super(host, 280);
    this.create();
  }

  setMetric(metric: Metric) {
    this.metric = metric;
    this.create();
  }

  protected options(theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
    // uPlot draws axis labels on the canvas; the host states the plotted quantity for screen readers and tests.
    this.host.dataset.metric = this.metric;
    this.host.setAttribute('aria-label', `${METRIC_LABEL[this.metric]} against iteration k, log scale`);
    return {
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: logScale() },
      axes: [{ ...axisStyle(theme), label: 'iteration k' }, logAxis(theme, METRIC_LABEL[this.metric])],
      series: [
        { label: 'k', value: (_u, v) => (v === null ? '—' : String(v)) },
        ...this.blocks.map((b, i) => ({
          label: `#${b.spec.index + 1} ${b.spec.label}`,
          stroke: seriesColor(theme, i),
          width: lineWidth(theme, 1.5),
          spanGaps: false,
          points: markersWhenSparse(theme),
          value: (_u: uPlot, v: number | null) => num(v),
        })),
      ],
    };
  }

  /**
   * Aligned columns for uPlot: x = every k some block kept (thinned trajectories share one grid, so the union stays
   * a few thousand points however long the run), each block's values at its k. A k another block kept but this one
   * did not (its best or last point) is `undefined`, which uPlot joins over; values a log axis cannot show (≤ 0, as
   * the step norm at k = 0; or non-finite) are `null`, a gap, rather than breaking the scale.
   */
  protected data(): uPlot.AlignedData {
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

  protected drawnPoints(): number {
    return this.blocks.reduce((n, b) => n + b.trajectory.k.length, 0);
  }

  protected override drawn() {
    this.onDrawn(this.blocks.map((b) => b.trajectory.k.length));
  }
}
