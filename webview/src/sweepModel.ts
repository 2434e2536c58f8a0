/**
 * A sweep's state: per value of the swept setting, an experiment's state (experimentModel.ts) made from its settings
 * (`started.points[i]`), filled by the progress events that name the point, then by the point's part of the result.
 * The rows are the server's, per point; the panel never averages.
 */
import type { IclSweep, IclSweepResult } from '../../protocol/experiment';
import { experimentReducers, isComplete, progressOf, type ExperimentState } from './experimentModel';
import type { Reducers } from './reducers';

export interface SweepPointState extends ExperimentState {
  /** The swept setting's value. */
  value: number;
}

export interface SweepState {
  sweep: IclSweep;
  /** One per value, in the sweep's order. */
  points: SweepPointState[];
  result?: IclSweepResult;
}

export const sweepReducers: Reducers<'sweep', SweepState> = {
  started: (d) => ({
    sweep: d.sweep,
    points: d.points.map((settings, i) => ({ value: d.sweep.values[i], settings, repeats: [], summary: [] })),
  }),

  progress(s, p) {
    const point = s.points[p.point];
    if (point) experimentReducers.progress(point, p);
  },

  // The result's points are the values that ran, in the sweep's order, from the first.
  finished(s, result) {
    s.result = result;
    result.points.forEach((p, i) => {
      const point = s.points[i];
      if (!point) return;
      point.settings = p.result.settings;
      experimentReducers.finished(point, { ...p.result, runId: result.runId, source: result.source });
    });
  },

  points: (s) => s.points.reduce((n, p) => n + experimentReducers.points(p), 0),
};

/**
 * Where a point is: `done` when every repeat reached the last step, `queued` before its first checkpoint, else
 * `running` while the sweep runs and `partial` once it ended (a cancel, a stop, a failure) or moved on.
 */
export type PointPhase = 'queued' | 'running' | 'partial' | 'done';

export function phaseOf(s: SweepState, i: number, running: boolean): PointPhase {
  const point = s.points[i];
  if (isComplete(point)) return 'done';
  if (experimentReducers.points(point) === 0) return 'queued';
  return running && currentPoint(s) === i ? 'running' : 'partial';
}

/** The point the sweep is at, or stopped at (points run one after another): the latest with progress. */
export function currentPoint(s: SweepState): number | undefined {
  for (let i = s.points.length - 1; i >= 0; i--) if (progressOf(s.points[i])) return i;
  return undefined;
}

/** "d = 10", the value as JavaScript prints it (shortest exact form: 0.0003, 1e-7). */
export function pointName(s: SweepState, i: number): string {
  return `${s.sweep.setting} = ${s.points[i].value}`;
}
