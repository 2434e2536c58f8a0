/**
 * What a run tells those who watch its steps. The checks built on the solver (server/src/bounds) implement it and are
 * attached by whoever starts the run, so the solver never imports them.
 */
import type { BlockResult } from '../../../protocol/results';

export interface StepObserver {
  /**
   * The accepted step k → k + 1 from xPrev to xNext, of size `stepSize` where the method has one. A step that ends
   * the run on a non-finite value or an overflow is not reported. Both arrays are reused: copy them to keep them.
   */
  onStep(k: number, xPrev: Float64Array, xNext: Float64Array, stepSize: number | undefined): void;
  /** Once, after the run has ended: adds what was observed to its result. */
  finish(result: BlockResult): void;
}
