/**
 * A sweep's part of its card (card.ts): the settings (the swept one lists its values), per-point progress in the
 * header, the figure of the final ratio to the uniform loss against the swept value (sweepChart.ts), the points'
 * table with each point's verdict (sweepTable.ts) and, once it ended, why.
 *
 * DOM hooks for tests and tools: section.run.sweep[data-stop-reason] once the result arrived; .progress (live);
 * .settings; .stop; the chart host .sweep-chart[data-chart="sweep"] (sweepChart.ts lists its own).
 */
import { duration } from '../../common/format';
import { stopReasonText } from '../../common/verdicts';
import type { IclSummaryPoint, MeanStd } from '../../protocol/experiment';
import type { MeanStdColumn } from './bandChart';
import type { KindCard } from './card';
import { el } from './dom';
import { sweepExports } from './export/iclExports';
import type { Exportable } from './exportable';
import { STYLE } from './experimentCharts';
import { latestCommonRow, progressOf } from './experimentModel';
import { settingsDetail, settingsText } from './experimentSettings';
import type { StartedRun } from './run';
import { SweepChart, type SweepSeries } from './sweepChart';
import { currentPoint, phaseOf, pointName } from './sweepModel';
import { SweepTable } from './sweepTable';

const SERIES: [SweepSeries, (p: IclSummaryPoint) => MeanStd | undefined][] = [
  [{ key: 'tfRatio', ...STYLE.layer, marker: 'circle' }, (p) => p.tfRatio],
  [{ key: 'gdRatio', ...STYLE.gd, marker: 'square' }, (p) => p.gdRatio],
  [{ key: 'linGdRatio', ...STYLE.linGd, marker: 'diamond' }, (p) => p.linGdRatio],
];

export class SweepCard implements KindCard {
  readonly subtitle: string;
  readonly header: HTMLElement[];
  readonly body: HTMLElement[];
  readonly unit = 'checkpoints';
  private readonly progress = el('span', { className: 'progress' });
  private readonly stop = el('p', { className: 'stop' });
  private readonly chart: SweepChart;
  private readonly table: SweepTable;
  private readonly parts: Exportable[];

  constructor(private readonly run: StartedRun<'sweep'>) {
    const s = run.state;
    const { setting } = s.sweep;
    const running = () => this.run.status === 'running';
    this.subtitle = `in-context learning sweep over ${setting}`;
    const chartHost = el('div', { className: 'chart sweep-chart', data: { chart: 'sweep' } });
    this.table = new SweepTable(s, running);
    this.header = [this.progress];
    const all = s.points.map((p) => p.settings);
    this.body = [
      el('p', { className: 'settings', text: settingsText(all), title: settingsDetail(all) }),
      this.stop,
      el('h3', { text: `Final loss relative to the uniform prediction, against ${setting}` }),
      chartHost,
      el('p', {
        className: 'note',
        text: `Each value's loss divided by the uniform prediction's on the same tasks, at the last step all its repeats reached: markers are the mean over the repeats, bars ± one standard deviation (population). Hollow markers are not final: the value is still running, or was cut short. The three series are shifted a few pixels apart so that overlapping bars stay visible. Hover a value for its numbers; click a legend entry to hide or show a series.`,
      }),
      el('h3', { text: 'Points' }),
      this.table.root,
    ];
    this.chart = new SweepChart(chartHost, {
      setting,
      values: s.points.map((p) => p.value),
      series: SERIES.map(([series]) => series),
      yLabel: 'loss / uniform loss',
      description: `Held-out loss of the trained layer, one gradient-descent step and linearised gradient descent, each divided by the uniform prediction's loss, against ${setting}; mean ± std over repeats`,
      data: () => {
        const rows = s.points.map(latestCommonRow);
        const columns = SERIES.map(([, pick]): MeanStdColumn => ({
          mean: rows.map((r) => (r && pick(r)?.mean) ?? null),
          std: rows.map((r) => (r && pick(r)?.std) ?? null),
        }));
        const hollow = s.points.map((_, i) => ['running', 'partial'].includes(phaseOf(s, i, running())));
        return { columns, hollow, latest: currentPoint(s) };
      },
    });
    this.parts = sweepExports(run, { label: 'ratio chart', chart: this.chart, host: chartHost }, running);
  }

  update() {
    this.progress.textContent = this.where() ?? `point 1/${this.run.state.points.length}`;
    this.progress.hidden = this.run.status !== 'running';
    const r = this.run.state.result;
    if (r) {
      this.stop.textContent = this.stopText();
      this.stop.className = `stop ${r.stopReason}`;
    }
    this.stop.hidden = !r;
    this.chart.update();
    this.table.update();
  }

  destroy() {
    this.chart.destroy();
  }

  badStop(): string | undefined {
    const reason = this.run.state.result?.stopReason;
    return reason === 'nonFinite' || reason === 'error' ? `${stopReasonText(reason)} at ${this.where() ?? 'the start'}` : undefined;
  }

  /** "after point 2/4" when the cancel fell between points, else where in the point it fell. */
  cancelledWhere(): string | undefined {
    const s = this.run.state;
    const i = currentPoint(s);
    if (i === undefined) return undefined;
    return phaseOf(s, i, false) === 'done' ? `after point ${i + 1}/${s.points.length}` : `at ${this.where()}`;
  }

  errors(): string[] {
    return [];
  }

  data(): Record<string, string> {
    return this.run.state.result ? { stopReason: this.run.state.result.stopReason } : {};
  }

  /** The chart, the points table and every mean ± std row (export/iclExports.ts). */
  exports(): Exportable[] {
    return this.parts;
  }

  /** "point 2/4 (d = 10): repeat 1/3 · step 400/2000"; undefined before the first progress. */
  private where(): string | undefined {
    const s = this.run.state;
    const i = currentPoint(s);
    if (i === undefined) return undefined;
    const { settings } = s.points[i];
    const at = progressOf(s.points[i])!;
    return `point ${i + 1}/${s.points.length} (${pointName(s, i)}): repeat ${at.repeat + 1}/${settings.repeats} · step ${at.step}/${settings.steps}`;
  }

  private stopText(): string {
    const s = this.run.state;
    const r = s.result!;
    const ran = s.points.filter((_, i) => phaseOf(s, i, false) !== 'queued').length;
    const why = r.message ? `: ${r.message}` : '.';
    switch (r.stopReason) {
      case 'done':
        return `Done: ${ran} point${ran === 1 ? '' : 's'} (${s.sweep.setting} = ${s.sweep.values.join(', ')}) in ${duration(r.elapsedMs)}.`;
      case 'cancelled': {
        const where = this.cancelledWhere();
        return `Cancelled${where ? ` ${where},` : ''} ${duration(r.elapsedMs)} in; every point that ran is kept (${ran} of ${s.points.length}).`;
      }
      case 'nonFinite':
        return `Stopped on a non-finite value after ${duration(r.elapsedMs)}${why}`;
      case 'error':
        return `Stopped by an error after ${duration(r.elapsedMs)}${why}`;
    }
  }
}
