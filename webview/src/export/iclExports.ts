/**
 * An experiment's and a sweep's exportable parts: their charts (PNG, SVG), the server's mean ± std rows, every
 * repeat's start and checkpoints, and a sweep's points table, as CSV and JSON of the numbers the panel holds.
 */
import type { IclSummaryPoint } from '../../../protocol/experiment';
import type { Chart } from '../chart';
import { latestCommonRow, type ExperimentState } from '../experimentModel';
import type { Exportable } from '../exportable';
import type { StartedRun } from '../run';
import { phaseOf } from '../sweepModel';
import { chartExport } from './chartExport';
import { recordsExport, type Row } from './records';

export interface NamedChart {
  label: string;
  chart: Chart;
  host: HTMLElement;
}

export function experimentExports(run: StartedRun<'experiment'>, charts: NamedChart[]): Exportable[] {
  const s = run.state;
  return [
    ...charts.map((c) => chartExport(c.chart, c.host, { label: c.label, title: () => `${run.title}: ${c.label}` })),
    recordsExport('mean ± std', () => s.summary.map(summaryRow)),
    recordsExport(
      'repeats',
      () => repeatRows(s),
      () => s.repeats.map((r) => ({ ...r.start, repeat: r.repeat, checkpoints: r.checkpoints })),
    ),
  ];
}

export function sweepExports(run: StartedRun<'sweep'>, chart: NamedChart, running: () => boolean): Exportable[] {
  const s = run.state;
  return [
    chartExport(chart.chart, chart.host, { label: chart.label, title: () => `${run.title}: ${chart.label}` }),
    recordsExport('points', () =>
      s.points.map((p, i): Row => {
        const row = latestCommonRow(p);
        return { [s.sweep.setting]: p.value, phase: phaseOf(s, i, running()), ...(row ? summaryRow(row) : {}) };
      }),
    ),
    recordsExport('mean ± std', () =>
      s.points.flatMap((p) => p.summary.map((row): Row => ({ [s.sweep.setting]: p.value, ...summaryRow(row) }))),
    ),
  ];
}

/** The server's row as it is: its MeanStd fields become .mean and .std columns. */
function summaryRow(p: IclSummaryPoint): Row {
  return p as unknown as Row;
}

/** One row per checkpoint of every repeat, with the repeat's start (seed, η, baselines). */
function repeatRows(s: ExperimentState): Row[] {
  return s.repeats.flatMap((r) => {
    const start: Row = { repeat: r.repeat, ...r.start };
    return r.checkpoints.length ? r.checkpoints.map((c): Row => ({ ...start, ...c, repeat: r.repeat })) : [start];
  });
}
