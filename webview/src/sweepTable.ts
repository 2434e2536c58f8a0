/**
 * A sweep's table: per value of the swept setting, where its experiment is and the server's mean ± std at the last
 * step all its started repeats reached (the row its point in the figure shows); below, each point's verdict sentence
 * (common/iclVerdict.ts).
 *
 * DOM hooks for tests and tools: table.sweep-points with rows tr[data-point] (1-based, in the sweep's order) carrying
 * data-phase (sweepModel.ts PointPhase) and data-step; their cells td[data-quantity] hold data-mean and data-std at
 * full precision. ol.sweep-verdicts li[data-point].
 */
import type { IclSummaryPoint, MeanStd } from '../../protocol/experiment';
import { el } from './dom';
import { PriorityColumns } from './priorityColumns';
import { latestCommonRow, verdictOf } from './experimentModel';
import { fillMeanStd } from './experimentTable';
import { phaseOf, pointName, type PointPhase, type SweepState } from './sweepModel';

const QUANTITIES: [string, string, string, (p: IclSummaryPoint) => MeanStd | undefined][] = [
  [
    'tfRatio',
    'layer / uniform',
    'Held-out loss of the trained layer divided by the uniform prediction’s on the same tasks',
    (p) => p.tfRatio,
  ],
  ['gdRatio', 'GD / uniform', 'The same ratio for one gradient-descent step', (p) => p.gdRatio],
  ['linGdRatio', 'lin GD / uniform', 'The same ratio for linearised GD (one GD step to first order in η)', (p) => p.linGdRatio],
  ['modelCos', 'Model Cos', 'Mean over held-out tasks of cos(∂ŷ_TF/∂a_q, ∂ŷ_GD/∂a_q)', (p) => p.modelCos],
];

export class SweepTable {
  readonly root: HTMLElement;
  private readonly rows: HTMLTableRowElement[];
  private readonly verdicts = el('ol', { className: 'sweep-verdicts' });
  private readonly items: HTMLLIElement[];
  private readonly columns: PriorityColumns;

  constructor(
    private readonly run: SweepState,
    private readonly running: () => boolean,
  ) {
    const columns: [string, string][] = [
      [run.sweep.setting, 'The swept setting’s value'],
      ['status', 'Where this value’s experiment is'],
      ['repeats', 'Repeats the row averages over, of those planned'],
      ['step', 'The Adam step of the row: the last one all of them reached'],
      ...QUANTITIES.map(([, h, title]): [string, string] => [h, title]),
    ];
    // The status is words: left-aligned, unlike the numbers.
    const head = el(
      'tr',
      {},
      columns.map(([h, title], c) => el('th', { text: h, title, className: c === 1 ? 'text' : '' })),
    );
    this.rows = run.points.map((_, i) =>
      el(
        'tr',
        { data: { point: String(i + 1) } },
        columns.map((_c, c) => el('td', { className: c === 1 ? 'text' : '' })),
      ),
    );
    this.items = run.points.map((_, i) => el('li', { data: { point: String(i + 1) } }));
    const table = el('table', { className: 'numbers sweep-points' }, [el('thead', {}, [head]), el('tbody', {}, this.rows)]);
    this.root = el('div', {}, [el('div', { className: 'table-scroll' }, [table]), this.verdicts]);
    // Narrow: the value, its status, the layer's and GD's ratios and the alignment stay.
    this.columns = new PriorityColumns(table, [2, 3, 6]);
    this.update();
  }

  update() {
    const s = this.run;
    s.points.forEach((point, i) => {
      const row = this.rows[i];
      const phase = phaseOf(s, i, this.running());
      const summary = latestCommonRow(point);
      const [value, status, repeats, step, ...cells] = row.cells;
      value.textContent = String(point.value);
      status.textContent = this.statusText(i, phase);
      repeats.textContent = summary ? `${summary.count} / ${point.settings.repeats}` : '—';
      step.textContent = summary ? `${summary.step} / ${point.settings.steps}` : '—';
      QUANTITIES.forEach(([key, , , pick], q) => fillMeanStd(cells[q], key, summary && pick(summary)));
      row.dataset.phase = phase;
      row.dataset.step = summary ? String(summary.step) : '';
      const verdict = verdictOf(point);
      this.items[i].textContent = verdict ? `${pointName(s, i)}: ${verdict}` : '';
    });
    const shown = this.items.filter((li) => li.textContent);
    this.verdicts.replaceChildren(...shown);
    this.verdicts.hidden = !shown.length;
    this.columns.sync();
  }

  private statusText(i: number, phase: PointPhase): string {
    const stop = this.run.points[i].result?.stopReason;
    switch (phase) {
      case 'done':
        return 'done';
      case 'running':
        return 'running';
      case 'queued':
        return this.run.result || !this.running() ? 'not run' : 'queued';
      case 'partial':
        return stop === 'cancelled' ? 'cancelled' : stop === 'nonFinite' ? 'non-finite value' : stop === 'error' ? 'error' : 'incomplete';
    }
  }
}
