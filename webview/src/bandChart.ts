/**
 * A chart of means over Adam steps, each optionally shaded by its ±std band: uPlot fills a band between two edge
 * series (mean + std, mean − std) that have no stroke and no legend row, and that follow their mean's legend toggle.
 * Lines sit on a log y axis snapped to 1-2-5 steps (left; linear with `left`) or on a linear axis (right). The values
 * are the server's mean ± std rows, drawn as they are. A dashed or dotted line's legend marker is dashed or dotted
 * too, so the lines are told apart by more than their colour.
 *
 * DOM hooks for tests and tools: the host gets data-series (the line keys, in legend order), data-bands (bands
 * drawn) and data-points (steps with a value of the first line after the last redraw).
 */
import type uPlot from 'uplot';
import { meanStdText } from '../../common/format';
import { Chart, legendDash, markersWhenSparse } from './chart';
import { axisStyle, stepLogAxis, stepLogScale } from './logAxis';
import { lineWidth, seriesColor, withAlpha, type ChartTheme } from './theme';

export interface BandLine {
  key: string;
  label: string;
  /** Index into the theme's series colours. */
  color: number;
  /** Shade mean ± std; without, the std shows in the legend only. */
  band: boolean;
  /** The shade's opacity (default 0.25): lighter for references, so overlapping bands leave the main line's clear. */
  bandOpacity?: number;
  /** On the linear right axis instead of the log left one. */
  right?: boolean;
  /** Canvas dash pattern, the legend marker's too (chart.ts legendDash). */
  dash?: readonly number[];
  /** Line width in CSS pixels (default 2). */
  width?: number;
}

/** One line's values, aligned with the x column; null where nothing reached the step. */
export interface MeanStdColumn {
  mean: (number | null)[];
  std: (number | null)[];
}

export interface BandData {
  x: number[];
  /** One per line, in the order of `BandChartConfig.lines`. */
  columns: MeanStdColumn[];
}

export interface BandChartConfig {
  lines: BandLine[];
  xLabel: string;
  yLabel: string;
  /** Makes the left axis linear over this range (chosen from the data) instead of log. */
  left?: { range(data: BandData): [number, number] };
  /** The linear right axis of the `right` lines; its range is chosen from the data. */
  right?: { label: string; range(data: BandData): [number, number] };
  /** What the chart shows, for screen readers (uPlot draws on a canvas). */
  description: string;
  data(): BandData;
}

export class BandChart extends Chart {
  private current: BandData = { x: [], columns: [] };
  private leftRange: [number, number] = [0, 1];
  private rightRange: [number, number] = [0, 1];

  constructor(
    host: HTMLElement,
    private readonly config: BandChartConfig,
  ) {
    super(host, 260);
    this.create();
  }

  protected options(theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
    const lines = this.config.lines;
    // Away from the cursor, the legend shows each line's latest value.
    const series: uPlot.Series[] = [{ label: 'step', value: (_u, v) => (v === null ? 'latest' : String(v)) }];
    const bands: uPlot.Band[] = [];
    /** Mean series index → its two edge series. */
    const edges = new Map<number, [number, number]>();
    lines.forEach((line, li) => {
      const color = seriesColor(theme, line.color);
      const scale = line.right ? 'right' : 'y';
      const mean = series.length;
      series.push({
        label: line.label,
        scale,
        stroke: color,
        width: lineWidth(theme, line.width ?? 2),
        dash: line.dash && [...line.dash],
        spanGaps: false,
        points: markersWhenSparse(theme),
        value: (_u, _v, _s, i) => this.legendValue(li, i),
      });
      if (!line.band) return;
      const edge = { class: 'band-edge', scale, stroke: 'transparent', spanGaps: false, points: { show: false } };
      // The lower edge of a log line may reach 0 or below: it is drawn off the bottom, not counted in the range.
      series.push({ ...edge, label: `${line.label} + std` }, { ...edge, label: `${line.label} − std`, auto: this.linear(line) });
      bands.push({ series: [mean + 1, mean + 2], fill: withAlpha(color, line.bandOpacity ?? 0.25) });
      edges.set(mean, [mean + 1, mean + 2]);
    });
    const { left, right } = this.config;
    const axes: uPlot.Axis[] = [
      { ...axisStyle(theme), label: this.config.xLabel },
      left ? { ...axisStyle(theme), label: this.config.yLabel, size: 60 } : stepLogAxis(theme, this.config.yLabel),
    ];
    if (right) axes.push({ ...axisStyle(theme), scale: 'right', side: 1, label: right.label, size: 50, grid: { show: false } });

    this.host.dataset.series = lines.map((l) => l.key).join(' ');
    this.host.dataset.bands = String(bands.length);
    this.host.setAttribute('aria-label', this.config.description);
    return {
      legend: { live: true, markers: { dash: (_u, i) => legendDash(series[i].dash) } },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: false },
        y: left ? { range: () => this.leftRange } : stepLogScale(),
        ...(right ? { right: { range: () => this.rightRange } } : {}),
      },
      axes,
      series,
      bands,
      hooks: {
        setSeries: [
          (u, i, opts) => {
            const pair = i === null ? undefined : edges.get(i);
            // fireHook false: the edges' own toggles must not come back here.
            if (pair && opts.show !== undefined) for (const e of pair) u.setSeries(e, { show: opts.show }, false);
          },
        ],
      },
    };
  }

  /** uPlot's columns: x, then per line its mean and, with a band, mean + std and mean − std. */
  protected data(): uPlot.AlignedData {
    const d = (this.current = this.config.data());
    if (this.config.left) this.leftRange = this.config.left.range(d);
    if (this.config.right) this.rightRange = this.config.right.range(d);
    const out: (number | null)[][] = [];
    this.config.lines.forEach((line, li) => {
      const { mean, std } = d.columns[li];
      // A log axis cannot show values ≤ 0 or non-finite ones: they become gaps rather than breaking the scale.
      const linear = this.linear(line);
      const drawable = (v: number | null) => (v !== null && Number.isFinite(v) && (linear || v > 0) ? v : null);
      const m = mean.map(drawable);
      out.push(m);
      if (!line.band) return;
      const s = std.map((v) => (v !== null && Number.isFinite(v) ? v : null));
      out.push(m.map((v, i) => (v === null || s[i] === null ? null : v + s[i]!)));
      out.push(m.map((v, i) => (v === null || s[i] === null ? null : linear || v - s[i]! > 0 ? v - s[i]! : Number.MIN_VALUE)));
    });
    return [d.x, ...out];
  }

  /** On a linear axis: the right one, or a linear left one. */
  private linear(line: BandLine): boolean {
    return !!line.right || !!this.config.left;
  }

  /** Steps with a value of the first line. */
  protected drawnPoints(): number {
    return this.current.columns[0]?.mean.filter((v) => v !== null).length ?? 0;
  }

  /** mean ± std at the cursor's step, or at the line's latest step when the cursor is elsewhere. */
  private legendValue(line: number, cursor: number | null): string {
    const { mean, std } = this.current.columns[line];
    let i = cursor ?? mean.length - 1;
    if (cursor === null) while (i > 0 && mean[i] === null) i--;
    if (i < 0 || mean[i] === null) return '—';
    return meanStdText(mean[i], std[i]);
  }
}
