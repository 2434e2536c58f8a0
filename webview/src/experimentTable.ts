/**
 * The per-repeat table of an experiment: what each repeat fixed (seed, η, the baselines' losses) and its latest
 * checkpoint; below, the server's mean ± std row at the last step every started repeat reached (common/stats.ts
 * `commonRow`), every column included: the server's rows carry the starts' η and baselines over the same repeats.
 *
 * DOM hooks for tests and tools: table.icl-repeats with rows tr[data-repeat] (1-based) carrying data-step (latest
 * checkpoint) and data-eta-at-edge; the footer row tr.icl-summary[data-step][data-count] (hidden until the repeats
 * share a step), whose cells td[data-quantity] hold data-mean and data-std at full precision.
 */
import { num } from '../../common/format';
import type { MeanStd } from '../../protocol/experiment';
import { el } from './dom';
import { PriorityColumns } from './priorityColumns';
import { latestCommonRow, type ExperimentState, type RepeatState } from './experimentModel';

const COLUMNS: [string, string][] = [
  ['#', 'Repeat'],
  ['seed', 'The repeat’s seed: its tasks and initial weights'],
  ['η', 'Step size of the one-step GD baseline, chosen on the repeat’s own η-tasks from the grid'],
  ['uniform loss', 'Held-out loss of the uniform prediction 1/(n+1) (η = 0): what learning nothing scores'],
  ['GD loss', 'Held-out loss after one gradient-descent step with η'],
  ['lin GD loss', 'Held-out loss of linearised GD: one GD step expanded to first order in η, with its own least-squares η'],
  ['step', 'Adam steps at the latest checkpoint'],
  ['TF loss', 'Held-out loss of the trained layer'],
  ['Preds Diff', 'Mean over held-out tasks of |ŷ_TF − ŷ_GD|'],
  ['Model Diff', 'Mean over held-out tasks of ‖∂ŷ_TF/∂a_q − ∂ŷ_GD/∂a_q‖₂'],
  ['Model Cos', 'Mean over held-out tasks of cos(∂ŷ_TF/∂a_q, ∂ŷ_GD/∂a_q)'],
  ['train loss', 'Mean training loss over the Adam steps since the previous checkpoint'],
];

export class RepeatTable {
  readonly root: HTMLElement;
  private readonly body = el('tbody');
  private readonly summary = el('tr', { className: 'icl-summary' }, [
    el('td', { className: 'text' }),
    ...COLUMNS.slice(1).map(() => el('td')),
  ]);
  private readonly rows = new Map<number, HTMLTableRowElement>();
  private readonly columns: PriorityColumns;

  constructor(private readonly run: ExperimentState) {
    const head = el(
      'tr',
      {},
      COLUMNS.map(([h, title]) => el('th', { text: h, title })),
    );
    const table = el('table', { className: 'numbers icl-repeats' }, [el('thead', {}, [head]), this.body, el('tfoot', {}, [this.summary])]);
    this.root = el('div', { className: 'table-scroll' }, [table]);
    // Narrow: the repeat, its step, the trained layer's and GD's losses and the alignment stay.
    this.columns = new PriorityColumns(table, [1, 2, 3, 5, 8, 9, 11]);
    this.update();
  }

  update() {
    let added = false;
    for (const r of this.run.repeats) {
      let row = this.rows.get(r.repeat);
      if (!row) {
        row = el(
          'tr',
          { data: { repeat: String(r.repeat + 1) } },
          COLUMNS.map(() => el('td')),
        );
        this.rows.set(r.repeat, row);
        added = true;
      }
      this.fillRow(row, r);
    }
    if (added) this.body.replaceChildren(...this.run.repeats.map((r) => this.rows.get(r.repeat)!));
    this.fillSummary();
    this.columns.sync();
  }

  private fillRow(row: HTMLTableRowElement, r: RepeatState) {
    const s = r.start;
    const c = r.checkpoints.at(-1);
    const cells = row.cells;
    cells[0].textContent = String(r.repeat + 1);
    cells[1].textContent = s ? String(s.seed) : '—';
    this.fillEta(cells[2], r);
    cells[3].textContent = num(s?.zeroLoss);
    cells[4].textContent = num(s?.gdLoss);
    cells[5].textContent = num(s?.linGdLoss);
    cells[6].textContent = c ? `${c.step} / ${this.run.settings.steps}` : '—';
    cells[7].textContent = num(c?.tfLoss);
    cells[8].textContent = num(c?.predsDiff);
    cells[9].textContent = num(c?.modelDiff);
    cells[10].textContent = num(c?.modelCos);
    cells[11].textContent = num(c?.trainLoss);
    row.dataset.step = c ? String(c.step) : '';
    row.dataset.etaAtEdge = String(!!s?.etaAtEdge);
  }

  /** η, flagged when it is the first or last value of the grid: the best step size may lie outside. */
  private fillEta(cell: HTMLTableCellElement, r: RepeatState) {
    const s = r.start;
    cell.replaceChildren(num(s?.eta));
    cell.className = s?.etaAtEdge ? 'warn' : '';
    cell.title = '';
    if (!s?.etaAtEdge) return;
    const { etamin, etamax } = this.run.settings;
    // Which end: the nearer one in log scale, as the grid is spaced.
    const low = Math.abs(Math.log(s.eta / etamin)) <= Math.abs(Math.log(s.eta / etamax));
    cell.title = `η = ${num(s.eta)} is the ${low ? 'smallest' : 'largest'} value of the grid ${num(etamin)}…${num(etamax)}: the best step size may lie ${low ? 'below' : 'above'} it, so the GD baseline may be weaker than one step of GD can be. Widen the grid (${low ? 'etamin' : 'etamax'}).`;
    cell.append(' ', el('span', { className: 'edge-flag', text: '⚠ edge' }));
  }

  private fillSummary() {
    const row = this.summary;
    const point = latestCommonRow(this.run);
    row.hidden = !point;
    if (!point) return;
    const repeatsText = `${point.count} repeat${point.count === 1 ? '' : 's'}`;
    row.dataset.step = String(point.step);
    row.dataset.count = String(point.count);
    row.title = `Mean ± standard deviation (population) over the ${repeatsText} at step ${point.step}, the last step all of them reached`;
    // The label sits in the repeat column; the seed column stays empty.
    const [label, , eta, zero, gd, linGd, at, tf, preds, model, cos, train] = row.cells;
    label.replaceChildren('mean ± std', ' ', el('span', { className: 'std', text: repeatsText }));
    fillMeanStd(eta, 'eta', point.eta);
    fillMeanStd(zero, 'zeroLoss', point.zeroLoss);
    fillMeanStd(gd, 'gdLoss', point.gdLoss);
    fillMeanStd(linGd, 'linGdLoss', point.linGdLoss);
    at.textContent = `${point.step} / ${this.run.settings.steps}`;
    fillMeanStd(tf, 'tfLoss', point.tfLoss);
    fillMeanStd(preds, 'predsDiff', point.predsDiff);
    fillMeanStd(model, 'modelDiff', point.modelDiff);
    fillMeanStd(cos, 'modelCos', point.modelCos);
    // Absent at step 0, where no Adam step has run yet.
    fillMeanStd(train, 'trainLoss', point.trainLoss);
  }
}

/**
 * "mean ± std", the std on a line of its own so the table stays as narrow as its number columns; "—" for a quantity
 * the row lacks (a report written before the server summarized it).
 */
export function fillMeanStd(cell: HTMLTableCellElement, quantity: string, v: MeanStd | undefined) {
  cell.dataset.quantity = quantity;
  cell.dataset.mean = String(v?.mean);
  cell.dataset.std = String(v?.std);
  cell.replaceChildren(num(v?.mean), ...(v ? [' ', el('span', { className: 'std', text: `± ${num(v.std, 2)}` })] : []));
}
