/**
 * The two charts of an experiment, over Adam steps from 0 to the planned last step (so a running experiment grows
 * towards the right edge), every measured quantity as mean ± std over the repeats that reached the step:
 * - "Loss": the trained layer's held-out loss against one GD step's and the uniform prediction's (dashed: what
 *   learning nothing scores); both are fixed per repeat, so horizontal lines over the repeats that started;
 * - "Alignment with one GD step": Preds Diff and Model Diff on a log axis, Model Cos on its own linear axis.
 */
import type { IclSummaryPoint, MeanStd } from '../../protocol/experiment';
import { BandChart, type MeanStdColumn } from './bandChart';
import type { ExperimentState } from './experimentModel';
import { startStats, summarize } from './iclStats';

export function lossChart(host: HTMLElement, run: ExperimentState): BandChart {
  return new BandChart(host, {
    lines: [
      { key: 'tfLoss', label: 'trained layer', color: 0, band: true },
      { key: 'gdLoss', label: 'one GD step', color: 1, band: true },
      { key: 'zeroLoss', label: 'uniform prediction', color: 7, band: false, dash: [6, 4] },
    ],
    xLabel: 'Adam step',
    yLabel: 'held-out loss',
    description: 'Held-out loss of the trained layer against Adam step, with one gradient-descent step and the uniform prediction as references; mean ± std over repeats, log scale',
    data: () => {
      const points = summarize(run.repeats);
      const x = stepAxis(points, run.settings.steps);
      return { x, columns: [column(points, x, (p) => p.tfLoss), constant(startStats(run.repeats, 'gdLoss'), x.length), constant(startStats(run.repeats, 'zeroLoss'), x.length)] };
    },
  });
}

export function alignmentChart(host: HTMLElement, run: ExperimentState): BandChart {
  return new BandChart(host, {
    lines: [
      { key: 'predsDiff', label: 'Preds Diff', color: 0, band: true },
      { key: 'modelDiff', label: 'Model Diff', color: 5, band: true },
      { key: 'modelCos', label: 'Model Cos', color: 2, band: true, right: true },
    ],
    xLabel: 'Adam step',
    yLabel: 'Preds Diff, Model Diff',
    // Cosines are often all positive once training has started: 0…1 gives them the full height then.
    right: { label: 'Model Cos', range: (d) => (d.columns[2].mean.every((m, i) => m === null || m - (d.columns[2].std[i] ?? 0) >= 0) ? [0, 1] : [-1, 1]) },
    description: 'Difference between the trained layer and one gradient-descent step in predictions and in sensitivity to the query (log scale), and the cosine of the sensitivities (linear, right axis), against Adam step; mean ± std over repeats',
    data: () => {
      const points = summarize(run.repeats);
      const x = stepAxis(points, run.settings.steps);
      return { x, columns: [column(points, x, (p) => p.predsDiff), column(points, x, (p) => p.modelDiff), column(points, x, (p) => p.modelCos)] };
    },
  });
}

/** The checkpoint steps, with 0 and the last planned step so the axis spans the whole run from the start. */
function stepAxis(points: IclSummaryPoint[], steps: number): number[] {
  return [...new Set([0, ...points.map((p) => p.step), steps])].sort((a, b) => a - b);
}

function column(points: IclSummaryPoint[], x: number[], pick: (p: IclSummaryPoint) => MeanStd): MeanStdColumn {
  const at = new Map(points.map((p) => [p.step, pick(p)]));
  return { mean: x.map((s) => at.get(s)?.mean ?? null), std: x.map((s) => at.get(s)?.std ?? null) };
}

/** A baseline fixed per repeat, drawn across every step; nothing before a repeat has announced it. */
function constant(v: MeanStd, length: number): MeanStdColumn {
  const known = !Number.isNaN(v.mean);
  return { mean: new Array(length).fill(known ? v.mean : null), std: new Array(length).fill(known ? v.std : null) };
}
