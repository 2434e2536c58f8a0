/**
 * One run in the panel: header (file, problem, status, Cancel), the trajectory chart with a metric switch, and
 * the per-block summary table. DOM hooks for tests and tools: the card has data-run-id and data-status; each
 * block row has data-run-index, data-points (points on screen after the last redraw, not merely received) and
 * data-stop-reason once the block ended. A finished run with bound or tensor checks adds them below (checks.ts).
 */
import { Checks } from './checks';
import { TrajectoryChart, METRIC_LABEL } from './chart';
import { el } from './dom';
import { duration, num, optionsText } from './format';
import { isBadStop, METRICS, stopReasonText, type BlockState, type Metric, type RunState } from './model';

const STATUS_TEXT = { running: 'running', finished: 'finished', cancelled: 'cancelled', failed: 'failed', interrupted: 'interrupted' } as const;
/** The header spells out what an interruption means for the data; the rows keep the short word. */
const INTERRUPTED_TEXT = 'interrupted: the language server stopped; the points received are kept';

export class RunCard {
  readonly root: HTMLElement;
  private readonly status: HTMLElement;
  private readonly cancel?: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly rows: HTMLTableRowElement[] = [];
  private chart?: TrajectoryChart;
  private checks?: Checks;

  constructor(
    readonly run: RunState,
    private readonly opts: { live: boolean; metric: Metric; boundsBlock(): number | undefined; onCancel(runId: string): void; onMetric(metric: Metric): void; onBoundsBlock(index: number): void },
  ) {
    const p = run.problem;
    this.status = el('span', { className: 'status' });
    this.error = el('pre', { className: 'error', attrs: { role: 'alert' } });
    const header = el('header', {}, [
      el('h2', { text: run.title, title: run.source }),
      el('span', { className: 'problem', text: run.blocks.length ? `${p.kind} ${p.variant} · n = ${p.n} · d = ${p.d}${p.reg ? ` · reg = ${num(p.reg)}` : ''}` : '' }),
      this.status,
    ]);
    if (opts.live) {
      this.cancel = el('button', { className: 'cancel', text: 'Cancel', title: 'Stop this run; the iterations so far are kept' });
      this.cancel.addEventListener('click', () => {
        run.cancelRequested = true;
        opts.onCancel(run.runId);
        this.update();
      });
      header.append(this.cancel);
    }
    this.root = el('section', { className: 'run', data: { runId: run.runId } }, [header, this.error]);
    if (run.blocks.length) {
      const metrics = el('div', { className: 'metrics', attrs: { role: 'radiogroup', 'aria-label': 'Plotted quantity' } });
      for (const m of METRICS) {
        const id = `${run.runId}-${m}`;
        const input = el('input', { attrs: { type: 'radio', name: `metric-${run.runId}`, id, value: m } });
        input.checked = m === opts.metric;
        input.addEventListener('change', () => {
          this.chart?.setMetric(m);
          opts.onMetric(m);
          this.update();
        });
        metrics.append(el('label', { attrs: { for: id } }, [input, METRIC_LABEL[m]]));
      }
      const chartHost = el('div', { className: 'chart' });
      this.root.append(metrics, chartHost, el('div', { className: 'table-scroll' }, [this.table()]));
      this.chart = new TrajectoryChart(chartHost, run.blocks, opts.metric, (drawn) => drawn.forEach((n, i) => (this.rows[i].dataset.points = String(n))));
    }
    this.update();
  }

  /** Reflects the run's current state; cheap enough to call on every message. */
  update() {
    const run = this.run;
    this.root.dataset.status = run.status;
    this.status.textContent = run.cancelRequested && run.status === 'running' ? 'cancelling…' : run.status === 'interrupted' ? INTERRUPTED_TEXT : STATUS_TEXT[run.status];
    this.status.className = `status ${run.status}`;
    if (this.cancel) {
      this.cancel.hidden = run.status !== 'running';
      this.cancel.disabled = !!run.cancelRequested;
    }
    const messages = [run.error, ...run.blocks.filter((b) => b.result && isBadStop(b.result.final.stopReason)).map((b) => `#${b.spec.index + 1} ${b.spec.label}: ${b.result!.final.message ?? b.result!.final.stopReason}`)];
    this.error.textContent = messages.filter(Boolean).join('\n');
    this.error.hidden = !this.error.textContent;
    this.chart?.update();
    run.blocks.forEach((b, i) => this.fillRow(this.rows[i], b));
    // Checks arrive all at once with the final result, so their section is built once.
    if (!this.checks && (run.dataMove || run.tensor || run.blocks.some((b) => b.result?.bounds))) {
      this.checks = new Checks(run, { block: this.opts.boundsBlock(), onBlock: this.opts.onBoundsBlock });
      this.root.append(this.checks.root);
    }
  }

  rethemed() {
    this.chart?.create();
    this.checks?.rethemed();
  }

  destroy() {
    this.chart?.destroy();
    this.checks?.destroy();
    this.root.remove();
  }

  private table(): HTMLTableElement {
    const head = ['#', 'method', 'status', 'k', 'initial loss', 'final loss', 'final ‖∇L‖', 'time'];
    const body = el('tbody');
    for (const b of this.run.blocks) {
      const row = el('tr', { data: { runIndex: String(b.spec.index), points: '0' } });
      for (let i = 0; i < head.length; i++) row.append(el('td'));
      row.cells[0].textContent = String(b.spec.index + 1);
      row.cells[1].textContent = b.spec.method;
      row.cells[1].title = optionsText(b.spec.options);
      this.rows.push(row);
      body.append(row);
    }
    return el('table', { className: 'summary' }, [el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h })))]), body]);
  }

  private fillRow(row: HTMLTableRowElement, b: BlockState) {
    const t = b.trajectory;
    const last = t.k.length - 1;
    const final = b.result?.final;
    const c = row.cells;
    if (final) {
      row.dataset.stopReason = final.stopReason;
      c[2].textContent = final.stopReason === 'cancelled' ? `cancelled at k = ${final.iterations}` : stopReasonText(final.stopReason);
      c[2].title = final.message ?? '';
      c[2].className = isBadStop(final.stopReason) ? 'bad' : '';
    } else {
      c[2].textContent = this.run.status === 'running' ? (last >= 0 ? `${Math.round((100 * t.k[last]) / Math.max(1, b.maxSteps))}%` : 'queued') : STATUS_TEXT[this.run.status];
    }
    c[3].textContent = last >= 0 ? `${t.k[last]} / ${b.maxSteps}` : '—';
    c[4].textContent = num(t.loss[0]);
    c[5].textContent = num(final ? final.loss : t.loss[last]);
    c[6].textContent = num(t.gradNorm[last]);
    c[7].textContent = final ? duration(final.elapsedMs) : '';
  }
}
