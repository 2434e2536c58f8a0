/** A run as the panel holds it: what every kind shares, and the kind's own state (registry.ts). */
import type { RunKind, RunStatus } from '../../protocol/runs';
import type { ExperimentState } from './experimentModel';
import type { SolveState } from './solveModel';
import type { SweepState } from './sweepModel';

/** What each kind of run keeps. */
export interface KindStates {
  solve: SolveState;
  experiment: ExperimentState;
  sweep: SweepState;
}

export interface Run<K extends RunKind = RunKind> {
  kind: K;
  runId: string;
  /** From the started event, or the failed event's for a run that never started (common/runTitle.ts). */
  title: string;
  uri: string;
  status: RunStatus;
  /** Why the run failed (the request's error); stops inside a run are in the kind's state. */
  error?: string;
  /** Set by the panel when the user asked to cancel, until the run ends. */
  cancelRequested?: boolean;
  /** Unset for a run that failed before it started. */
  startedAt?: number;
  state?: KindStates[K];
}

export type StartedRun<K extends RunKind = RunKind> = Run<K> & { startedAt: number; state: KindStates[K] };
