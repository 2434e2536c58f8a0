/**
 * An experiment's summary as CSV: one row per checkpoint step, or for a sweep one row per point at the last step all
 * its repeats reached. Numbers are written as JavaScript prints them (the shortest text that reads back to the same
 * double), so they equal the --json output's; an absent or non-finite value is an empty cell. README lists the columns.
 */
import type { IclResult, IclSummaryPoint, IclSweepResult, MeanStd } from '../../../protocol/experiment';
import { commonRow } from '../../../common/stats';

/** The mean ± std columns, in order: the ratios to the uniform prediction first, then the raw metrics. */
const METRICS = [
  'tfRatio',
  'gdRatio',
  'linGdRatio',
  'modelCos',
  'predsDiff',
  'modelDiff',
  'tfLoss',
  'gdLoss',
  'linGdLoss',
  'zeroLoss',
  'zeroPredsDiff',
  'zeroModelDiff',
  'eta',
  'trainLoss',
] as const satisfies readonly (keyof IclSummaryPoint)[];

const ROW_HEAD = ['step', 'count', ...METRICS.flatMap((m) => [`${m}_mean`, `${m}_std`])];

function rowCells(p: IclSummaryPoint | undefined): string[] {
  if (!p) return ROW_HEAD.map(() => '');
  return [String(p.step), String(p.count), ...METRICS.flatMap((m) => stat(p[m]))];
}

const cell = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
const stat = (v: MeanStd | undefined) => [cell(v?.mean), cell(v?.std)];
const lines = (rows: string[][]) => `${rows.map((r) => r.join(',')).join('\n')}\n`;

export function experimentCsv(r: IclResult): string {
  return lines([ROW_HEAD, ...r.summary.map(rowCells)]);
}

/** One row per point that ran: the swept setting and value, how the point stopped, and its final summary row. */
export function sweepCsv(r: IclSweepResult): string {
  const rows = r.points.map((p) => {
    const started = p.result.repeats.filter((x) => x.checkpoints.length > 0).length;
    return [r.sweep.setting, String(p.value), p.result.stopReason, ...rowCells(commonRow(p.result.summary, started))];
  });
  return lines([['setting', 'value', 'stopReason', ...ROW_HEAD], ...rows]);
}
