/**
 * A solve run's state: per solve block its trajectory (plain column arrays the chart reads without copying per
 * point), its stop once it ended, and its result; the run's checks from the final result.
 */
import type { DataMoveReport } from '../../protocol/bounds';
import type { IterationPoint, ProblemSummary, BlockResult, BlockSpec, SolveResult, StopReason } from '../../protocol/results';
import type { Reducers } from './reducers';

/** One solve block's trajectory: column arrays indexed by position, k increasing. */
export interface Trajectory {
  k: number[];
  loss: number[];
  gradNorm: number[];
  stepNorm: number[];
  /** NaN where the method defines no step size. */
  stepSize: number[];
  /** Wall-clock ms since the block started (IterationPoint.t); NaN where the point carries none (older results). */
  t: number[];
}

export interface BlockState {
  spec: BlockSpec;
  maxSteps: number;
  trajectory: Trajectory;
  /** How the block stopped: from its last progress event, then from the result. */
  stop?: { reason: StopReason; message?: string; k: number };
  /** Set when the run answered. */
  result?: BlockResult;
}

export interface SolveState {
  problem: ProblemSummary;
  blocks: BlockState[];
  /** The server's fingerprint of the problem's numbers (protocol/runs.ts), to tell a data edit from a rerun. */
  fingerprint?: string;
  /** How many solve blocks the file has, when the run says (protocol/runs.ts). */
  blocksInFile?: number;
  /** The self-attention data move's bound checks (from the final result), when the file declares a move. */
  dataMove?: DataMoveReport;
  /** The tensor-trick check (from the final result), with `check tensor`. */
  tensor?: SolveResult['tensor'];
  /** The target and the initial point's matrices (from the final result); each block's final ones are on its result. */
  matrices?: SolveResult['matrices'];
}

export const METRICS = ['loss', 'gradNorm', 'stepNorm', 'stepSize'] as const;
export type Metric = (typeof METRICS)[number];

/** What a solve card's charts can put on x: iteration k, k on a log-like scale, or each point's wall time. */
export const X_AXES = ['k', 'logk', 'time'] as const;
export type XAxis = (typeof X_AXES)[number];

export const solveReducers: Reducers<'solve', SolveState> = {
  started: (d) => ({
    problem: d.problem,
    fingerprint: d.fingerprint,
    blocksInFile: d.blocksInFile,
    blocks: d.blocks.map((spec) => ({ spec, maxSteps: spec.options.steps ?? 0, trajectory: emptyTrajectory() })),
  }),

  progress(s, p) {
    const block = s.blocks.find((b) => b.spec.index === p.block);
    if (!block) return;
    block.maxSteps = p.maxSteps;
    appendPoints(block.trajectory, p.points);
    if (p.stop) block.stop = { ...p.stop, k: block.trajectory.k.at(-1) ?? 0 };
  },

  // The result holds every iteration, so it also repairs any batch the panel missed.
  finished(s, result) {
    for (const r of result.runs) {
      const block = s.blocks.find((b) => b.spec.index === r.index);
      if (!block) continue;
      block.result = r;
      block.stop = { reason: r.final.stopReason, message: r.final.message, k: r.final.iterations };
      if (r.iterations.length >= block.trajectory.k.length) {
        block.trajectory = emptyTrajectory();
        appendPoints(block.trajectory, r.iterations);
      }
    }
    s.dataMove = result.dataMove;
    s.tensor = result.tensor;
    s.matrices = result.matrices;
  },

  points: (s) => s.blocks.reduce((n, b) => n + b.trajectory.k.length, 0),
};

function emptyTrajectory(): Trajectory {
  return { k: [], loss: [], gradNorm: [], stepNorm: [], stepSize: [], t: [] };
}

function appendPoints(t: Trajectory, points: IterationPoint[]) {
  for (const p of points) {
    // Replays and repairs may resend points already held: keep k increasing and unique.
    if (t.k.length && p.k <= t.k[t.k.length - 1]) continue;
    t.k.push(p.k);
    t.loss.push(p.loss);
    t.gradNorm.push(p.gradNorm);
    t.stepNorm.push(p.stepNorm);
    t.stepSize.push(p.stepSize ?? NaN);
    t.t.push(p.t ?? NaN);
  }
}
