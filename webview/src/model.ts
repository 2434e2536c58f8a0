/**
 * The panel's state, rebuilt only from ToPanel messages (live or replayed from a report), keyed by runId: solve
 * runs and experiment runs (experimentModel.ts) share one map, so they share its arrival order and MAX_RUNS cap.
 * Holding trajectories as plain column arrays lets the chart read them without copying per point.
 */
import type { ToPanel } from '../../protocol/webview';
import type { DataMoveReport } from '../../protocol/bounds';
import type { IterationPoint, ProblemSummary, RunResult, RunSpec, SolveResult, StopReason } from '../../protocol/results';
import { applyExperimentProgress, finishExperiment, startExperiment, type ExperimentState } from './experimentModel';

/** `interrupted`: the language server stopped during the run (a crash, not the run's error); what arrived is kept. */
export type RunStatus = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';
export type PanelState = 'empty' | RunStatus;

/** One solve block's trajectory: column arrays indexed by position (k is contiguous from 0). */
export interface Trajectory {
  k: number[];
  loss: number[];
  gradNorm: number[];
  stepNorm: number[];
}

export interface BlockState {
  spec: RunSpec;
  maxSteps: number;
  trajectory: Trajectory;
  /** Set when the block's run ended (from the final result). */
  result?: RunResult;
}

export interface RunState {
  kind: 'solve';
  runId: string;
  title: string;
  source: string;
  problem: ProblemSummary;
  startedAt: number;
  blocks: BlockState[];
  status: RunStatus;
  /** Why the whole run failed (e.g. the document had errors); per-block stops live in BlockState.result. */
  error?: string;
  /** The self-attention data move's bound checks (from the final result), when the file declares a move. */
  dataMove?: DataMoveReport;
  /** The tensor-trick check (from the final result), with `check tensor`. */
  tensor?: SolveResult['tensor'];
  /** Set by the panel when the user asked to cancel, until the host confirms. */
  cancelRequested?: boolean;
}

export type PanelRun = RunState | ExperimentState;

/** Runs kept in the panel, oldest dropped first (the host replays at most as many). */
export const MAX_RUNS = 20;

export const METRICS = ['loss', 'gradNorm', 'stepNorm'] as const;
export type Metric = (typeof METRICS)[number];

export class PanelModel {
  /** In arrival order, oldest first. */
  readonly runs = new Map<string, PanelRun>();

  /**
   * Applies one message; returns the run it changed, or undefined if the message referred to an unknown run (or
   * one of the other kind). A started run replaces any run of the same id with a new object.
   */
  apply(m: ToPanel): PanelRun | undefined {
    if (m.type === 'runStarted') {
      return this.add({
        kind: 'solve',
        runId: m.runId,
        title: m.title,
        source: m.source,
        problem: m.problem,
        startedAt: m.startedAt,
        blocks: m.runs.map((spec) => ({ spec, maxSteps: spec.options.steps ?? 0, trajectory: { k: [], loss: [], gradNorm: [], stepNorm: [] } })),
        status: 'running',
      });
    }
    if (m.type === 'experimentStarted') return this.add(startExperiment(m));
    if (m.type === 'runFailed') {
      // A run can fail before it started (invalid document): show it anyway so the user sees why.
      const run = this.runs.get(m.runId) ?? this.placeholder(m.runId);
      // The client's error for a dropped connection says nothing the status does not.
      run.status = m.interrupted ? 'interrupted' : 'failed';
      run.error = m.interrupted ? undefined : m.message;
      return run;
    }
    const run = this.runs.get(m.runId);
    if (!run) return undefined;
    if (run.kind === 'experiment') {
      if (m.type === 'experimentProgress') applyExperimentProgress(run, m);
      else if (m.type === 'experimentFinished') finishExperiment(run, m.result);
      else return undefined;
      return run;
    }
    if (m.type === 'points') {
      const block = run.blocks.find((b) => b.spec.index === m.runIndex);
      if (!block) return undefined;
      block.maxSteps = m.maxSteps;
      appendPoints(block.trajectory, m.points);
      return run;
    }
    if (m.type !== 'runFinished') return undefined;
    // runFinished: the result holds every iteration, so it also repairs any batch the panel missed.
    for (const r of m.result.runs) {
      const block = run.blocks.find((b) => b.spec.index === r.index);
      if (!block) continue;
      block.result = r;
      if (r.iterations.length >= block.trajectory.k.length) {
        block.trajectory = { k: [], loss: [], gradNorm: [], stepNorm: [] };
        appendPoints(block.trajectory, r.iterations);
      }
    }
    run.dataMove = m.result.dataMove;
    run.tensor = m.result.tensor;
    run.status = m.result.cancelled || m.result.runs.some((r) => r.final.stopReason === 'cancelled') ? 'cancelled' : 'finished';
    run.cancelRequested = false;
    return run;
  }

  /** The state the page advertises on <body data-panel-state>: the newest run's status, 'running' while any runs. */
  state(): PanelState {
    if (this.runs.size === 0) return 'empty';
    const all = [...this.runs.values()];
    if (all.some((r) => r.status === 'running')) return 'running';
    return all[all.length - 1].status;
  }

  private add<R extends PanelRun>(run: R): R {
    this.runs.delete(run.runId);
    this.runs.set(run.runId, run);
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return run;
  }

  /** A run that failed before it started: `runFailed` does not say its kind, so the title names neither. */
  private placeholder(runId: string): RunState {
    return this.add({ kind: 'solve', runId, title: 'Run', source: '', problem: { kind: 'attention', variant: 'normalized', n: 0, d: 0, reg: 0 }, startedAt: Date.now(), blocks: [], status: 'failed' });
  }
}

function appendPoints(t: Trajectory, points: IterationPoint[]) {
  for (const p of points) {
    // Replays and repairs may resend points already drawn: keep k contiguous and unique.
    if (t.k.length && p.k <= t.k[t.k.length - 1]) continue;
    t.k.push(p.k);
    t.loss.push(p.loss);
    t.gradNorm.push(p.gradNorm);
    t.stepNorm.push(p.stepNorm);
  }
}

export function stopReasonText(reason: StopReason): string {
  switch (reason) {
    case 'steps':
      return 'step limit';
    case 'gradTol':
      return '‖∇L‖ ≤ gradtol';
    case 'lossTol':
      return 'loss ≤ losstol';
    case 'stalled':
      return 'no further decrease';
    case 'cancelled':
      return 'cancelled';
    case 'nonFinite':
      return 'non-finite value';
    case 'overflow':
      return 'exp overflow';
    case 'error':
      return 'error';
    case 'diverged':
      return 'diverged (loss rose)';
  }
}

/** A stop the user must look at (the run did not end normally). */
export function isBadStop(reason: StopReason): boolean {
  return reason === 'nonFinite' || reason === 'overflow' || reason === 'error' || reason === 'diverged';
}
