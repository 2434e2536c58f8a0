/**
 * The trajectory chart of one run: one uPlot line per solve block, iteration k on x, the chosen metric on a log
 * axis. uPlot draws 10⁵–10⁶ points per frame on canvas, which long runs need; updates are coalesced to one
 * redraw per animation frame however fast batches arrive.
 */
import uPlot from 'uplot';
import type { BlockState, Metric } from './model';
import { num } from './format';
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
    const axis = { stroke: theme.foreground, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } };
    this.plot = new uPlot(
      {
        ...this.size(),
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, y: { distr: 3, log: 10, range: (_u, min, max) => decadeRange(min, max) } },
        axes: [
          { ...axis, label: 'iteration k' },
          { ...axis, label: METRIC_LABEL[this.metric], size: 70, splits: (_u, _i, min, max) => decadeSplits(min, max), filter: (_u, splits) => splits, values: (_u, vals) => vals.map(decadeLabel) },
        ],
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
   * Aligned columns for uPlot: x = 0…max k; each block's values at their k. Values that a log axis cannot show
   * (≤ 0, as the step norm at k = 0; or non-finite) become gaps rather than breaking the scale.
   */
  private data(): uPlot.AlignedData {
    const maxK = Math.max(0, ...this.blocks.map((b) => b.trajectory.k[b.trajectory.k.length - 1] ?? 0));
    const xs = Array.from({ length: maxK + 1 }, (_, i) => i);
    const ys = this.blocks.map((b) => {
      const y: (number | null)[] = new Array(maxK + 1).fill(null);
      const t = b.trajectory;
      const values = t[this.metric];
      for (let i = 0; i < t.k.length; i++) {
        const v = values[i];
        if (v > 0 && Number.isFinite(v)) y[t.k[i]] = v;
      }
      return y;
    });
    return [xs, ...ys];
  }

  private recordDrawn() {
    this.onDrawn(this.blocks.map((b) => b.trajectory.k.length));
  }
}

/**
 * Whole decades around the data. Our own, because uPlot's log ranges and splits break (RangeError) on values
 * below about 1e-16, and losses here reach 1e-30 (Newton at the planted solution).
 */
export function decadeRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [0.1, 10];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  return [10 ** lo, 10 ** hi];
}

/** 0.001 … 1000 in plain digits, other decades as 1e−12. */
function decadeLabel(v: number): string {
  const e = Math.round(Math.log10(v));
  return e >= -3 && e <= 3 ? String(Number(`1e${e}`)) : `1e${e < 0 ? '−' : ''}${Math.abs(e)}`;
}

/** One tick per decade, thinned to at most 8 labels (every 2nd, 5th, 10th… decade). */
export function decadeSplits(min: number, max: number): number[] {
  const lo = Math.round(Math.log10(min));
  const hi = Math.round(Math.log10(max));
  const span = Math.max(1, hi - lo);
  const every = [1, 2, 5, 10, 20, 50].find((e) => span / e <= 8) ?? 100;
  const out: number[] = [];
  for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) out.push(Number(`1e${e}`));
  return out;
}

