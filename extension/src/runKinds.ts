/**
 * What the editor shows of each kind of run, one entry per kind of protocol/runs.ts: the run's name, the progress
 * notification's title and text, the parts its percentage averages over, the warning for a bad stop, and how the
 * results history thins its events (historyThin.ts). The relay (runs.ts) is the same for every kind; only this table
 * differs.
 */
import { num } from '../../common/format';
import { runTitle } from '../../common/runTitle';
import { isBadStop, stopReasonText } from '../../common/verdicts';
import type { IclSettings } from '../../protocol/experiment';
import type { ExperimentProgress, RunEvent, RunKind, RunKinds } from '../../protocol/runs';
import { thinExperiment, thinSolve, thinSweep, type ThinCaps } from './historyThin';

/** What an event says of one part of a run, for the notification. */
export interface ProgressUpdate {
  part: number;
  /** Where the part is; absent when the event carried no step (a block's last event may carry no point). */
  at?: { done: number; total: number; message: string };
  /** The part ended: the steps it did not take are not left to do. */
  ended?: boolean;
}

export interface RunKindUi<K extends RunKind> {
  /** What ran, in messages: "Solve failed: …". */
  noun: string;
  /** The run's name (the server's `started` event carries the same, from the same function). */
  title(uri: string, options: RunKinds[K]['options']): string;
  progressTitle(title: string, options: RunKinds[K]['options']): string;
  /** Every part (solve block, repeat) with its total: the percentage is the mean over parts, so a part done counts 1/parts. */
  parts(started: RunKinds[K]['started']): [part: number, total: number][];
  /** Points (or checkpoints) an event carries. */
  points(progress: RunKinds[K]['progress']): number;
  /** The notification's update for an event; undefined when the event moves nothing. */
  progress(progress: RunKinds[K]['progress'], started: RunKinds[K]['started']): ProgressUpdate | undefined;
  /** A line for the log about the event (how a block stopped, when the server said why). */
  note(progress: RunKinds[K]['progress']): string | undefined;
  /** The warning for a run that did not end normally. */
  badStop(result: RunKinds[K]['result'], title: string): string | undefined;
  /** The ended run's events as the history saves them: merged per part, long series cut to `caps`. */
  thin(events: RunEvent<K>[], caps: ThinCaps): RunEvent<K>[];
}

export const RUN_KIND_UI: { [K in RunKind]: RunKindUi<K> } = {
  solve: {
    noun: 'Solve',
    title: (uri, o) => runTitle(uri, 'solve', o.solveIndex),
    progressTitle: (title, o) => `${o.bounds ? 'Checking bounds of' : 'Solving'} ${title}`,
    parts: (started) => started.blocks.map((b) => [b.index, b.options.steps ?? 0]),
    points: (p) => p.points.length,
    progress: (p) => {
      const last = p.points.at(-1);
      const at = last && {
        done: last.k,
        total: p.maxSteps,
        message: `block ${p.block + 1}: k = ${last.k}/${p.maxSteps}, loss = ${num(last.loss)}`,
      };
      return at || p.stop ? { part: p.block, at, ended: !!p.stop } : undefined;
    },
    note: (p) => (p.stop?.message ? `block ${p.block + 1}: ${p.stop.reason} — ${p.stop.message}` : undefined),
    badStop: (result) => {
      const bad = result.runs.find((r) => isBadStop(r.final.stopReason));
      return bad && `Solve block ${bad.index + 1} (${bad.label}) stopped: ${bad.final.message ?? stopReasonText(bad.final.stopReason)}`;
    },
    thin: thinSolve,
  },
  experiment: {
    noun: 'Experiment',
    title: (uri) => runTitle(uri, 'experiment'),
    progressTitle: (title) => `Running experiment ${title}`,
    parts: (started) => Array.from({ length: started.settings.repeats }, (_, r) => [r, started.settings.steps]),
    points: (p) => p.checkpoints.length,
    progress: (p, started) => repeatProgress(p, started.settings, p.repeat, ''),
    note: () => undefined,
    badStop: (result, title) =>
      result.stopReason !== 'done' && isBadStop(result.stopReason)
        ? `Experiment ${title} stopped: ${result.message ?? stopReasonText(result.stopReason)}`
        : undefined,
    thin: thinExperiment,
  },
  sweep: {
    noun: 'Sweep',
    title: (uri) => runTitle(uri, 'sweep'),
    progressTitle: (title) => `Running sweep ${title}`,
    // Every repeat of every point, numbered point after point.
    parts: (started) =>
      started.points.flatMap((s, point) =>
        Array.from({ length: s.repeats }, (_, r): [number, number] => [firstPart(started, point) + r, s.steps]),
      ),
    points: (p) => p.checkpoints.length,
    progress: (p, started) => {
      const where = `point ${p.point + 1}/${started.points.length} (${started.sweep.setting} = ${started.sweep.values[p.point]}) · `;
      return repeatProgress(p, started.points[p.point], firstPart(started, p.point) + p.repeat, where);
    },
    note: () => undefined,
    badStop: (result, title) =>
      result.stopReason !== 'done' && isBadStop(result.stopReason)
        ? `Sweep ${title} stopped: ${result.message ?? stopReasonText(result.stopReason)}`
        : undefined,
    thin: thinSweep,
  },
};

/** An experiment's progress (or a sweep point's, after `where`): its repeat, step and latest loss. */
function repeatProgress(p: ExperimentProgress, settings: IclSettings, part: number, where: string): ProgressUpdate {
  const { repeats, steps } = settings;
  const step = p.checkpoints.at(-1)?.step ?? 0;
  const loss = p.checkpoints.at(-1)?.tfLoss;
  const detail = loss === undefined ? (p.start ? `, GD loss = ${num(p.start.gdLoss)}` : '') : `, TF loss = ${num(loss)}`;
  return { part, at: { done: step, total: steps, message: `${where}repeat ${p.repeat + 1}/${repeats} · step ${step}/${steps}${detail}` } };
}

/** The part of a sweep point's first repeat: the repeats of the points before it. */
const firstPart = (started: RunKinds['sweep']['started'], point: number) =>
  started.points.slice(0, point).reduce((n, s) => n + s.repeats, 0);

/** The entry of `kind`, typed for it (an index with a generic key keeps the pairing of kind and entry). */
export function runKindUi<K extends RunKind>(kind: K): RunKindUi<K> {
  return RUN_KIND_UI[kind];
}
