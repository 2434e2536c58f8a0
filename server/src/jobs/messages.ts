/** Messages between the language server and a solver worker thread (internal to the server). */
import type { IterationPoint, RunResult, SolveResult } from '../../../protocol/results';
import type { Problem, SolveSpec } from '../problem';
import type { Checks } from '../solver/checks';

export interface WorkerInput {
  problem: Problem;
  specs: SolveSpec[];
  /** Int32Array over a SharedArrayBuffer: element 0 becomes 1 to cancel; the worker polls it every iteration. */
  cancelFlag: Int32Array;
  /** Minimum interval between point batches, so the LSP connection sees at most ~1000/throttleMs messages a second. */
  throttleMs: number;
  checks: Checks;
}

export type WorkerOutput =
  | { type: 'points'; runIndex: number; points: IterationPoint[] }
  | { type: 'runDone'; result: RunResult }
  | { type: 'checks'; results: Pick<SolveResult, 'dataMove' | 'tensor'> }
  | { type: 'failed'; message: string };
