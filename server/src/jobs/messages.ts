/**
 * Messages between the language server (or the CLI) and a worker thread (internal to the server). Every kind of run
 * speaks the same three messages: progress (the kind's protocol progress, less what only the scheduler can add), a
 * result (the worker's part of the run's result) and a failure.
 */
import type { IclSettings } from '../../../protocol/experiment';
import type { SolveResult } from '../../../protocol/results';
import type { ExperimentProgress, RunKind, SolveProgress, SweepProgress } from '../../../protocol/runs';
import type { IclRun } from '../icl/experiment';
import type { Problem, SolveSpec } from '../problem';
import type { Checks } from '../bounds/checks';
import type { UnitShareState } from './unitShare';

/**
 * What a solve job produced: the runs, the data-move and tensor checks when requested and not cancelled, and the
 * target's and initial point's matrices.
 */
export type SolveJobResult = Pick<SolveResult, 'runs' | 'dataMove' | 'tensor' | 'matrices'>;

/** Per kind: what one worker is given, and what it posts. */
export interface TaskKinds {
  solve: {
    /**
     * `thread` claims blocks from `share` as it becomes free (unitShare.ts, rule 'slowdown'). `finished`: Int32Array
     * over a SharedArrayBuffer counting the run's `threads` workers that are done, so the last one runs the checks.
     */
    input: {
      problem: Problem;
      specs: SolveSpec[];
      checks: Checks;
      share: UnitShareState;
      thread: number;
      finished: Int32Array;
      threads: number;
    };
    progress: SolveProgress;
    /**
     * Posted after each block (its run), by thread 0 before the blocks (the matrices) and by the last thread after
     * the checks (the checks), merged by the collector.
     */
    result: SolveJobResult;
  };
  experiment: {
    /**
     * `thread` claims repeats from `share` (shared by the run's workers) at `point` (0, or the point of a sweep) as it
     * becomes free, and follows its adaptive decision (unitShare.ts).
     */
    input: { settings: IclSettings; share: UnitShareState; thread: number; point: number };
    /** The summary is the scheduler's: only it holds the repeats of every worker. */
    progress: Omit<ExperimentProgress, 'summary'>;
    result: IclRun;
  };
  sweep: {
    /**
     * Per point of the sweep, in order, this worker's experiment task there (it claims from the point's repeats).
     * `finished`: Int32Array over a SharedArrayBuffer, shared by the run's `threads` workers, counting the points they
     * finished, so that no worker starts a point before every worker finished the one before.
     */
    input: { points: TaskKinds['experiment']['input'][]; finished: Int32Array; threads: number };
    progress: Omit<SweepProgress, 'summary'>;
    /** Posted after each point the worker ran (its share of the point's repeats). */
    result: { point: number; run: IclRun };
  };
}

export type TaskInput<K extends RunKind> = TaskKinds[K]['input'];
export type TaskProgress<K extends RunKind> = TaskKinds[K]['progress'];
export type TaskResult<K extends RunKind> = TaskKinds[K]['result'];

export type WorkerOutput<K extends RunKind = RunKind> =
  { type: 'progress'; data: TaskProgress<K> } | { type: 'result'; data: TaskResult<K> } | { type: 'failed'; message: string };

export interface WorkerInput<K extends RunKind = RunKind> {
  kind: K;
  task: TaskInput<K>;
  /** Int32Array over a SharedArrayBuffer: element 0 becomes 1 to cancel; the worker polls it every iteration. */
  cancelFlag: Int32Array;
  /** Minimum interval between progress batches, so the LSP connection sees at most ~1000/throttleMs messages a second. */
  throttleMs: number;
}

/** What a task gets from its worker thread. */
export interface TaskContext<K extends RunKind> {
  post(m: WorkerOutput<K>): void;
  cancelled(): boolean;
  throttleMs: number;
}
