/** Messages between the language server (or the CLI) and a worker thread (internal to the server). */
import type { IclSettings } from '../../../protocol/experiment';
import type { ExperimentProgressParams } from '../../../protocol/lsp';
import type { IterationPoint, RunResult, SolveResult } from '../../../protocol/results';
import type { IclRun } from '../icl/experiment';
import type { Problem, SolveSpec } from '../problem';
import type { Checks } from '../solver/checks';

/** What one worker runs: the solve blocks of a request, or an experiment. */
export type WorkerTask =
  | { kind: 'solve'; problem: Problem; specs: SolveSpec[]; checks: Checks }
  /** `repeats`: this worker's share of the repeats (all when absent). */
  | { kind: 'experiment'; settings: IclSettings; repeats?: number[] };

export interface WorkerInput {
  task: WorkerTask;
  /** Int32Array over a SharedArrayBuffer: element 0 becomes 1 to cancel; the worker polls it every iteration. */
  cancelFlag: Int32Array;
  /** Minimum interval between progress batches, so the LSP connection sees at most ~1000/throttleMs messages a second. */
  throttleMs: number;
}

/** One batch of an experiment's progress: a repeat's start (on its first batch) and its new checkpoints. */
export type ExperimentProgress = Omit<ExperimentProgressParams, 'runId'>;

export type WorkerOutput =
  | { type: 'points'; runIndex: number; points: IterationPoint[] }
  | { type: 'runDone'; result: RunResult }
  | { type: 'checks'; results: Pick<SolveResult, 'dataMove' | 'tensor'> }
  | { type: 'experimentProgress'; progress: ExperimentProgress }
  | { type: 'experimentDone'; run: IclRun }
  | { type: 'failed'; message: string };

/** What a task gets from its worker thread. */
export interface TaskContext {
  post(m: WorkerOutput): void;
  cancelled(): boolean;
  throttleMs: number;
}
