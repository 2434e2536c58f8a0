/**
 * One in-context-learning experiment in the panel: header (file, status, live progress, Cancel), the settings, the
 * loss and alignment charts (experimentCharts.ts), the per-repeat table (experimentTable.ts) and, once it ended, why.
 *
 * DOM hooks for tests and tools: section.run.experiment[data-run-id][data-status] (and data-stop-reason once the
 * result arrived); .progress (live); .settings; .stop; chart hosts .icl-chart[data-chart="loss"|"alignment"]
 * (bandChart.ts lists theirs).
 */
import type { Distribution, IclResult, IclSettings } from '../../protocol/experiment';
import type { BandChart } from './bandChart';
import { el } from './dom';
import { alignmentChart, lossChart } from './experimentCharts';
import { progressOf, type ExperimentState } from './experimentModel';
import { RepeatTable } from './experimentTable';
import { duration, num } from './format';

/** As a solve card's header: an interruption is the server's crash, and what ran is still shown. */
const INTERRUPTED_TEXT = 'interrupted: the language server stopped; the checkpoints received are kept';

export class ExperimentCard {
  readonly root: HTMLElement;
  private readonly status = el('span', { className: 'status' });
  private readonly progress = el('span', { className: 'progress' });
  private readonly cancel?: HTMLButtonElement;
  private readonly error = el('pre', { className: 'error', attrs: { role: 'alert' } });
  private readonly stop = el('p', { className: 'stop' });
  private readonly table: RepeatTable;
  private readonly charts: BandChart[];

  constructor(
    readonly run: ExperimentState,
    opts: { live: boolean; onCancel(runId: string): void },
  ) {
    const header = el('header', {}, [el('h2', { text: run.title, title: run.source }), el('span', { className: 'problem', text: 'in-context learning experiment' }), this.status, this.progress]);
    if (opts.live) {
      this.cancel = el('button', { className: 'cancel', text: 'Cancel', title: 'Stop this experiment; the checkpoints so far are kept' });
      this.cancel.addEventListener('click', () => {
        run.cancelRequested = true;
        opts.onCancel(run.runId);
        this.update();
      });
      header.append(this.cancel);
    }
    const lossHost = el('div', { className: 'chart icl-chart', data: { chart: 'loss' } });
    const alignmentHost = el('div', { className: 'chart icl-chart', data: { chart: 'alignment' } });
    this.table = new RepeatTable(run);
    this.root = el('section', { className: 'run experiment', data: { runId: run.runId } }, [
      header,
      el('p', { className: 'settings', text: settingsText(run.settings), title: settingsDetail(run.settings) }),
      this.error,
      this.stop,
      el('h3', { text: 'Loss' }),
      lossHost,
      el('h3', { text: 'Alignment with one GD step' }),
      alignmentHost,
      el('p', { className: 'note', text: 'Lines: mean over the repeats that reached each step; shading: ± one standard deviation (population). Click a legend entry to hide or show a line; drag across a chart to zoom into steps.' }),
      el('h3', { text: 'Repeats' }),
      this.table.root,
    ]);
    this.charts = [lossChart(lossHost, run), alignmentChart(alignmentHost, run)];
    this.update();
  }

  /** Reflects the run's current state; cheap enough to call on every message. */
  update() {
    const run = this.run;
    this.root.dataset.status = run.status;
    this.status.textContent = run.cancelRequested && run.status === 'running' ? 'cancelling…' : run.status === 'interrupted' ? INTERRUPTED_TEXT : run.status;
    this.status.className = `status ${run.status}`;
    const at = progressOf(run) ?? { repeat: 0, step: 0 };
    this.progress.textContent = `repeat ${at.repeat + 1}/${run.settings.repeats} · step ${at.step}/${run.settings.steps}`;
    this.progress.hidden = run.status !== 'running';
    if (this.cancel) {
      this.cancel.hidden = run.status !== 'running';
      this.cancel.disabled = !!run.cancelRequested;
    }
    this.error.textContent = run.error ?? '';
    this.error.hidden = !run.error;
    if (run.result) {
      this.root.dataset.stopReason = run.result.stopReason;
      this.stop.textContent = stopText(run, run.result);
      this.stop.className = `stop ${run.result.stopReason}`;
    }
    this.stop.hidden = !run.result;
    this.charts.forEach((c) => c.update());
    this.table.update();
  }

  rethemed() {
    this.charts.forEach((c) => c.create());
  }

  destroy() {
    this.charts.forEach((c) => c.destroy());
    this.root.remove();
  }
}

/** The settings a reader compares runs by; the rest is in the tooltip (settingsDetail). */
function settingsText(s: IclSettings): string {
  return [`n = ${s.n}`, `d = ${s.d}`, `heads = ${s.heads}`, `k = ${s.k}`, `batch = ${s.batch}`, `steps = ${s.steps}`, `lr = ${num(s.lr)}`, `repeats = ${s.repeats}`, `η grid ${num(s.etamin)}…${num(s.etamax)} × ${s.etacount}`, `tasks = ${s.tasks}`].join(' · ');
}

function settingsDetail(s: IclSettings): string {
  return [
    `seed = ${s.seed} (repeat r uses seed + r)`,
    `words a_i, a_q ~ ${distributionText(s.words)}`,
    `x* ~ ${distributionText(s.xstar)}`,
    `Adam lr = ${num(s.lr)}, β1 = ${num(s.beta1)}, β2 = ${num(s.beta2)}`,
    `evaluated every ${s.every} steps on ${s.tasks} held-out tasks`,
    `η chosen on ${s.etatasks} other tasks from ${s.etacount} values ${num(s.etamin)}…${num(s.etamax)}, log-spaced`,
  ].join('\n');
}

function distributionText(d: Distribution): string {
  return d.kind === 'normal' ? `normal(mean = ${num(d.mean)}, scale = ${num(d.scale)})` : `uniform(${num(d.low)}, ${num(d.high)})`;
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
