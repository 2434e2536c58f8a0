/** Messages between the language server and a solver worker thread (internal to the server). */
import type { IterationPoint, RunResult } from '../../../protocol/results';
import type { Problem, SolveSpec } from '../problem';

export interface WorkerInput {
  problem: Problem;
  specs: SolveSpec[];
  /** Int32Array over a SharedArrayBuffer: element 0 becomes 1 to cancel; the worker polls it every iteration. */
  cancelFlag: Int32Array;
  /** Minimum interval between point batches, so the LSP connection sees at most ~1000/throttleMs messages a second. */
  throttleMs: number;
}

export type WorkerOutput =
  | { type: 'points'; runIndex: number; points: IterationPoint[] }
  | { type: 'runDone'; result: RunResult }
  | { type: 'failed'; message: string };
