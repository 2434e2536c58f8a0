/**
 * A solve run's checks as exports: the bounds chart (PNG, SVG: the block it shows), each block's bound table, the data
 * move's layers, bound table and closeness, and the tensor check, as CSV and JSON of the server's numbers.
 */
import type { BoundValue } from '../../../protocol/bounds';
import type { Chart } from '../chart';
import type { Exportable } from '../exportable';
import type { SolveState } from '../solveModel';
import { chartExport } from './chartExport';
import { recordsExport, type Row } from './records';

export function boundsChartExport(chart: Chart, host: HTMLElement): Exportable {
  return chartExport(chart, host, {
    label: 'bounds chart',
    title: () => `Bounds on ‖b̃ − b‖, block #${Number(host.dataset.runIndex) + 1}`,
  });
}

export function checksTables(run: SolveState): Exportable[] {
  const out: Exportable[] = [];
  for (const b of run.blocks) {
    const bounds = b.result?.bounds;
    if (bounds) out.push(recordsExport(`bounds #${b.spec.index + 1}`, () => bounds.summary.map((s) => ({ ...s }))));
  }
  const move = run.dataMove;
  if (move) {
    out.push(
      recordsExport(
        'data move layers',
        () =>
          move.steps.map(({ bounds, assumptions, ...step }): Row => ({
            ...step,
            ...boundColumns(bounds),
            assumptions: { ...assumptions },
          })),
        () => move.steps,
      ),
      recordsExport('data move bounds', () => move.summary.map((s) => ({ ...s }))),
    );
    if (move.closeness.length) out.push(recordsExport('closeness', () => move.closeness.map((c) => ({ ...c }))));
  }
  const tensor = run.tensor;
  if (tensor && !('error' in tensor))
    out.push(
      recordsExport(
        'tensor check',
        () => [tensor as unknown as Row],
        () => tensor,
      ),
    );
  return out;
}

/** Each bound's value at one layer as columns named by the bound: S1.value, S1.observed, S1.holds, … */
function boundColumns(bounds: BoundValue[]): Row {
  return Object.fromEntries(bounds.map(({ name, ...v }) => [name, { ...v }]));
}
