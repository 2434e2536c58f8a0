/**
 * The checks of a finished run: the bounds (math spec §3.3–§3.6, §4.8, §6.4) and the tensor trick (§4.2–§4.5).
 * Each weight step k → k+1 is exactly the old weights on a shifted target b̃; per solve block, a table with one row
 * per bound on ‖b̃ − b‖ and a chart over the steps (one block at a time, chosen by a radio group). Then the
 * self-attention data move, layer by layer, the closeness of the two shifts, and the tensor check.
 *
 * DOM hooks for tests and tools: table.bounds[data-run-index] (the move's: [data-source="move"]) with rows
 * tr[data-bound][data-kind][data-holds][data-violations]; the chart host .bounds-chart[data-run-index][data-points]
 * (steps on screen after the last draw); table.move tr[data-layer][data-holds]; table.closeness tr[data-block-index];
 * table.tensor (see tensorTable.ts).
 */
import { num } from '../../common/format';
import { boundValueVerdict, boundVerdict, type BoundVerdict } from '../../common/verdicts';
import type { BoundSummary, BoundValue, DataMoveReport, PaperAssumptions, BlockBounds } from '../../protocol/bounds';
import { BoundsChart, SHORT_LABEL } from './boundsChart';
import { el } from './dom';
import { boundsChartExport, checksTables } from './export/checksExports';
import type { Exportable } from './exportable';
import { formula, powerOfTenNode } from './formula';
import { PriorityColumns } from './priorityColumns';
import type { BlockState, SolveState } from './solveModel';
import { tensorSection } from './tensorTable';

export interface ChecksOptions {
  /** The block (spec index) to chart, remembered across runs; the first with bounds when absent or unknown. */
  block?: number;
  onBlock(index: number): void;
}

type CheckedBlock = BlockState & { result: { bounds: BlockBounds } };

export class Checks {
  readonly root: HTMLElement;
  /** The bounds chart and every table, for the card's Export menu. */
  readonly exports: Exportable[] = [];
  private readonly chart?: BoundsChart;

  constructor(runId: string, run: SolveState, opts: ChecksOptions) {
    this.root = el('div', { className: 'checks' });
    const blocks = run.blocks.filter((b): b is CheckedBlock => !!b.result?.bounds);
    if (blocks.length) {
      const section = el('section', { className: 'bounds' }, [
        el('h3', {}, formula('Bounds on the target shift ‖b̃ − b‖')),
        el(
          'p',
          { className: 'note' },
          formula(
            'Each step x_k → x_{k+1} equals keeping x_k and moving the target b to b̃. Sharp bounds must hold at every step; the papers’ bound M·‖step‖ only where its assumptions do (R ≥ 4, ‖A·Δx‖∞ < 0.01, α ≥ β).',
          ),
        ),
      ]);
      const shown = blocks.find((b) => b.spec.index === opts.block) ?? blocks[0];
      const chartHost = el('div', { className: 'bounds-chart', data: { runIndex: String(shown.spec.index), points: '0' } });
      if (blocks.length > 1) {
        const picker = el('div', { className: 'choices', attrs: { role: 'radiogroup', 'aria-label': 'Solve block charted' } });
        for (const b of blocks) {
          const id = `${runId}-bounds-${b.spec.index}`;
          const input = el('input', { attrs: { type: 'radio', name: `bounds-${runId}`, id, value: String(b.spec.index) } });
          input.checked = b === shown;
          input.addEventListener('change', () => {
            chartHost.dataset.runIndex = String(b.spec.index);
            this.chart?.show(b.result.bounds);
            opts.onBlock(b.spec.index);
          });
          picker.append(el('label', { attrs: { for: id } }, [input, blockName(b)]));
        }
        section.append(picker);
      }
      const note = el('p', { className: 'note chart-note' });
      section.append(chartHost, note);
      for (const b of blocks) section.append(blockTable(b));
      this.root.append(section);
      this.chart = new BoundsChart(chartHost, shown.result.bounds, (clipped) => {
        chartHost.dataset.clipped = String(clipped);
        note.textContent = `${clipped ? 'The papers’ bound lies far above the others: it runs along the top edge, and the legend gives its value at the cursor. ' : ''}Click a legend entry to hide or show its line; drag across the chart to zoom into steps.`;
      });
      this.exports.push(boundsChartExport(this.chart, chartHost));
    }
    if (run.dataMove) this.root.append(dataMoveSection(run.dataMove));
    if (run.tensor) this.root.append(tensorSection(run.tensor));
    this.exports.push(...checksTables(run));
  }

  destroy() {
    this.chart?.destroy();
  }
}

/** A failure the theorem allows is a warning; any other, an error. */
const VERDICT_CLASS: Record<BoundVerdict, string> = { holds: 'ok', allowed: 'warn', fails: 'bad' };

function blockName(b: BlockState): string {
  return `#${b.spec.index + 1} ${b.spec.label}`;
}

function blockTable(b: CheckedBlock): HTMLElement {
  const r = b.result.bounds;
  const norms = r.norms.A !== undefined ? `‖A‖ = ${num(r.norms.A)}` : `‖A1‖ = ${num(r.norms.A1)}, ‖A2‖ = ${num(r.norms.A2)}`;
  return el('div', { className: 'bounds-block', data: { runIndex: String(b.spec.index) } }, [
    el('h4', { text: blockName(b) }),
    el('p', { className: 'meta' }, [
      // The summary counts every checked step; `steps` may be thinned (a run restored from the saved history).
      `${r.summary[0]?.stepsChecked ?? r.steps.length} steps checked · `,
      el('span', { className: 'exactness' }, formula(`b̃ exactness: max |L(x_k; b̃) − L(x_{k+1}; b)| = ${num(r.maxExactnessError, 3)}`)),
      ` · ${norms} (spectral)`,
    ]),
    el('div', { className: 'table-scroll' }, [summaryTable(r.summary, 'steps', { runIndex: String(b.spec.index) })]),
    messageList(r.messages, r.sharpViolations > 0),
  ]);
}

/** One row per bound over all steps (or layers) checked. */
function summaryTable(summary: BoundSummary[], unit: 'steps' | 'layers', data: Record<string, string>): HTMLTableElement {
  // The verdict comes second so a narrow panel shows it without scrolling the table sideways.
  // Observed, bound and tightness are read at the same step: the tightest one (the largest observed is in the tooltip).
  const head = ['bound', 'result', 'kind', 'observed', 'bound', 'tightness', 'at', 'assumptions met'];
  const body = el('tbody');
  for (const s of summary) {
    const paperScale = s.bound === undefined && s.boundLog10 !== undefined;
    // A paper-bound failure outside its assumptions is allowed by the theorem: a warning, not an error.
    const verdict = boundVerdict(s);
    const row = el('tr', { data: { bound: s.name, kind: s.kind, holds: String(verdict === 'holds'), violations: String(s.violations) } }, [
      el('td', { className: 'text wrap', title: s.name }, formula(s.label)),
      el('td', {
        className: `text wrap ${VERDICT_CLASS[verdict]}`,
        text:
          verdict === 'holds'
            ? '✓ holds'
            : `✗ fails on ${s.violations} / ${s.stepsChecked} ${unit}${verdict === 'allowed' ? ', all outside its assumptions' : ''}`,
      }),
      el('td', { className: 'text', text: s.kind }),
      el('td', { text: num(s.observedAtWorst), title: `largest observed over all ${unit}: ${num(s.worstObserved)}` }),
      el('td', {}, [paperScale ? powerOfTenNode(s.boundLog10!) : num(s.bound)]),
      // The papers' ratio sits 70-odd decades below 1 (it may even underflow): its power of ten reads better.
      el('td', { title: `observed / bound = ${num(s.tightness)}` }, [
        paperScale ? powerOfTenNode(Math.log10(s.observedAtWorst) - s.boundLog10!) : num(s.tightness, 3),
      ]),
      el('td', { text: unit === 'steps' ? `k = ${s.worstK}` : `layer ${s.worstK}` }),
      el('td', { text: s.assumptionsMetSteps === null ? '—' : `${s.assumptionsMetSteps} / ${s.stepsChecked} ${unit}` }),
    ]);
    body.append(row);
  }
  const table = el('table', { className: 'numbers bounds', data }, [thead(head, ['bound', 'result', 'kind']), body]);
  // Narrow: the bound, its verdict and its tightness stay.
  new PriorityColumns(table, [2, 3, 4, 6, 7]);
  return table;
}

/** Column headers; those over text columns align left with them. Headers wrap, but not inside ‖a − b‖. */
function thead(cols: string[], textCols: string[]): HTMLElement {
  return el('thead', {}, [
    el(
      'tr',
      {},
      cols.map((h) =>
        el(
          'th',
          { className: textCols.includes(h) ? 'text' : '' },
          h.includes(' − ') ? [el('span', { className: 'nowrap' }, formula(h))] : formula(h),
        ),
      ),
    ),
  ]);
}

function messageList(messages: string[], bad: boolean): HTMLElement {
  const list = el(
    'ul',
    { className: `messages${bad ? ' bad' : ''}`, ...(bad ? { attrs: { role: 'alert' } } : {}) },
    messages.map((m) => el('li', { text: m })),
  );
  list.hidden = messages.length === 0;
  return list;
}

function dataMoveSection(m: DataMoveReport): HTMLElement {
  const names = m.summary.map((s) => s.name);
  // The matrix form moves A1 and A2 and has a row per document position; the vector form has one ‖ΔA‖ and one row.
  const matrixForm = m.steps.some((s) => s.moveA1 !== undefined);
  const head = [
    'layer',
    ...(matrixForm ? ['‖ΔA1‖, ‖ΔA2‖'] : []),
    'move norm',
    '‖b̃ − b‖',
    ...(matrixForm ? ['worst row'] : []),
    'exactness',
    ...names.map((n) => SHORT_LABEL[n]),
    'papers’ assumptions',
  ];
  const body = el('tbody');
  for (const s of m.steps) {
    body.append(
      el('tr', { data: { layer: String(s.layer), holds: String(s.bounds.every((b) => b.holds)) } }, [
        el('td', { text: String(s.layer) }),
        ...(matrixForm ? [el('td', { text: `${num(s.moveA1)}, ${num(s.moveA2)}` })] : []),
        el('td', { text: num(s.moveNorm), title: matrixForm ? '‖ΔA1‖‖A2‖ + ‖A1′‖‖ΔA2‖, at least ‖A1′⊗A2′ − A1⊗A2‖' : '‖ΔA‖ spectral' }),
        el('td', { text: num(s.observedShift) }),
        ...(matrixForm ? [el('td', { text: num(s.observedRowMax) })] : []),
        el('td', { text: num(s.exactnessError, 3) }),
        ...names.map((n) => boundCell(s.bounds.find((b) => b.name === n))),
        el('td', { className: 'text wrap', text: assumptionsText(s.assumptions) }),
      ]),
    );
  }
  const closeness = el(
    'tbody',
    {},
    m.closeness.map((c) =>
      el('tr', { data: { blockIndex: String(c.runIndex) } }, [
        el('td', { className: 'text', text: `#${c.runIndex + 1} ${c.label}` }),
        el('td', { text: num(c.distance) }),
        el('td', { text: num(c.cosine) }),
        el('td', { text: num(c.gdShift) }),
        el('td', { text: num(c.saShift) }),
      ]),
    ),
  );
  const moveTable = el('table', { className: 'numbers move' }, [thead(head, ['papers’ assumptions']), body]);
  // Narrow: the layer, its move and the observed shift stay.
  new PriorityColumns(
    moveTable,
    head.map((_h, i) => i).filter((i) => !['layer', 'move norm', '‖b̃ − b‖'].includes(head[i])),
  );
  const section = el('section', { className: 'data-move' }, [
    el('h3', {}, formula('Data move: self-attention layers A_t → A_{t+1}')),
    el(
      'p',
      { className: 'note' },
      formula(
        `${m.layers} layer${m.layers === 1 ? '' : 's'}, head dimension ${m.headDim}, weights fixed at x0: each layer equals keeping A_t and moving the target to b̃.`,
      ),
    ),
    el('div', { className: 'table-scroll' }, [moveTable]),
    el('div', { className: 'table-scroll' }, [summaryTable(m.summary, 'layers', { source: 'move' })]),
    messageList(
      m.messages,
      m.summary.some((s) => s.kind !== 'paper' && s.violations > 0),
    ),
  ]);
  if (m.closeness.length) {
    section.append(
      el('h4', { text: 'Closeness: each run’s first step against the first layer' }),
      el('div', { className: 'table-scroll' }, [closenessTable(closeness)]),
    );
  }
  return section;
}

/** Narrow: the run, the distance between the shifts and their angle stay. */
function closenessTable(body: HTMLElement): HTMLTableElement {
  const table = el('table', { className: 'numbers closeness' }, [
    thead(['run', '‖b̃_GD − b̃_SA‖', 'cos∠(shifts)', '‖b̃_GD − b‖', '‖b̃_SA − b‖'], ['run']),
    body,
  ]);
  new PriorityColumns(table, [3, 4]);
  return table;
}

/** A bound's value at one layer, marked ✓ / ✗; a papers' failure outside its assumptions is only a warning. */
function boundCell(v: BoundValue | undefined): HTMLTableCellElement {
  if (!v) return el('td', { text: '—' });
  const value = v.value === undefined && v.log10 !== undefined ? powerOfTenNode(v.log10) : num(v.value);
  return el(
    'td',
    { className: VERDICT_CLASS[boundValueVerdict(v)], title: `observed ${num(v.observed)}, observed / bound = ${num(v.ratio)}` },
    [value, ` ${v.holds ? '✓' : '✗'}`],
  );
}

/** "met (R = 4.1)" or which of R ≥ 4, ‖A·Δ‖∞ < 0.01, α ≥ β, ‖b‖ ≤ R failed. */
function assumptionsText(a: PaperAssumptions): string {
  const failed = [
    a.rAtLeast4 ? '' : `R = ${num(a.R, 3)} < 4`,
    a.stepInfOk ? '' : `‖ΔS‖∞ = ${num(a.stepInf, 3)} ≥ 0.01`,
    a.alphaOk ? '' : 'α < β',
    a.bOk === false ? `‖b‖ = ${num(a.bNorm ?? NaN, 3)} > R` : '',
  ].filter(Boolean);
  return failed.length ? `not met: ${failed.join(', ')}` : `met (R = ${num(a.R, 3)})`;
}
