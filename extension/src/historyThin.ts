/**
 * How the results history thins an ended run before saving it. The stored events are the ones the panel received,
 * with each part's progress (a solve block, an experiment repeat) merged into one event, and every long series (a
 * block's trajectory, its checked bound steps, a repeat's checkpoints) cut to samples spread evenly from its first to
 * its last, keeping what the card reads off them: the lowest loss, each bound's worst step, each repeat's last step
 * (where the mean ± std and the verdict are taken). A solve's matrices lose their entries beyond a side (pooled tiles kept),
 * then their tiles, before the run would be too large to save. Where the answer holds a series at least as long as the streamed
 * one, the panel draws the answer's, so only that one is kept. Replayed, the stored events rebuild the same cards.
 * No `vscode` import: unit-tested under Node.
 */
import type { IclRepeat, IclSummaryPoint } from '../../protocol/experiment';
import { pool } from '../../common/matrixSummary';
import type { IterationPoint, BlockResult, MatrixData, PointMatrices } from '../../protocol/results';
import type { ExperimentProgress, RunEvent, RunEventOf, RunKind, SolveProgress, SweepProgress } from '../../protocol/runs';

export interface ThinCaps {
  /** Points per solve block. */
  points: number;
  /** Checked bound steps per solve block. */
  boundSteps: number;
  /** Checkpoint steps per experiment (or sweep point): its repeats and its summary rows keep the same steps. */
  checkpoints: number;
  /**
   * A solve's matrices keep their entries only up to this side, pooled beyond (common/matrixSummary.ts), and their
   * pooled tiles only up to this many down and across; their statistics and worst rows always.
   */
  matrixSide: number;
}

/**
 * Positions of `n` items to keep: all when n ≤ cap; otherwise `cap` positions spread evenly from the first to the last,
 * and the positions in `keep`.
 */
export function spread(n: number, cap: number, keep: Iterable<number> = []): number[] {
  if (n <= cap) return Array.from({ length: n }, (_, i) => i);
  const slots = Math.max(2, cap);
  const at = new Set<number>();
  for (let i = 0; i < slots; i++) at.add(Math.round((i * (n - 1)) / (slots - 1)));
  for (const i of keep) if (i >= 0 && i < n) at.add(i);
  return [...at].sort((a, b) => a - b);
}

/** Appends the items of `from` that continue `to` in increasing `key`, as the panel does with resent points. */
function appendIncreasing<T>(to: T[], from: readonly T[], key: (t: T) => number) {
  for (const t of from) if (!to.length || key(t) > key(to[to.length - 1])) to.push(t);
}

type Terminal<K extends RunKind> = RunEventOf<'finished' | 'failed', K>;

/** The run's `started` event (absent when it failed before starting) and its last event, when it ended. */
function ends<K extends RunKind>(events: RunEvent<K>[]): { head: RunEvent<K>[]; end?: Terminal<K> } {
  const last = events[events.length - 1];
  const end = last?.event === 'finished' || last?.event === 'failed' ? (last as Terminal<K>) : undefined;
  return { head: events.filter((e) => e.event === 'started'), end };
}

export function thinSolve(events: RunEvent<'solve'>[], caps: ThinCaps): RunEvent<'solve'>[] {
  const { head, end } = ends(events);
  const runId = events[0]?.runId ?? '';
  const blocks = new Map<number, SolveProgress>();
  for (const e of events) {
    if (e.event !== 'progress') continue;
    const p = e.data;
    const b = blocks.get(p.block) ?? { block: p.block, points: [], maxSteps: p.maxSteps };
    blocks.set(p.block, b);
    b.maxSteps = p.maxSteps;
    appendIncreasing(b.points, p.points, (x) => x.k);
    if (p.stop) b.stop = p.stop;
  }
  const results = new Map(end?.event === 'finished' ? end.result.runs.map((r) => [r.index, r]) : []);
  const progress: RunEvent<'solve'>[] = [...blocks.values()].map((b) => {
    const r = results.get(b.block);
    const answerDrawn = r !== undefined && r.iterations.length >= b.points.length;
    // The panel keeps the longer series: the answer's is emptied when the streamed one is drawn instead.
    if (r && !answerDrawn) results.set(b.block, { ...r, iterations: [] });
    return { event: 'progress', kind: 'solve', runId, data: { ...b, points: answerDrawn ? [] : thinPoints(b.points, caps.points) } };
  });
  const tail: RunEvent<'solve'>[] = [];
  if (end?.event === 'finished') {
    const runs = end.result.runs.map((r) => thinRunResult(results.get(r.index) ?? r, caps));
    const m = end.result.matrices;
    const matrices = m && { target: thinMatrix(m.target, caps.matrixSide), initial: thinPoint(m.initial, caps.matrixSide) };
    tail.push({ ...end, result: { ...end.result, runs, ...(matrices ? { matrices } : {}) } });
  } else if (end) tail.push(end);
  return [...head, ...progress, ...tail];
}

/** Spread points, and the one with the lowest loss. */
function thinPoints(points: IterationPoint[], cap: number): IterationPoint[] {
  let best = -1;
  points.forEach((p, i) => {
    if (best < 0 || p.loss < points[best].loss) best = i;
  });
  return spread(points.length, cap, [best]).map((i) => points[i]);
}

function thinRunResult(r: BlockResult, caps: ThinCaps): BlockResult {
  const thinned: BlockResult = { ...r, iterations: thinPoints(r.iterations, caps.points) };
  if (r.matrices) thinned.matrices = thinPoint(r.matrices, caps.matrixSide);
  if (r.bounds) {
    const b = r.bounds;
    const worst = new Set(b.summary.map((s) => s.worstK));
    const keep = b.steps.flatMap((s, i) => (worst.has(s.k) ? [i] : []));
    thinned.bounds = { ...b, steps: spread(b.steps.length, caps.boundSteps, keep).map((i) => b.steps[i]) };
  }
  return thinned;
}

function thinPoint(p: PointMatrices, side: number): PointMatrices {
  return { X: thinMatrix(p.X, side), prediction: thinMatrix(p.prediction, side), difference: thinMatrix(p.difference, side) };
}

/** Entries beyond `side` become pooled tiles, and tiles beyond `side` are dropped. */
function thinMatrix(m: MatrixData, side: number): MatrixData {
  const { values, pooled, ...rest } = m;
  if (values && m.rows <= side && m.cols <= side) return m;
  const tiles = pooled ?? (values && pool(m.rows, m.cols, values));
  return tiles && tiles.rows <= side && tiles.cols <= side ? { ...rest, pooled: tiles } : rest;
}

/** An experiment's (or a sweep point's) answer: what replaces the streamed repeats and rows. */
interface ExperimentAnswer {
  repeats: IclRepeat[];
  summary: IclSummaryPoint[];
}

export function thinExperiment(events: RunEvent<'experiment'>[], caps: ThinCaps): RunEvent<'experiment'>[] {
  const { head, end } = ends(events);
  const runId = events[0]?.runId ?? '';
  const progress = events.flatMap((e) => (e.event === 'progress' ? [e.data] : []));
  const part = thinExperimentPart(progress, end?.event === 'finished' ? end.result : undefined, caps.checkpoints);
  const tail: RunEvent<'experiment'>[] = [];
  if (end?.event === 'finished') tail.push({ ...end, result: { ...end.result, ...part.answer! } });
  else if (end) tail.push(end);
  return [
    ...head,
    ...part.progress.map((data): RunEvent<'experiment'> => ({ event: 'progress', kind: 'experiment', runId, data })),
    ...tail,
  ];
}

export function thinSweep(events: RunEvent<'sweep'>[], caps: ThinCaps): RunEvent<'sweep'>[] {
  const { head, end } = ends(events);
  const runId = events[0]?.runId ?? '';
  const byPoint = new Map<number, SweepProgress[]>();
  for (const e of events) if (e.event === 'progress') byPoint.set(e.data.point, [...(byPoint.get(e.data.point) ?? []), e.data]);
  const answers = end?.event === 'finished' ? end.result.points : [];
  const progress: RunEvent<'sweep'>[] = [];
  const thinnedAnswers = answers.map((p) => ({ ...p, result: { ...p.result } }));
  // Points are indexed alike in the events and the answer (the answer's are the points that ran, from the first).
  const points = new Set([...byPoint.keys(), ...answers.keys()]);
  for (const point of [...points].sort((a, b) => a - b)) {
    const part = thinExperimentPart(byPoint.get(point) ?? [], answers[point]?.result, caps.checkpoints);
    progress.push(...part.progress.map((p): RunEvent<'sweep'> => ({ event: 'progress', kind: 'sweep', runId, data: { ...p, point } })));
    if (part.answer) Object.assign(thinnedAnswers[point].result, part.answer);
  }
  const tail: RunEvent<'sweep'>[] = [];
  if (end?.event === 'finished') tail.push({ ...end, result: { ...end.result, points: thinnedAnswers } });
  else if (end) tail.push(end);
  return [...head, ...progress, ...tail];
}

/**
 * One experiment's progress merged into one event per repeat (the summary rows as the panel last held them on the
 * last event), and its answer, both cut to the same checkpoint steps.
 */
function thinExperimentPart(
  events: ExperimentProgress[],
  answer: ExperimentAnswer | undefined,
  cap: number,
): { progress: ExperimentProgress[]; answer?: ExperimentAnswer } {
  const repeats = new Map<number, ExperimentProgress>();
  const rows = new Map<number, IclSummaryPoint>();
  for (const p of events) {
    const r = repeats.get(p.repeat) ?? { repeat: p.repeat, checkpoints: [], summary: [] };
    repeats.set(p.repeat, r);
    if (p.start) r.start = p.start;
    appendIncreasing(r.checkpoints, p.checkpoints, (c) => c.step);
    for (const row of p.summary) rows.set(row.step, row);
  }
  const answered = new Map((answer?.repeats ?? []).map((r) => [r.repeat, r]));
  // Per repeat, the series the panel ends with: the answer's when at least as long (it replaces the streamed one).
  const streamedDrawn = new Set(
    [...repeats.values()].filter((r) => (answered.get(r.repeat)?.checkpoints.length ?? -1) < r.checkpoints.length).map((r) => r.repeat),
  );
  const shown = [
    ...[...repeats.values()].filter((r) => streamedDrawn.has(r.repeat)),
    ...[...answered.values()].filter((r) => !streamedDrawn.has(r.repeat)),
  ];
  const steps = [...new Set(shown.flatMap((r) => r.checkpoints.map((c) => c.step)))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const endpoints = shown.flatMap(({ checkpoints: c }) => (c.length ? [index.get(c[0].step)!, index.get(c[c.length - 1].step)!] : []));
  const kept = new Set(spread(steps.length, cap, endpoints).map((i) => steps[i]));
  const cut = <T extends { step: number }>(list: T[]) => list.filter((x) => kept.has(x.step));

  const progress = [...repeats.values()].map((r) => ({ ...r, checkpoints: streamedDrawn.has(r.repeat) ? cut(r.checkpoints) : [] }));
  // Without an answer the streamed rows are what the panel shows; with one, the answer's replace them.
  if (!answer && progress.length) progress[progress.length - 1].summary = cut([...rows.values()].sort((a, b) => a.step - b.step));
  if (!answer) return { progress };
  return {
    progress,
    answer: {
      repeats: answer.repeats.map((r) => ({ ...r, checkpoints: streamedDrawn.has(r.repeat) ? [] : cut(r.checkpoints) })),
      summary: cut(answer.summary),
    },
  };
}
