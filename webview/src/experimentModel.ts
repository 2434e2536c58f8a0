/**
 * An in-context-learning experiment's state: its settings, each repeat's start (seed, η, baselines) and checkpoints
 * as they stream in, the server's mean ± std rows, and the final result. The rows are the server's (common/stats.ts
 * `summarize` over every repeat it holds): each progress event replaces the rows of the steps it carries, the result
 * replaces them all, and the panel never averages itself.
 */
import { iclVerdict, type VerdictRepeat } from '../../common/iclVerdict';
import { commonRow } from '../../common/stats';
import type { IclCheckpoint, IclResult, IclRepeatStart, IclSettings, IclSummaryPoint } from '../../protocol/experiment';
import type { Reducers } from './reducers';

export interface RepeatState {
  /** 0-based, as on the wire. */
  repeat: number;
  /** Missing only if the repeat's first event was lost. */
  start?: IclRepeatStart;
  /** In step order, each step once. */
  checkpoints: IclCheckpoint[];
}

export interface ExperimentState {
  settings: IclSettings;
  /** Ordered by repeat. */
  repeats: RepeatState[];
  /** The server's mean ± std per step, ascending. */
  summary: IclSummaryPoint[];
  result?: IclResult;
}

export const experimentReducers: Reducers<'experiment', ExperimentState> = {
  started: (d) => ({ settings: d.settings, repeats: [], summary: [] }),

  progress(s, p) {
    const r = repeatOf(s, p.repeat);
    if (p.start) r.start = p.start;
    appendCheckpoints(r.checkpoints, p.checkpoints);
    for (const row of p.summary) {
      const i = s.summary.findIndex((x) => x.step >= row.step);
      if (i < 0) s.summary.push(row);
      else s.summary.splice(i, s.summary[i].step === row.step ? 1 : 0, row);
    }
  },

  // The result holds every repeat in full, so it also repairs any progress event the panel missed.
  finished(s, result) {
    s.result = result;
    s.summary = result.summary;
    for (const { checkpoints, ...start } of result.repeats) {
      const r = repeatOf(s, start.repeat);
      r.start = start;
      if (checkpoints.length >= r.checkpoints.length) {
        r.checkpoints = [];
        appendCheckpoints(r.checkpoints, checkpoints);
      }
    }
  },

  points: (s) => s.repeats.reduce((n, r) => n + r.checkpoints.length, 0),
};

/** The repeat's state, created in repeat order when it is new. */
function repeatOf(s: ExperimentState, repeat: number): RepeatState {
  let i = s.repeats.findIndex((r) => r.repeat >= repeat);
  if (i >= 0 && s.repeats[i].repeat === repeat) return s.repeats[i];
  if (i < 0) i = s.repeats.length;
  const r: RepeatState = { repeat, checkpoints: [] };
  s.repeats.splice(i, 0, r);
  return r;
}

function appendCheckpoints(to: IclCheckpoint[], from: IclCheckpoint[]) {
  for (const c of from) {
    // Replays and repairs may resend checkpoints already held: keep steps increasing and unique.
    if (to.length && c.step <= to[to.length - 1].step) continue;
    to.push(c);
  }
}

/** Where the run is: the newest repeat and its last checkpoint's step (0 before the first). */
export function progressOf(s: ExperimentState): { repeat: number; step: number } | undefined {
  const r = s.repeats[s.repeats.length - 1];
  if (!r) return undefined;
  return { repeat: r.repeat, step: r.checkpoints[r.checkpoints.length - 1]?.step ?? 0 };
}

/** Repeats with at least one checkpoint. */
export function startedRepeats(s: ExperimentState): number {
  return s.repeats.filter((r) => r.checkpoints.length > 0).length;
}

/** The server's row at the last step every started repeat reached: where mean ± std compares like with like. */
export function latestCommonRow(s: ExperimentState): IclSummaryPoint | undefined {
  const started = startedRepeats(s);
  return started ? commonRow(s.summary, started) : undefined;
}

/** Every planned repeat reached the last planned step. */
export function isComplete(s: ExperimentState): boolean {
  const last = s.summary.at(-1);
  return last?.step === s.settings.steps && last.count === s.settings.repeats;
}

/** common/iclVerdict.ts's sentence over the repeats whose start arrived; undefined before the first checkpoint. */
export function verdictOf(s: ExperimentState): string | undefined {
  const repeats: VerdictRepeat[] = s.repeats.flatMap((r) => (r.start ? [{ ...r.start, checkpoints: r.checkpoints }] : []));
  return iclVerdict(repeats);
}
