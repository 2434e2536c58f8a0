/**
 * A sweep's figure: per value of the swept setting (x; log when the values span 10× or more), each series' mean with
 * an error bar of ± its std (y, linear), the server's numbers as they are. uPlot provides the scales, axes, legend and
 * cursor; the series themselves are drawn by a `draw` hook, because the three series often lie within one bar of each
 * other at a value: each is shifted sideways by a few pixels (dodged) so every bar stays visible, and each has its
 * own marker shape (circle, square, diamond) and line dash, so they differ in more than colour. A point drawn hollow
 * is not final (its experiment is still running, or was cut short).
 *
 * DOM hooks for tests and tools, on the host: data-series (keys in legend order), data-x-scale ("log" | "linear"),
 * data-points (values with a drawn mean of the first series) and data-bars, a JSON list of every drawn error bar
 * {series, value, x, top, mid, bottom, hollow} in CSS pixels from the canvas' top left corner (top = mean + std).
 */
import uPlot from 'uplot';
import { meanStdText } from '../../common/format';
import { Chart, legendDash } from './chart';
import type { FigureMark } from './export/figure';
import type { MeanStdColumn } from './bandChart';
import { axisStyle } from './logAxis';
import { lineWidth, seriesColor, type ChartTheme } from './theme';

export type Marker = 'circle' | 'square' | 'diamond';

export interface SweepSeries {
  key: string;
  label: string;
  /** Index into the theme's series colours. */
  color: number;
  dash?: readonly number[];
  marker: Marker;
}

export interface SweepChartData {
  /** Per series (in `series` order), per point in the sweep's order. */
  columns: MeanStdColumn[];
  /** Per point: drawn hollow (not final). */
  hollow: boolean[];
  /** The point the legend shows away from the cursor (the latest with a value). */
  latest?: number;
}

export interface SweepChartConfig {
  /** The swept setting's name: the x axis' label. */
  setting: string;
  /** In the sweep's order (any order; the chart sorts them). */
  values: number[];
  series: SweepSeries[];
  yLabel: string;
  description: string;
  data(): SweepChartData;
}

/** Sideways shift between neighbouring series at one value, CSS pixels. */
const DODGE = 10;
const MARKER = 4.5;
const CAP = 4;

interface Bar {
  series: string;
  value: number;
  x: number;
  top: number;
  mid: number;
  bottom: number;
  hollow: boolean;
}

export class SweepChart extends Chart {
  /** Point indices in ascending order of value: uPlot's x must increase. */
  private readonly order: number[];
  private readonly log: boolean;
  private current: SweepChartData = { columns: [], hollow: [] };
  private yRange: [number, number] = [0, 1];
  private colors: string[] = [];
  private width = 1.5;
  /** What the last draw drew, for exports (CSS pixels). */
  private marks: FigureMark[] = [];

  constructor(
    host: HTMLElement,
    private readonly config: SweepChartConfig,
  ) {
    super(host, 300);
    const v = config.values;
    this.order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const lo = Math.min(...v);
    this.log = lo > 0 && Math.max(...v) / lo >= 10;
    this.create();
  }

  protected options(theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
    const { series, setting } = this.config;
    this.colors = series.map((s) => seriesColor(theme, s.color));
    this.width = lineWidth(theme, 1.5);
    const xs = this.order.map((i) => this.config.values[i]);
    this.host.dataset.series = series.map((s) => s.key).join(' ');
    this.host.dataset.xScale = this.log ? 'log' : 'linear';
    this.host.setAttribute('aria-label', this.config.description);
    return {
      legend: { live: true, markers: { dash: (_u, i) => legendDash(i === 0 ? undefined : series[i - 1].dash) } },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: false, ...(this.log ? { distr: 3, log: 10 } : {}), range: () => xRange(xs, this.log) },
        y: { range: () => this.yRange },
      },
      axes: [
        // Ticks at the swept values themselves: they are what the reader compares.
        {
          ...axisStyle(theme),
          label: setting,
          splits: () => [...new Set(xs)],
          filter: (_u, splits) => splits,
          values: (_u, splits) => splits.map((s) => String(s)),
        },
        { ...axisStyle(theme), label: this.config.yLabel, size: 60 },
      ],
      series: [
        { label: setting, value: (_u, v) => (v === null ? this.latestName() : String(v)) },
        ...series.map((s, k) => ({
          label: s.label,
          stroke: this.colors[k],
          width: this.width,
          dash: s.dash ? [...s.dash] : undefined,
          // Drawn by the hook below; uPlot keeps the legend, the toggle and the cursor.
          paths: () => null,
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _s: number, i: number | null) => this.legendValue(k, i),
        })),
      ],
      hooks: { draw: [(u) => this.drawSeries(u)] },
    };
  }

  /** uPlot's columns: the values ascending, each series' means in that order (the hook reads the std itself). */
  protected data(): uPlot.AlignedData {
    this.current = this.config.data();
    this.yRange = yRange(this.current.columns);
    return [this.order.map((i) => this.config.values[i]), ...this.current.columns.map((c) => this.order.map((i) => finite(c.mean[i])))];
  }

  protected drawnPoints(): number {
    return this.current.columns[0]?.mean.filter((m) => finite(m) !== null).length ?? 0;
  }

  private drawSeries(u: uPlot) {
    const ctx = u.ctx;
    const px = uPlot.pxRatio;
    const { left, top, width, height } = u.bbox;
    const bars: Bar[] = [];
    const marks: FigureMark[] = [];
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    const n = this.config.series.length;
    this.config.series.forEach((s, k) => {
      if (!u.series[k + 1].show) return;
      const { mean, std } = this.current.columns[k];
      const dodge = (k - (n - 1) / 2) * DODGE * px;
      const at = this.order.flatMap((i) => {
        const m = finite(mean[i]);
        if (m === null) return [];
        const sd = finite(std[i]) ?? 0;
        const x = u.valToPos(this.config.values[i], 'x', true) + dodge;
        return [{ i, x, y: u.valToPos(m, 'y', true), hi: u.valToPos(m + sd, 'y', true), lo: u.valToPos(m - sd, 'y', true) }];
      });
      ctx.strokeStyle = this.colors[k];
      ctx.fillStyle = this.colors[k];
      ctx.lineWidth = this.width * px;
      ctx.setLineDash((s.dash ?? []).map((d) => d * px));
      ctx.beginPath();
      at.forEach((p, j) => (j ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
      ctx.stroke();
      ctx.setLineDash([]);
      marks.push({ kind: 'line', points: at.map((p) => [p.x / px, p.y / px]), color: this.colors[k], width: this.width, dash: s.dash });
      for (const p of at) {
        ctx.beginPath();
        ctx.moveTo(p.x, p.hi);
        ctx.lineTo(p.x, p.lo);
        for (const y of [p.hi, p.lo]) {
          ctx.moveTo(p.x - CAP * px, y);
          ctx.lineTo(p.x + CAP * px, y);
        }
        ctx.stroke();
        const hollow = !!this.current.hollow[p.i];
        marker(ctx, s.marker, p.x, p.y, MARKER * px, hollow);
        bars.push({ series: s.key, value: this.config.values[p.i], x: p.x / px, top: p.hi / px, mid: p.y / px, bottom: p.lo / px, hollow });
        const color = this.colors[k];
        marks.push({
          kind: 'errorBar',
          x: p.x / px,
          top: p.hi / px,
          mid: p.y / px,
          bottom: p.lo / px,
          cap: CAP,
          color,
          width: this.width,
          marker: s.marker,
          radius: MARKER,
          hollow,
        });
      }
    });
    ctx.restore();
    this.host.dataset.bars = JSON.stringify(bars);
    this.marks = marks;
  }

  /** The series are drawn by the hook above: their lines, bars and markers as it drew them. */
  protected override exportMarks() {
    return { drawnBy: new Set(this.config.series.map((_s, k) => k + 1)), marks: this.marks };
  }

  /** mean ± std of series k at point i of the chart's x order, or at the latest point away from the cursor. */
  private legendValue(k: number, cursor: number | null): string {
    const i = cursor === null ? this.current.latest : this.order[cursor];
    const c = this.current.columns[k];
    if (i === undefined || !c || finite(c.mean[i]) === null) return '—';
    return meanStdText(c.mean[i], finite(c.std[i]));
  }

  private latestName(): string {
    const i = this.current.latest;
    return i === undefined ? '—' : `${this.config.values[i]} (latest)`;
  }
}

/** A marker of radius r; hollow: a ring whose inside shows the page (the line under it is cut out). */
function marker(ctx: CanvasRenderingContext2D, shape: Marker, x: number, y: number, r: number, hollow: boolean) {
  const path = new Path2D();
  if (shape === 'circle') path.arc(x, y, r, 0, 2 * Math.PI);
  else if (shape === 'square') path.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
  else {
    const q = r * 1.25;
    path.moveTo(x, y - q);
    path.lineTo(x + q, y);
    path.lineTo(x, y + q);
    path.lineTo(x - q, y);
    path.closePath();
  }
  if (hollow) {
    ctx.save();
    ctx.globalCompositeOperation = 'destination-out';
    ctx.fill(path);
    ctx.restore();
    ctx.stroke(path);
  } else ctx.fill(path);
}

function finite(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) ? v : null;
}

/** The values with 8 % of their span (in log10 for a log axis) on either side; a single value gets ±8 % of itself. */
function xRange(xs: number[], log: boolean): [number, number] {
  if (!xs.length) return [0, 1];
  const t = log ? Math.log10 : (v: number) => v;
  const lo = t(xs[0]);
  const hi = t(xs[xs.length - 1]);
  const pad = 0.08 * (hi - lo || Math.abs(hi) || 1);
  return log ? [10 ** (lo - pad), 10 ** (hi + pad)] : [lo - pad, hi + pad];
}

/** Every drawn mean ± std, with 8 % of the span added above and below. */
function yRange(columns: MeanStdColumn[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { mean, std } of columns) {
    mean.forEach((m, i) => {
      const v = finite(m);
      if (v === null) return;
      const sd = finite(std[i]) ?? 0;
      lo = Math.min(lo, v - sd);
      hi = Math.max(hi, v + sd);
    });
  }
  if (lo > hi) return [0, 1];
  const pad = 0.08 * (hi - lo || Math.abs(hi) || 1);
  return [lo - pad, hi + pad];
}
