/**
 * A solve run's exportable parts: the trajectory (every held point of every block as CSV and JSON, in full
 * precision), each trajectory chart shown (PNG, SVG; named by its metric: "loss chart") and the per-block summary
 * table. The trajectory's numbers are the server's: the finished block's result iterations, else the points streamed
 * so far (with the step size and time where the points carry them).
 */
import type { IterationPoint } from '../../../protocol/results';
import type { Chart } from '../chart';
import type { Exportable } from '../exportable';
import type { StartedRun } from '../run';
import type { BlockState } from '../solveModel';
import { chartExport } from './chartExport';
import { recordsExport, type Row } from './records';

export interface ShownChart {
  host: HTMLElement;
  chart: Chart;
}

/** The parts now: `charts` are the trajectory charts shown (the user picks which), each exported once created. */
export function solveExports(run: StartedRun<'solve'>, charts: () => ShownChart[]): () => Exportable[] {
  const blocks = () => run.state.blocks;
  const trajectory = recordsExport(
    'trajectory',
    () => blocks().flatMap((b) => pointsOf(b).map((p): Row => ({ index: b.spec.index, label: b.spec.label, ...p }))),
    // Shaped like the CLI's `--json` runs: one entry per block with its iterations.
    () =>
      blocks().map((b) => ({
        index: b.spec.index,
        method: b.spec.method,
        label: b.spec.label,
        options: b.spec.options,
        iterations: pointsOf(b),
      })),
  );
  const summary = recordsExport('summary', () => blocks().map(summaryRow));
  const made = new Map<HTMLElement, Exportable>();
  const chartPart = ({ host, chart }: ShownChart) => {
    let part = made.get(host);
    if (!part) {
      part = chartExport(chart, host, {
        label: `${host.dataset.metric ?? 'trajectory'} chart`,
        title: () => `${run.title}: ${host.getAttribute('aria-label') ?? ''}`,
      });
      made.set(host, part);
    }
    return part;
  };
  return () => [trajectory, ...charts().map(chartPart), summary];
}

/** The block's points: its result's when it holds them all, else the streamed columns (NaN there: not carried). */
function pointsOf(b: BlockState): IterationPoint[] {
  const t = b.trajectory;
  if (b.result && b.result.iterations.length >= t.k.length) return b.result.iterations.map((p) => ({ ...p }));
  return t.k.map((k, i) => ({
    k,
    loss: t.loss[i],
    gradNorm: t.gradNorm[i],
    stepNorm: t.stepNorm[i],
    ...(Number.isNaN(t.stepSize[i]) ? {} : { stepSize: t.stepSize[i] }),
    ...(Number.isNaN(t.t[i]) ? {} : { t: t.t[i] }),
  }));
}

function summaryRow(b: BlockState): Row {
  const t = b.trajectory;
  const last = t.k.length - 1;
  const final = b.result?.final;
  return {
    index: b.spec.index,
    label: b.spec.label,
    method: b.spec.method,
    stopReason: b.stop?.reason,
    k: last >= 0 ? t.k[last] : undefined,
    maxSteps: b.maxSteps,
    initialLoss: t.loss[0],
    finalLoss: final ? final.loss : t.loss[last],
    finalGradNorm: t.gradNorm[last],
    elapsedMs: final?.elapsedMs,
  };
}
