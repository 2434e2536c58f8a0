/**
 * The three charts of an experiment, over Adam steps from 0 to the planned last step (so a running experiment grows
 * towards the right edge), every quantity the server's mean ± std over the repeats that reached the step
 * (ExperimentState.summary), the baselines included (the rows carry them over the same repeats):
 * - "Loss": the trained layer's held-out loss next to one GD step's, linearised GD's and the uniform prediction's;
 * - "Loss relative to the uniform prediction": the same as per-repeat ratios to the uniform loss, which cancel the
 *   held-out set's noise (the ratios the verdict compares);
 * - "Alignment with one GD step": Preds Diff and Model Diff on a log axis, each with the uniform prediction's as a
 *   dotted reference (what a layer that learned nothing scores), Model Cos on its own linear axis.
 */
import type { IclSummaryPoint, MeanStd } from '../../protocol/experiment';
import { BandChart, type BandData, type BandLine, type MeanStdColumn } from './bandChart';
import type { ExperimentState } from './experimentModel';

/**
 * The layer and its three baselines, styled alike on every chart of the panel (the sweep's included): the layer solid,
 * the baselines dashed, dash-dotted and dotted, so they differ in more than colour (Okabe–Ito indices, theme.ts).
 */
export const STYLE = {
  layer: { label: 'trained layer', color: 0 },
  gd: { label: 'one GD step', color: 1, dash: [7, 4] },
  linGd: { label: 'linearised GD', color: 3, dash: [10, 3, 2, 3] },
  uniform: { label: 'uniform prediction', color: 7, dash: [2, 3] },
} as const;

type Quantity = (p: IclSummaryPoint) => MeanStd | undefined;

export function lossChart(host: HTMLElement, run: ExperimentState): BandChart {
  return stepChart(host, run, {
    lines: [
      [{ key: 'tfLoss', ...STYLE.layer, band: true }, (p) => p.tfLoss],
      [{ key: 'gdLoss', ...STYLE.gd, band: true, bandOpacity: 0.12, width: 1.5 }, (p) => p.gdLoss],
      [{ key: 'linGdLoss', ...STYLE.linGd, band: true, bandOpacity: 0.12, width: 1.5 }, (p) => p.linGdLoss],
      [{ key: 'zeroLoss', ...STYLE.uniform, band: true, bandOpacity: 0.12, width: 1.5 }, (p) => p.zeroLoss],
    ],
    yLabel: 'held-out loss',
    description:
      'Held-out loss of the trained layer against Adam step, with one gradient-descent step, linearised gradient descent and the uniform prediction as references; mean ± std over repeats, log scale',
  });
}

export function ratioChart(host: HTMLElement, run: ExperimentState): BandChart {
  return stepChart(host, run, {
    lines: [
      [{ key: 'tfRatio', ...STYLE.layer, band: true }, (p) => p.tfRatio],
      [{ key: 'gdRatio', ...STYLE.gd, band: true, bandOpacity: 0.12, width: 1.5 }, (p) => p.gdRatio],
      [{ key: 'linGdRatio', ...STYLE.linGd, band: true, bandOpacity: 0.12, width: 1.5 }, (p) => p.linGdRatio],
    ],
    yLabel: 'loss / uniform loss',
    left: { range: paddedRange },
    description:
      'Held-out loss of the trained layer, one gradient-descent step and linearised gradient descent, each divided by the uniform prediction’s loss on the same tasks, against Adam step; mean ± std over repeats, linear scale',
  });
}

export function alignmentChart(host: HTMLElement, run: ExperimentState): BandChart {
  return stepChart(host, run, {
    lines: [
      [{ key: 'predsDiff', label: 'Preds Diff', color: 0, band: true }, (p) => p.predsDiff],
      [{ key: 'modelDiff', label: 'Model Diff', color: 5, band: true }, (p) => p.modelDiff],
      [{ key: 'modelCos', label: 'Model Cos', color: 2, band: true, right: true }, (p) => p.modelCos],
      [
        { key: 'zeroPredsDiff', label: 'Preds Diff of uniform', color: 0, band: false, width: 1.5, dash: STYLE.uniform.dash },
        (p) => p.zeroPredsDiff,
      ],
      [
        { key: 'zeroModelDiff', label: 'Model Diff of uniform', color: 5, band: false, width: 1.5, dash: STYLE.uniform.dash },
        (p) => p.zeroModelDiff,
      ],
    ],
    yLabel: 'Preds Diff, Model Diff',
    // Cosines are often all positive once training has started: 0…1 gives them the full height then.
    right: {
      label: 'Model Cos',
      range: (d) => (d.columns[2].mean.every((m, i) => m === null || m - (d.columns[2].std[i] ?? 0) >= 0) ? [0, 1] : [-1, 1]),
    },
    description:
      'Difference between the trained layer and one gradient-descent step in predictions and in sensitivity to the query (log scale), with the uniform prediction’s differences as dotted references, and the cosine of the sensitivities (linear, right axis), against Adam step; mean ± std over repeats',
  });
}

function stepChart(
  host: HTMLElement,
  run: ExperimentState,
  c: {
    lines: [BandLine, Quantity][];
    yLabel: string;
    description: string;
    left?: { range(d: BandData): [number, number] };
    right?: { label: string; range(d: BandData): [number, number] };
  },
): BandChart {
  return new BandChart(host, {
    lines: c.lines.map(([line]) => line),
    xLabel: 'Adam step',
    yLabel: c.yLabel,
    left: c.left,
    right: c.right,
    description: c.description,
    data: () => {
      const points = run.summary;
      const x = stepAxis(points, run.settings.steps);
      return { x, columns: c.lines.map(([, pick]) => column(points, x, pick)) };
    },
  });
}

/** mean ± std of every line, 5 % of the span added above and below (a flat line gets ±5 % of its value). */
export function paddedRange(d: BandData): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { mean, std } of d.columns) {
    mean.forEach((m, i) => {
      if (m === null || !Number.isFinite(m)) return;
      const s = std[i] !== null && Number.isFinite(std[i]) ? std[i]! : 0;
      lo = Math.min(lo, m - s);
      hi = Math.max(hi, m + s);
    });
  }
  if (lo > hi) return [0, 1];
  const pad = 0.05 * (hi - lo || Math.abs(hi) || 1);
  return [lo - pad, hi + pad];
}

/** The checkpoint steps, with 0 and the last planned step so the axis spans the whole run from the start. */
function stepAxis(points: IclSummaryPoint[], steps: number): number[] {
  return [...new Set([0, ...points.map((p) => p.step), steps])].sort((a, b) => a - b);
}

function column(points: IclSummaryPoint[], x: number[], pick: Quantity): MeanStdColumn {
  const at = new Map(points.map((p) => [p.step, pick(p)]));
  return { mean: x.map((s) => at.get(s)?.mean ?? null), std: x.map((s) => at.get(s)?.std ?? null) };
}
