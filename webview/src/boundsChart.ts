/**
 * The bounds chart of one solve block: per step k → k+1, the observed target shift ‖b̃ − b‖ (thick) against every
 * bound's value at that step, on the log axis the trajectory chart uses.
 *
 * The papers' bound is usually 70 decades or more above everything else (M = n^1.5·e^{10R²}, R ≥ 4), and beyond
 * doubles once R ≳ 8.4. A second, log10 axis for it would draw it beside the observed shift as if comparable;
 * letting it set the shared axis would squeeze the observed shift and the sharp bounds into a few pixels. So the
 * axis spans the observed shift and the other bounds, and the papers' bound, where above, runs along the top edge:
 * the legend and the note below the chart say so, the legend shows its true power of ten at the cursor, and the
 * table gives its tightness.
 */
import type uPlot from 'uplot';
import type { BoundName, BlockBounds } from '../../protocol/bounds';
import { num, powerOfTen } from '../../common/format';
import { Chart, markersWhenSparse } from './chart';
import { axisStyle, decadeRange, logAxis, logScale } from './logAxis';
import { lineWidth, seriesColor, type ChartTheme } from './theme';

/** Short legend names; the tables show the full labels. */
export const SHORT_LABEL: Record<BoundName, string> = {
  S1: '(S1) ½‖ΔS‖',
  S1norm: '(S1) ½‖A‖‖Δx‖',
  S3: '(S3) ½‖A‖·η·‖∇L‖',
  S2: '(S2) ½‖ΔS‖',
  S2norm: '(S2) ½‖ΔA‖‖x‖',
  cap: '√2 per row',
  beta: 'β per row',
  betaLip: 'β per row, e^ρ‖ΔS‖',
  paper: 'papers’ M·‖move‖',
};

/**
 * Index into the theme's Okabe–Ito series per line, fixed per bound so a bound keeps its colour across blocks.
 * The normalized and rescaled variants never share S1/S2 with beta, so those may share hues. Yellow (6) reads
 * badly on light backgrounds and is left out.
 */
const COLOR: Record<BoundName | 'observed' | 'rowMax', number> = {
  observed: 0,
  rowMax: 4,
  S1: 1,
  S2: 1,
  beta: 1,
  S1norm: 2,
  S2norm: 2,
  betaLip: 2,
  S3: 3,
  cap: 5,
  paper: 7,
};

export class BoundsChart extends Chart {
  private columns: uPlot.AlignedData = [[]];
  private clipped = false;

  constructor(
    host: HTMLElement,
    private bounds: BlockBounds,
    /** Told, after each draw, whether the papers' bound runs off the top. */
    private readonly onDrawn: (clipped: boolean) => void,
  ) {
    super(host, 300);
    this.create();
  }

  /** Another block: the set of bounds may differ, so the chart is rebuilt. */
  show(bounds: BlockBounds) {
    this.bounds = bounds;
    this.create();
  }

  protected options(theme: ChartTheme): Omit<uPlot.Options, 'width' | 'height'> {
    const steps = this.bounds.steps;
    const drawable = (v: number | undefined) => (v !== undefined && v > 0 && Number.isFinite(v) ? v : null);
    const line = (
      label: string,
      color: number,
      width: number,
      value: (_u: uPlot, v: number | null, _s: number, i: number | null) => string = (_u, v) => num(v),
    ) => ({
      label,
      stroke: seriesColor(theme, color),
      width: lineWidth(theme, width),
      spanGaps: false,
      points: markersWhenSparse(theme),
      value,
    });

    const series: uPlot.Series[] = [
      { label: 'k', value: (_u, v) => (v === null ? '—' : String(v)) },
      line('observed ‖b̃ − b‖', COLOR.observed, 3),
    ];
    const data: (number | null)[][] = [steps.map((s) => drawable(s.observedShift))];
    // Per-row bounds compare with the worst row, not the whole shift (they differ when B has several rows).
    if (this.bounds.norms.rows > 1) {
      series.push(line('observed, worst row', COLOR.rowMax, 2.5));
      data.push(steps.map((s) => drawable(s.observedRowMax)));
    }
    const names = this.bounds.summary.map((s) => s.name);
    const at = (name: BoundName) => steps.map((s) => s.bounds.find((b) => b.name === name));
    for (const name of names.filter((n) => n !== 'paper')) {
      data.push(at(name).map((b) => drawable(b?.value)));
      series.push({ ...line(SHORT_LABEL[name], COLOR[name], 1.5), ...(name === 'cap' ? { dash: [4, 4] } : {}) });
    }
    this.clipped = false;
    if (names.includes('paper')) {
      let lo = Infinity,
        hi = -Infinity;
      for (const column of data) for (const v of column) if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const top = Math.log10(decadeRange(lo, hi)[1]);
      const log10 = at('paper').map((b) => b?.log10 ?? null);
      this.clipped = log10.some((l) => l !== null && l > top);
      data.push(log10.map((l) => (l === null ? null : 10 ** Math.min(l, top))));
      const label = SHORT_LABEL.paper + (this.clipped ? ' (off the top)' : '');
      series.push({
        ...line(label, COLOR.paper, 1.5, (_u, _v, _s, i) => (i === null || log10[i] === null ? '—' : powerOfTen(log10[i]))),
        dash: [8, 4],
      });
    }
    this.columns = [steps.map((s) => s.k), ...data];

    // uPlot draws on a canvas; the host states what is plotted for screen readers and tests.
    this.host.setAttribute(
      'aria-label',
      `‖b̃ − b‖ and its bounds against step k, log scale${this.clipped ? '; the papers’ bound lies above the plot and is drawn at its top edge' : ''}`,
    );
    return {
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: logScale() },
      axes: [{ ...axisStyle(theme), label: 'step k → k + 1' }, logAxis(theme, '‖b̃ − b‖ and bounds')],
      series,
    };
  }

  /** Prepared with the series by `options`: a block's bounds arrive complete and never change. */
  protected data(): uPlot.AlignedData {
    return this.columns;
  }

  protected drawnPoints(): number {
    return this.bounds.steps.length;
  }

  protected override drawn() {
    this.onDrawn(this.clipped);
  }
}
