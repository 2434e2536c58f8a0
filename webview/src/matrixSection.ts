/**
 * The "Matrices" section of a finished solve run's card, a disclosure: at a point picked from the initial one and
 * each block's final one, heatmaps (heatmap.ts) of the target B, the prediction rowsoftmax(A1·X·A2ᵀ) (softmax(A·x) as
 * a column for the vector form) on one sequential scale, their difference prediction − B and X on diverging scales
 * centred on 0, then the rows the fit misses most. Every number is the server's (protocol/results.ts MatrixData).
 *
 * DOM hooks for tests and tools: details.matrices[data-point] ("initial", or the block's index) > summary;
 * select.matrix-point; .matrix-slot[data-slot="target"|"prediction"|"difference"|"X"] each holding a figure.heatmap;
 * table.worst-rows tr[data-row] (1-based).
 */
import { num } from '../../common/format';
import type { MatrixData, PointMatrices, ProblemSummary } from '../../protocol/results';
import { el } from './dom';
import type { Exportable, ExportFormat } from './exportable';
import { formula } from './formula';
import { Heatmap } from './heatmap';
import type { ScaleKind } from './heatmapScale';
import type { SolveState } from './solveModel';

const SLOTS = ['target', 'prediction', 'difference', 'X'] as const;
type Slot = (typeof SLOTS)[number];

interface Point {
  /** "initial", or the block's index. */
  key: string;
  name: string;
  matrices: PointMatrices;
}

export class MatrixSection {
  readonly root: HTMLDetailsElement;
  private readonly points: Point[];
  private readonly slots = {} as Record<Slot, HTMLElement>;
  private heatmaps = {} as Record<Slot, Heatmap>;
  private readonly worst = el('div', { className: 'worst-rows' });
  private readonly parts: Exportable[];
  private readonly names: Record<Slot, { label: string; what: string }>;
  private readonly vector: boolean;

  constructor(
    runId: string,
    state: SolveState,
    private readonly target: MatrixData,
  ) {
    const vector = (this.vector = state.problem.kind === 'softmax');
    this.names = names(state.problem);
    this.points = [
      ...(state.matrices ? [{ key: 'initial', name: 'the initial point', matrices: state.matrices.initial }] : []),
      ...state.blocks.flatMap((b) =>
        b.result?.matrices
          ? [{ key: String(b.spec.index), name: `the final point of #${b.spec.index + 1} ${b.spec.label}`, matrices: b.result.matrices }]
          : [],
      ),
    ];
    this.root = el('details', { className: 'matrices' }, [el('summary', { text: 'Matrices' })]);
    const id = `${runId}-matrix-point`;
    const select = el('select', { className: 'matrix-point', attrs: { id } });
    for (const p of this.points) select.append(el('option', { text: p.name, attrs: { value: p.key } }));
    select.addEventListener('change', () => this.show(select.value));
    const grid = el('div', { className: 'matrix-grid' });
    for (const s of SLOTS) grid.append((this.slots[s] = el('div', { className: 'matrix-slot', data: { slot: s } })));
    this.root.append(
      el('p', { className: 'note' }, [
        ...formula(
          vector
            ? 'The target b, the prediction softmax(A·x) and their difference, as columns (row i is entry i), and x. '
            : 'The target B, the prediction rowsoftmax(A1·X·A2ᵀ), their difference and X. ',
        ),
        'The target and the prediction share one colour scale; the difference and X have their own, centred on 0. Hover a cell, or focus a heatmap and use the arrow keys, to read values.',
      ]),
      el('label', { className: 'matrix-point-label', attrs: { for: id } }, ['At ']),
      select,
      grid,
      this.worst,
    );
    // The final point of the first block that has one: where the fit stands.
    const shown = this.points.find((p) => p.key !== 'initial') ?? this.points[0];
    if (shown) {
      select.value = shown.key;
      this.show(shown.key);
    }
    this.parts = SLOTS.map((s) => slotExport(this.names[s].label, this.slots[s], () => this.heatmaps[s]));
  }

  /** The four heatmaps of the point shown, by stable labels (the picked point is in each file's title). */
  exports(): Exportable[] {
    return this.parts;
  }

  destroy() {
    for (const h of Object.values(this.heatmaps)) h.destroy();
  }

  private show(key: string) {
    const p = this.points.find((x) => x.key === key);
    if (!p) return;
    this.destroy();
    this.root.dataset.point = key;
    const m = p.matrices;
    // The target and the prediction on one scale, so equal colours mean equal values.
    const range: [number, number] = [
      Math.min(this.target.stats.min, m.prediction.stats.min),
      Math.max(this.target.stats.max, m.prediction.stats.max),
    ];
    const spec: Record<Slot, { matrix: MatrixData; scale: ScaleKind; range?: [number, number] }> = {
      target: { matrix: this.target, scale: 'sequential', range },
      prediction: { matrix: m.prediction, scale: 'sequential', range },
      difference: { matrix: m.difference, scale: 'diverging' },
      X: { matrix: m.X, scale: 'diverging' },
    };
    for (const s of SLOTS) {
      const { label, what } = this.names[s];
      const h = new Heatmap({ label, title: s === 'target' ? what : `${what} at ${p.name}`, ...spec[s] });
      this.heatmaps[s] = h;
      this.slots[s].replaceChildren(h.root);
    }
    this.worst.replaceChildren(...worstRows(m.difference, this.names.difference.what, this.vector));
  }
}

function names(p: ProblemSummary): Record<Slot, { label: string; what: string }> {
  if (p.kind === 'softmax')
    return {
      target: { label: 'b (target)', what: 'b (target)' },
      prediction: { label: 'prediction', what: 'softmax(A·x)' },
      difference: { label: 'prediction − b', what: 'softmax(A·x) − b' },
      X: { label: 'x', what: 'x' },
    };
  return {
    target: { label: 'B (target)', what: 'B (target)' },
    prediction: { label: 'prediction', what: 'rowsoftmax(A1·X·A2ᵀ)' },
    difference: { label: 'prediction − B', what: 'rowsoftmax(A1·X·A2ᵀ) − B' },
    X: { label: 'X', what: 'X' },
  };
}

/** An export of whichever heatmap the slot holds now. */
function slotExport(label: string, element: HTMLElement, current: () => Heatmap): Exportable {
  return {
    label,
    element,
    get formats(): readonly ExportFormat[] {
      return current().formats;
    },
    render: (format) => current().render(format),
  };
}

/** The rows of the difference with the largest norm: where the fit misses. */
function worstRows(d: MatrixData, what: string, vector: boolean): HTMLElement[] {
  // Rows the fit matches exactly are not misses.
  const missed = d.worstRows.filter((w) => w.norm > 0);
  if (!missed.length) return [];
  const body = el(
    'tbody',
    {},
    missed.map((w) =>
      el('tr', { data: { row: String(w.row + 1) } }, [
        el('td', { text: String(w.row + 1) }),
        el('td', { text: num(w.norm), title: String(w.norm) }),
      ]),
    ),
  );
  const head = vector ? ['entry', '|p_i − b_i|'] : ['row', '‖P_i − B_i‖'];
  return [
    el('h4', {}, formula(vector ? `Entries the fit misses most (${what})` : `Rows the fit misses most (${what}), by ‖P_i − B_i‖`)),
    el('div', { className: 'table-scroll' }, [
      el('table', { className: 'numbers worst-rows' }, [
        el('thead', {}, [
          el(
            'tr',
            {},
            head.map((h) => el('th', {}, formula(h))),
          ),
        ]),
        body,
      ]),
    ]),
  ];
}
