/**
 * The run vocabulary, typed once. A *run* is one request (Solve, Run experiment, …); a solve run has one *block* per
 * `solve` line it runs. Every kind of run is one entry of `RunKinds`: the options its request adds, what its `started`
 * and `progress` events carry, and its result. Everything else (the request, the events, the panel's messages, the
 * report) is derived from this table, so a new kind of run is one entry here and one per layer, and a changed payload
 * is a compile error in the server, the extension, the panel and the tests alike.
 *
 * Flow: the client picks a runId and sends `regress/run` (Requests.run); the server answers `started`, then batched
 * `progress` events (at most ~20 a second), as `regress/runEvent` notifications, and answers the request with the
 * result. Cancelling the request (`$/cancelRequest`) stops the run within one iteration and still answers with what
 * ran. The extension forwards the events to the panel unchanged and adds `finished` (from the answer) or `failed`
 * (from the error): the panel and the HTML report see one stream of RunEvents.
 */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings, IclSummaryPoint, IclSweep, IclSweepResult } from './experiment';
import type { IterationPoint, ProblemSummary, BlockSpec, SolveResult, StopReason } from './results';

export interface RunKinds {
  solve: {
    options: {
      /** Which solve block to run (0-based); all blocks when absent. */
      solveIndex?: number;
      /** Check the in-context-learning bounds on every step (a `check bounds` line in the file does the same). */
      bounds?: boolean;
    };
    /**
     * `fingerprint`: a hash of the problem's numbers (its matrices, the initial point, a data move's weights), so the
     * panel can tell a run whose data changed from one with the same settings; absent in runs from before it was added.
     * `blocksInFile`: how many solve blocks the file has, so a run of one block (`solveIndex`) reads as a part of the
     * file, not as a file whose other blocks were deleted; absent where unknown.
     */
    started: { problem: ProblemSummary; blocks: BlockSpec[]; fingerprint?: string; blocksInFile?: number };
    progress: SolveProgress;
    result: SolveResult;
  };
  experiment: {
    options: Record<never, never>;
    started: { settings: IclSettings };
    progress: ExperimentProgress;
    result: IclResult;
  };
  /** An experiment file with a `sweep` line: the experiment at each value, one job, points kept after a cancel. */
  sweep: {
    options: Record<never, never>;
    /** `points[i]`: the settings at the i-th value. */
    started: { sweep: IclSweep; points: IclSettings[] };
    progress: SweepProgress;
    result: IclSweepResult;
  };
}

export type RunKind = keyof RunKinds;
export const RUN_KINDS = ['solve', 'experiment', 'sweep'] as const satisfies readonly RunKind[];

/** New points of one solve block since its previous event, in order. */
export interface SolveProgress {
  /** The block (BlockSpec.index). */
  block: number;
  points: IterationPoint[];
  /** The block's step limit, for progress percentages. */
  maxSteps: number;
  /** Set on the block's last event: how it stopped (the run's other blocks may still be going). */
  stop?: { reason: StopReason; message?: string };
}

/** New checkpoints of one repeat since its previous event, and the summary rows they changed. */
export interface ExperimentProgress {
  /** 0-based repeat. */
  repeat: number;
  /** Set on the repeat's first event: its seed and gradient-descent baseline. */
  start?: IclRepeatStart;
  checkpoints: IclCheckpoint[];
  /**
   * The mean ± std over the repeats at every step these checkpoints reached, recomputed by the server over all the
   * repeats it holds: the panel replaces its rows of the same step and never averages itself.
   */
  summary: IclSummaryPoint[];
}

/** An experiment's progress at one point of a sweep (its summary rows are that point's). */
export interface SweepProgress extends ExperimentProgress {
  /** 0-based index into the sweep's values. */
  point: number;
}

/** The request's params: common fields plus the kind's options. */
export type RunParams<K extends RunKind = RunKind> = {
  [P in K]: { kind: P; runId: string; textDocument: { uri: string } } & RunKinds[P]['options'];
}[K];

/** The request's answer. */
export type RunResponse<K extends RunKind = RunKind> = { [P in K]: { kind: P; result: RunKinds[P]['result'] } }[K];

/** Each event of a run of kind P, by its `event` name. */
export interface RunEventsOf<P extends RunKind> {
  started: { event: 'started'; kind: P; runId: string; uri: string; title: string; startedAt: number; data: RunKinds[P]['started'] };
  progress: { event: 'progress'; kind: P; runId: string; data: RunKinds[P]['progress'] };
  finished: { event: 'finished'; kind: P; runId: string; result: RunKinds[P]['result'] };
  /** `interrupted`: the language server stopped during the run (crash or kill); what arrived is kept. */
  failed: { event: 'failed'; kind: P; runId: string; uri: string; title: string; message: string; interrupted?: boolean };
}

/**
 * The events E of runs of kinds K. Spelled as a mapped type over K (not an Extract of RunEvent) so that code generic in
 * the kind can build an event of its kind K without a cast.
 */
export type RunEventOf<E extends keyof RunEventsOf<RunKind>, K extends RunKind = RunKind> = { [P in K]: RunEventsOf<P>[E] }[K];

export type RunEvent<K extends RunKind = RunKind> = RunEventOf<keyof RunEventsOf<RunKind>, K>;

/** What the server sends as `regress/runEvent`; `finished` and `failed` come from the request's answer. */
export type ServerRunEvent<K extends RunKind = RunKind> = RunEventOf<'started' | 'progress', K>;

/** Where a run is, as the extension's API and the panel show it. `interrupted`: the server stopped during the run. */
export type RunStatus = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';
