/**
 * A solve run's part of its card (card.ts): what changed since the file's previous run and the speed and time left
 * (header), the trajectory charts side by side (metricCharts.ts), the per-block summary table, the comparison with
 * other runs of the file (compare.ts); once the run answered, its bound and tensor checks (checks.ts).
 *
 * DOM hooks for tests and tools: the chart hosts .chart[data-metric][data-points] (metricCharts.ts,
 * trajectoryChart.ts); each block row tr[data-run-index] with data-points (the block's points on screen after the
 * last redraw, not merely received) and data-stop-reason once the block stopped.
 */
import { duration, num, optionsText } from '../../common/format';
import { isBadStop, stopReasonText } from '../../common/verdicts';
import type { CardContext, KindCard } from './card';
import { CardEta } from './cardEta';
import { Checks } from './checks';
import { Compare } from './compare';
import { el } from './dom';
import { MatrixSection } from './matrixSection';
import { solveExports } from './export/solveExports';
import type { Exportable } from './exportable';
import { MetricCharts } from './metricCharts';
import { PriorityColumns } from './priorityColumns';
import type { StartedRun } from './run';
import type { BlockState } from './solveModel';

export class SolveCard implements KindCard {
  readonly subtitle: string;
  readonly header: HTMLElement[] = [];
  readonly body: HTMLElement[] = [];
  readonly unit = 'points';
  private readonly rows: HTMLTableRowElement[] = [];
  /** Where the checks go once the result brings them. */
  private readonly checksHost = el('div');
  private readonly charts?: MetricCharts;
  private readonly compare?: Compare;
  private readonly eta = new CardEta();
  private columns?: PriorityColumns;
  private checks?: Checks;
  /** The heatmaps of the run's matrices (matrixSection.ts), once the result brings them. */
  private matrices?: MatrixSection;
  private readonly matricesHost = el('div');
  /** The trajectory and the summary table (export/solveExports.ts). */
  private parts: () => Exportable[] = () => [];

  constructor(
    private readonly run: StartedRun<'solve'>,
    private readonly ctx: CardContext,
  ) {
    const { problem: p, blocks } = run.state;
    this.subtitle = `${p.kind} ${p.variant} · n = ${p.n} · d = ${p.d}${p.reg ? ` · reg = ${num(p.reg)}` : ''}`;
    this.body.push(this.checksHost, this.matricesHost);
    this.header.push(this.eta.root);
    if (!blocks.length) return;
    const table = el('div', { className: 'table-scroll' }, [this.table()]);
    // The comparison first: the charts draw its overlays from their first frame.
    this.compare = new Compare(run, ctx, () => this.charts?.redraw());
    this.header.unshift(this.compare.changes);
    const compare = this.compare;
    this.charts = new MetricCharts(
      run,
      ctx,
      () => compare.overlays(),
      (drawn) => drawn.forEach((n, i) => (this.rows[i].dataset.points = String(n))),
    );
    this.body.unshift(this.charts.controls, this.charts.root, table, this.compare.root);
    const charts = this.charts;
    this.parts = solveExports(run, () => charts.list());
  }

  update() {
    const s = this.run.state;
    this.charts?.update();
    this.eta.update(
      this.run.status === 'running',
      s.blocks.map((b) => {
        const done = b.trajectory.k.at(-1) ?? 0;
        return { done, total: b.stop ? done : b.maxSteps };
      }),
    );
    s.blocks.forEach((b, i) => this.fillRow(this.rows[i], b));
    this.columns?.sync();
    // Checks arrive all at once with the final result, so their section is built once.
    if (!this.checks && (s.dataMove || s.tensor || s.blocks.some((b) => b.result?.bounds))) {
      this.checks = new Checks(this.run.runId, s, {
        block: this.ctx.prefs.boundsBlock,
        onBlock: (index) => (this.ctx.prefs.boundsBlock = index),
      });
      this.checksHost.append(this.checks.root);
    }
    if (!this.matrices && s.matrices) {
      this.matrices = new MatrixSection(this.run.runId, s, s.matrices.target);
      this.matricesHost.append(this.matrices.root);
    }
  }

  destroy() {
    this.charts?.destroy();
    this.compare?.destroy();
    this.checks?.destroy();
    this.matrices?.destroy();
  }

  badStop(): string | undefined {
    const bad = this.stopped().filter((b) => isBadStop(b.stop.reason));
    return bad.length ? bad.map((b) => `${stopReasonText(b.stop.reason)} at k = ${b.stop.k}${this.which(b)}`).join(', ') : undefined;
  }

  cancelledWhere(): string | undefined {
    const b = this.stopped().find((x) => x.stop.reason === 'cancelled');
    return b && `at k = ${b.stop.k}${this.which(b)}`;
  }

  errors(): string[] {
    return this.stopped()
      .filter((b) => isBadStop(b.stop.reason))
      .map((b) => `${blockName(b)}: ${b.stop.message ?? stopReasonText(b.stop.reason)}`);
  }

  /** Its parts' Exportables: the trajectory and summary, then the checks'. */
  exports(): Exportable[] {
    return [...this.parts(), ...(this.checks?.exports ?? []), ...(this.matrices?.exports() ?? [])];
  }

  /** The stops are on the block rows. */
  data(): Record<string, string> {
    return {};
  }

  private stopped() {
    return this.run.state.blocks.filter((b): b is BlockState & { stop: NonNullable<BlockState['stop']> } => !!b.stop);
  }

  /** The block, when the run has several. */
  private which(b: BlockState): string {
    return this.run.state.blocks.length > 1 ? ` (${blockName(b)})` : '';
  }

  private table(): HTMLTableElement {
    const head = ['#', 'method', 'status', 'k', 'initial loss', 'final loss', 'final ‖∇L‖', 'time'];
    const body = el('tbody');
    for (const b of this.run.state.blocks) {
      const row = el('tr', { data: { runIndex: String(b.spec.index), points: '0' } });
      for (let i = 0; i < head.length; i++) row.append(el('td'));
      row.cells[0].textContent = String(b.spec.index + 1);
      row.cells[1].textContent = b.spec.method;
      row.cells[1].title = optionsText(b.spec.options);
      this.rows.push(row);
      body.append(row);
    }
    const table = el('table', { className: 'summary' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          head.map((h) => el('th', { text: h })),
        ),
      ]),
      body,
    ]);
    // Narrow: the block, its method, status, step and final loss stay.
    this.columns = new PriorityColumns(table, [4, 6, 7]);
    return table;
  }

  private fillRow(row: HTMLTableRowElement, b: BlockState) {
    const t = b.trajectory;
    const last = t.k.length - 1;
    const final = b.result?.final;
    const c = row.cells;
    if (b.stop) {
      row.dataset.stopReason = b.stop.reason;
      c[2].textContent = b.stop.reason === 'cancelled' ? `cancelled at k = ${b.stop.k}` : stopReasonText(b.stop.reason);
      c[2].title = b.stop.message ?? '';
      c[2].className = isBadStop(b.stop.reason) ? 'bad' : '';
    } else {
      const status = this.run.status;
      c[2].textContent =
        status === 'running' ? (last >= 0 ? `${Math.round((100 * t.k[last]) / Math.max(1, b.maxSteps))}%` : 'queued') : status;
    }
    c[3].textContent = last >= 0 ? `${t.k[last]} / ${b.maxSteps}` : '—';
    c[4].textContent = num(t.loss[0]);
    c[5].textContent = num(final ? final.loss : t.loss[last]);
    c[6].textContent = num(t.gradNorm[last]);
    c[7].textContent = final ? duration(final.elapsedMs) : '';
  }
}

function blockName(b: BlockState): string {
  return `#${b.spec.index + 1} ${b.spec.label}`;
}
