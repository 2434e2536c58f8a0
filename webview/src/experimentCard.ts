/**
 * An in-context-learning experiment's part of its card (card.ts): the settings, live progress with the speed and
 * time left in the header (cardEta.ts), the verdict (common/iclVerdict.ts, recomputed on every event), the loss,
 * ratio and alignment charts (experimentCharts.ts), the per-repeat table (experimentTable.ts) and, once it ended, why.
 *
 * DOM hooks for tests and tools: section.run.experiment[data-stop-reason] once the result arrived; .progress and
 * .eta (live);
 * .settings; .verdict (hidden before the first checkpoint); .stop; chart hosts
 * .icl-chart[data-chart="loss"|"ratio"|"alignment"] (bandChart.ts lists theirs).
 */
import { duration } from '../../common/format';
import { stopReasonText } from '../../common/verdicts';
import type { IclResult } from '../../protocol/experiment';
import type { BandChart } from './bandChart';
import type { KindCard } from './card';
import { CardEta } from './cardEta';
import { el } from './dom';
import { experimentExports } from './export/iclExports';
import type { Exportable } from './exportable';
import { alignmentChart, lossChart, ratioChart } from './experimentCharts';
import { progressOf, verdictOf, type ExperimentState } from './experimentModel';
import { settingsDetail, settingsText } from './experimentSettings';
import { RepeatTable } from './experimentTable';
import type { StartedRun } from './run';

export class ExperimentCard implements KindCard {
  readonly subtitle = 'in-context learning experiment';
  readonly header: HTMLElement[];
  readonly body: HTMLElement[];
  readonly unit = 'checkpoints';
  private readonly progress = el('span', { className: 'progress' });
  private readonly eta = new CardEta();
  private readonly stop = el('p', { className: 'stop' });
  private readonly verdict = el('p', { className: 'verdict' });
  private readonly table: RepeatTable;
  private readonly charts: BandChart[];
  private readonly parts: Exportable[];

  constructor(private readonly run: StartedRun<'experiment'>) {
    const s = run.state;
    const lossHost = el('div', { className: 'chart icl-chart', data: { chart: 'loss' } });
    const ratioHost = el('div', { className: 'chart icl-chart', data: { chart: 'ratio' } });
    const alignmentHost = el('div', { className: 'chart icl-chart', data: { chart: 'alignment' } });
    this.table = new RepeatTable(s);
    this.header = [this.progress, this.eta.root];
    this.body = [
      el('p', { className: 'settings', text: settingsText([s.settings]), title: settingsDetail([s.settings]) }),
      this.stop,
      this.verdict,
      el('h3', { text: 'Loss' }),
      lossHost,
      el('h3', { text: 'Loss relative to the uniform prediction' }),
      ratioHost,
      el('h3', { text: 'Alignment with one GD step' }),
      alignmentHost,
      el('p', {
        className: 'note',
        text: 'Lines: mean over the repeats that reached each step; shading: ± one standard deviation (population). The uniform prediction 1/(n+1) is what a layer that learned nothing predicts; ratios divide each repeat’s loss by its uniform loss on the same tasks, which cancels most of the held-out set’s noise. Click a legend entry to hide or show a line; drag across a chart to zoom into steps.',
      }),
      el('h3', { text: 'Repeats' }),
      this.table.root,
    ];
    this.charts = [lossChart(lossHost, s), ratioChart(ratioHost, s), alignmentChart(alignmentHost, s)];
    const hosts = [lossHost, ratioHost, alignmentHost];
    this.parts = experimentExports(
      run,
      ['loss', 'loss ratio', 'alignment'].map((label, i) => ({ label, chart: this.charts[i], host: hosts[i] })),
    );
  }

  update() {
    const s = this.run.state;
    const at = this.where() ?? { repeat: 0, step: 0 };
    this.progress.textContent = `repeat ${at.repeat + 1}/${s.settings.repeats} · step ${at.step}/${s.settings.steps}`;
    this.progress.hidden = this.run.status !== 'running';
    // Every repeat is a part: the steps its last checkpoint reached, of the planned steps.
    this.eta.update(
      this.run.status === 'running',
      Array.from({ length: s.settings.repeats }, (_, r) => ({
        done: s.repeats.find((x) => x.repeat === r)?.checkpoints.at(-1)?.step ?? 0,
        total: s.settings.steps,
      })),
    );
    const r = s.result;
    if (r) {
      this.stop.textContent = stopText(s, r);
      this.stop.className = `stop ${r.stopReason}`;
    }
    this.stop.hidden = !r;
    const verdict = verdictOf(s);
    this.verdict.textContent = verdict ?? '';
    this.verdict.hidden = !verdict;
    this.charts.forEach((c) => c.update());
    this.table.update();
  }

  destroy() {
    this.charts.forEach((c) => c.destroy());
  }

  badStop(): string | undefined {
    const reason = this.run.state.result?.stopReason;
    return reason === 'nonFinite' || reason === 'error' ? `${stopReasonText(reason)} at ${this.at()}` : undefined;
  }

  cancelledWhere(): string | undefined {
    return this.where() && `at ${this.at()}`;
  }

  errors(): string[] {
    return [];
  }

  data(): Record<string, string> {
    return this.run.state.result ? { stopReason: this.run.state.result.stopReason } : {};
  }

  /** The three charts, the mean ± std rows and the repeats (export/iclExports.ts). */
  exports(): Exportable[] {
    return this.parts;
  }

  private where() {
    return progressOf(this.run.state);
  }

  /** "repeat 2/3, step 100/400": the newest repeat and its last checkpoint. */
  private at(): string {
    const { settings } = this.run.state;
    const w = this.where() ?? { repeat: 0, step: 0 };
    return `repeat ${w.repeat + 1}/${settings.repeats}, step ${w.step}/${settings.steps}`;
  }
}

function stopText(run: ExperimentState, r: IclResult): string {
  const after = `after ${duration(r.elapsedMs)}`;
  const why = r.message ? `: ${r.message}` : '.';
  switch (r.stopReason) {
    case 'done':
      return `Done: ${r.repeats.length} repeat${r.repeats.length === 1 ? '' : 's'} × ${r.settings.steps} Adam steps in ${duration(r.elapsedMs)}.`;
    case 'cancelled': {
      const at = progressOf(run);
      const where = at ? ` at repeat ${at.repeat + 1}/${r.settings.repeats}, step ${at.step}/${r.settings.steps}` : '';
      return `Cancelled${where} ${after}; every checkpoint that ran is kept${r.message ? ` (${r.message})` : ''}.`;
    }
    case 'nonFinite':
      return `Stopped on a non-finite value ${after}${why}`;
    case 'error':
      return `Stopped by an error ${after}${why}`;
  }
}
