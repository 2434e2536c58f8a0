/**
 * A solve run's charts: one per chosen quantity (loss, ‖∇L‖, ‖step‖, and the step size where the methods define one),
 * side by side when the card is wide and stacked when narrow, with one cursor and one x range (zoom, pan and reset in
 * one apply to all, chartZoom.ts), and the x axis chosen once for all: iteration k, k on a log scale, or wall time
 * (offered only when the run's points carry their time). The choices are remembered (prefs.ts).
 *
 * DOM hooks: fieldset.metric-choice with input[type=checkbox][value=metric]; fieldset.x-axis-choice with
 * input[type=radio][value=k|logk|time]; .metric-charts holding a .chart[data-metric] per chosen quantity, in the
 * order of METRICS.
 */
import type { CardContext } from './card';
import { ZoomGroup } from './chartZoom';
import type { Overlay } from './compare';
import { el } from './dom';
import type { StartedRun } from './run';
import { METRICS, X_AXES, type Metric, type XAxis } from './solveModel';
import { METRIC_LABEL, TrajectoryChart, X_AXIS_LABEL, type TrajectoryView } from './trajectoryChart';

/** One chart's height: several fit on a screen. */
const CHART_HEIGHT = 220;

export class MetricCharts {
  readonly controls: HTMLElement;
  readonly root = el('div', { className: 'metric-charts' });
  private readonly charts = new Map<Metric, { host: HTMLElement; chart: TrajectoryChart }>();
  private readonly boxes = new Map<Metric, HTMLInputElement>();
  private readonly axes = new Map<XAxis, HTMLInputElement>();
  private readonly zoom = new ZoomGroup();
  private readonly view: TrajectoryView;
  /** The x axis chosen; wall time falls back to k while the points carry none. */
  private wanted: XAxis;
  /** The x axis the charts were built with. */
  private drawnAxis: XAxis = 'k';

  constructor(
    private readonly run: StartedRun<'solve'>,
    ctx: CardContext,
    overlays: () => Overlay[],
    /** Told how many points of each block the first chart shows after each draw. */
    private readonly onDrawn: (pointsPerBlock: number[]) => void,
  ) {
    this.view = { blocks: run.state.blocks, overlays, xAxis: () => this.xAxis(), sync: `solve-${run.runId}` };
    this.wanted = ctx.prefs.xAxis;
    const metrics = el('fieldset', { className: 'metric-choice' }, [el('legend', { text: 'Charts' })]);
    for (const m of METRICS) {
      const id = `${run.runId}-metric-${m}`;
      const box = el('input', { attrs: { type: 'checkbox', id, value: m } });
      box.checked = ctx.prefs.metrics.includes(m);
      box.addEventListener('change', () => {
        ctx.prefs.metrics = METRICS.filter((x) => this.boxes.get(x)!.checked);
        this.layout();
      });
      this.boxes.set(m, box);
      metrics.append(el('label', { attrs: { for: id } }, [box, METRIC_LABEL[m]]));
    }
    const axes = el('fieldset', { className: 'x-axis-choice', attrs: { role: 'radiogroup' } }, [el('legend', { text: 'x axis' })]);
    for (const a of X_AXES) {
      const id = `${run.runId}-x-${a}`;
      const radio = el('input', { attrs: { type: 'radio', name: `x-axis-${run.runId}`, id, value: a } });
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        this.wanted = a;
        ctx.prefs.xAxis = a;
        this.redraw();
      });
      this.axes.set(a, radio);
      axes.append(
        el('label', { attrs: { for: id }, title: X_AXIS_LABEL[a] }, [radio, a === 'logk' ? 'log k' : a === 'k' ? 'k' : 'wall time']),
      );
    }
    this.controls = el('div', { className: 'chart-controls' }, [metrics, axes]);
    this.syncChoices();
    this.drawnAxis = this.xAxis();
    this.layout();
  }

  /** The charts shown and their hosts, in order. */
  list(): { host: HTMLElement; chart: TrajectoryChart }[] {
    return [...this.charts.values()];
  }

  update() {
    this.syncChoices();
    // Step sizes and wall times arrive with the first points: the charts follow what the data allows.
    if (this.shown().join(' ') !== [...this.charts.keys()].join(' ')) this.layout();
    if (this.xAxis() !== this.drawnAxis) this.redraw();
    else this.charts.forEach((c) => c.chart.update());
  }

  /** Rebuilds every chart (the overlays or the x axis changed). */
  redraw() {
    this.drawnAxis = this.xAxis();
    this.charts.forEach((c) => c.chart.create());
  }

  destroy() {
    this.charts.forEach((c) => c.chart.destroy());
    this.charts.clear();
  }

  private xAxis(): XAxis {
    return this.wanted === 'time' && !this.timed() ? 'k' : this.wanted;
  }

  /** The quantities charted: chosen, and present in the run (step size only where a block has one). */
  private shown(): Metric[] {
    const chosen = METRICS.filter((m) => this.boxes.get(m)!.checked && this.available(m));
    return chosen.length ? chosen : ['loss'];
  }

  private available(m: Metric): boolean {
    return m !== 'stepSize' || this.run.state.blocks.some((b) => b.trajectory.stepSize.some(Number.isFinite));
  }

  /** Whether the run's points carry their wall time. */
  private timed(): boolean {
    return this.run.state.blocks.some((b) => b.trajectory.t.some(Number.isFinite));
  }

  /** The step-size box shows once step sizes exist; wall time is offered once times do (else k, keeping the preference). */
  private syncChoices() {
    const stepSize = this.boxes.get('stepSize')!.closest('label')!;
    stepSize.hidden = !this.available('stepSize');
    const timed = this.timed();
    const time = this.axes.get('time')!;
    time.disabled = !timed;
    time.closest('label')!.title = timed ? X_AXIS_LABEL.time : 'These points carry no wall time (results saved before it was recorded)';
    this.axes.get(this.xAxis())!.checked = true;
  }

  /** One chart per shown quantity, in METRICS order; charts of quantities no longer shown are released. */
  private layout() {
    const shown = this.shown();
    for (const [m, c] of this.charts) {
      if (shown.includes(m)) continue;
      c.chart.destroy();
      c.host.remove();
      this.charts.delete(m);
    }
    for (const m of shown) {
      if (this.charts.has(m)) continue;
      const host = el('div', { className: 'chart' });
      // In the page before the chart is built, so its first draw has the host's width.
      this.root.append(host);
      const chart = new TrajectoryChart(host, this.view, m, (perBlock) => this.drawn(m, perBlock), CHART_HEIGHT);
      chart.linkZoom(this.zoom);
      this.charts.set(m, { host, chart });
    }
    // The page and the map in the order shown.
    const ordered = shown.map((m) => [m, this.charts.get(m)!] as const);
    this.root.replaceChildren(...ordered.map(([, c]) => c.host));
    this.charts.clear();
    ordered.forEach(([m, c]) => this.charts.set(m, c));
    this.root.dataset.charts = String(shown.length);
  }

  /** The block rows count the first chart's points. */
  private drawn(m: Metric, perBlock: number[]) {
    if (this.charts.keys().next().value === m || this.charts.size === 0) this.onDrawn(perBlock);
  }
}
