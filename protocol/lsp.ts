/**
 * Custom LSP methods, all under the `regress/` prefix. This module is dependency-free (types and method names
 * only) so the server, the extension and the tests compile against one definition; each side wraps the names in
 * its own library's typed RequestType / NotificationType.
 *
 * Solve flow (modelled on rust-analyzer's runTest and CodeQL's progressId): the client picks a runId and sends
 * `regress/solve`; the server announces the runs with `regress/solveStarted`, streams batched
 * `regress/solveProgress` notifications (at most ~20 per second), and answers the request with the full result.
 * Cancelling the request (`$/cancelRequest`) stops the run within one iteration.
 */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings } from './experiment';
import type { IterationPoint, ProblemSummary, RunSpec, SolveResult, StopReason } from './results';

export const Methods = {
  solve: 'regress/solve',
  solveStarted: 'regress/solveStarted',
  solveProgress: 'regress/solveProgress',
  runFinished: 'regress/runFinished',
  serverStatus: 'regress/serverStatus',
  experiment: 'regress/experiment',
  experimentStarted: 'regress/experimentStarted',
  experimentProgress: 'regress/experimentProgress',
} as const;

export interface SolveParams {
  textDocument: { uri: string };
  /** Chosen by the client so it can route notifications before the response arrives. */
  runId: string;
  /** Which solve block to run (0-based); all blocks when absent. */
  solveIndex?: number;
  /**
   * Check the in-context-learning bounds on every step (each run gets `bounds`, and `dataMove` when the file declares
   * WQ, WK, WV, WP). A `check bounds` line in the file does the same without this flag.
   */
  bounds?: boolean;
}
export type SolveResponse = SolveResult;

export interface SolveStartedParams {
  runId: string;
  uri: string;
  problem: ProblemSummary;
  runs: RunSpec[];
}

export interface SolveProgressParams {
  runId: string;
  /** Index of the solve block (RunSpec.index). */
  runIndex: number;
  /** New points since the previous notification, in order. */
  points: IterationPoint[];
  /** The run's step limit, for progress percentages. */
  maxSteps: number;
}

/** Sent when one solve block of a multi-block request ends, so panels can mark it done before the others. */
export interface RunFinishedParams {
  runId: string;
  runIndex: number;
  stopReason: StopReason;
  message?: string;
}

export type Health = 'ok' | 'warning' | 'error';
export interface ServerStatusParams {
  health: Health;
  /** True when no solve or experiment is running or queued. */
  quiescent: boolean;
  running: number;
  queued: number;
  message?: string;
}

/**
 * Experiment flow (an `experiment icl` file), the same shape as the solve flow: the client picks a runId and sends
 * `regress/experiment`; the server announces it with `regress/experimentStarted`, streams
 * `regress/experimentProgress` (each repeat's start, then its checkpoints as they are evaluated) and answers with the
 * full IclResult. Cancelling the request stops training within one Adam step and keeps what ran.
 */
export interface ExperimentParams {
  textDocument: { uri: string };
  runId: string;
}
export type ExperimentResponse = IclResult;

export interface ExperimentStartedParams {
  runId: string;
  uri: string;
  settings: IclSettings;
}

export interface ExperimentProgressParams {
  runId: string;
  /** 0-based repeat. */
  repeat: number;
  /** Set on the repeat's first notification: its seed and gradient-descent baseline. */
  start?: IclRepeatStart;
  /** New checkpoints of this repeat since the previous notification, in order. */
  checkpoints: IclCheckpoint[];
}

/** Error codes of failed `regress/solve` requests (LSP reserves -32899…-32800 for itself). */
export const SolveErrorCodes = {
  /** The document has errors; the message lists the first ones with line:col. */
  invalidDocument: -32001,
  /** No solve block at the requested index. */
  noSuchSolve: -32002,
  /** The worker thread died (crash or out of memory); the message says how. */
  workerFailed: -32003,
  /** `regress/solve` on an experiment file or `regress/experiment` on a problem file: the message says which to use. */
  wrongKind: -32004,
  /** The workspace is not trusted (Workspace Trust): nothing runs until the user trusts the folder. */
  untrusted: -32005,
} as const;
