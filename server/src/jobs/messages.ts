/** Messages between the language server and a solver worker thread (internal to the server). */
import type { DataMoveReport } from '../../../protocol/bounds';
import type { IterationPoint, RunResult, SolveResult } from '../../../protocol/results';
import type { Problem, SolveSpec } from '../problem';

export interface WorkerInput {
  problem: Problem;
  specs: SolveSpec[];
  /** Int32Array over a SharedArrayBuffer: element 0 becomes 1 to cancel; the worker polls it every iteration. */
  cancelFlag: Int32Array;
  /** Minimum interval between point batches, so the LSP connection sees at most ~1000/throttleMs messages a second. */
  throttleMs: number;
  /** Check the bounds on every step and, when the problem has a data move, the data move after the runs. */
  bounds: boolean;
  /** Run the tensor-trick check after the runs (attention problems only). */
  tensor: boolean;
}

export type WorkerOutput =
  | { type: 'points'; runIndex: number; points: IterationPoint[] }
  | { type: 'runDone'; result: RunResult }
  | { type: 'dataMove'; report: DataMoveReport }
  | { type: 'tensor'; result: NonNullable<SolveResult['tensor']> }
  | { type: 'failed'; message: string };
