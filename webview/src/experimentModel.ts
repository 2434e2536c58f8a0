/**
 * An in-context-learning experiment run in the panel's state: its settings, each repeat's start (seed, η, baselines)
 * and checkpoints as they stream in, and the final result. The mean ± std over repeats is derived from the repeats
 * (iclStats.ts) rather than taken from the result, so it is the same quantity live and after the end.
 */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings, IclStopReason } from '../../protocol/experiment';
import type { ToPanel } from '../../protocol/webview';
import type { RunStatus } from './model';

export interface RepeatState {
  /** 0-based, as on the wire. */
  repeat: number;
  /** Missing only if the repeat's first message was lost. */
  start?: IclRepeatStart;
  /** In step order, each step once. */
  checkpoints: IclCheckpoint[];
}

export interface ExperimentState {
  kind: 'experiment';
  runId: string;
  title: string;
  source: string;
  startedAt: number;
  settings: IclSettings;
  /** Ordered by repeat. */
  repeats: RepeatState[];
  status: RunStatus;
  /** Why the run failed (`runFailed`); a stop inside the experiment is in `result`. */
  error?: string;
  result?: IclResult;
  /** Set by the panel when the user asked to cancel, until the host confirms. */
  cancelRequested?: boolean;
}

type Message<T extends ToPanel['type']> = Extract<ToPanel, { type: T }>;

export function startExperiment(m: Message<'experimentStarted'>): ExperimentState {
  return { kind: 'experiment', runId: m.runId, title: m.title, source: m.source, startedAt: m.startedAt, settings: m.settings, repeats: [], status: 'running' };
}

export function applyExperimentProgress(run: ExperimentState, m: Message<'experimentProgress'>): void {
  const r = repeatOf(run, m.repeat);
  if (m.start) r.start = m.start;
  appendCheckpoints(r.checkpoints, m.checkpoints);
}

/** The result holds every repeat in full, so it also repairs any progress message the panel missed. */
export function finishExperiment(run: ExperimentState, result: IclResult): void {
  run.result = result;
  for (const { checkpoints, ...start } of result.repeats) {
    const r = repeatOf(run, start.repeat);
    r.start = start;
    if (checkpoints.length >= r.checkpoints.length) {
      r.checkpoints = [];
      appendCheckpoints(r.checkpoints, checkpoints);
    }
  }
  run.status = statusOf(result.stopReason);
  run.cancelRequested = false;
}

/** A numerical failure or an error ends the experiment early: the run failed, though what ran is kept. */
function statusOf(reason: IclStopReason): RunStatus {
  return reason === 'done' ? 'finished' : reason === 'cancelled' ? 'cancelled' : 'failed';
}

/** The repeat's state, created in repeat order when it is new. */
function repeatOf(run: ExperimentState, repeat: number): RepeatState {
  let i = run.repeats.findIndex((r) => r.repeat >= repeat);
  if (i >= 0 && run.repeats[i].repeat === repeat) return run.repeats[i];
  if (i < 0) i = run.repeats.length;
  const r: RepeatState = { repeat, checkpoints: [] };
  run.repeats.splice(i, 0, r);
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
export function progressOf(run: ExperimentState): { repeat: number; step: number } | undefined {
  const r = run.repeats[run.repeats.length - 1];
  if (!r) return undefined;
  return { repeat: r.repeat, step: r.checkpoints[r.checkpoints.length - 1]?.step ?? 0 };
}
