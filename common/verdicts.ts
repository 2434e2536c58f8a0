/**
 * Verdicts both ends show: how a run stopped, whether a tensor-trick comparison passes, whether a bound failure is an
 * error or allowed by its theorem. Decided here once; the panel and the CLI only display them.
 */
import type { BoundSummary, BoundValue } from '../protocol/bounds';
import type { StopReason, TensorComparison } from '../protocol/results';
import type { RunResponse } from '../protocol/runs';

/** How a run that answered ended: 'cancelled' when the user stopped it (any block or repeat), else 'finished'. */
export function finishedStatus(r: RunResponse): 'finished' | 'cancelled' {
  if (r.kind === 'experiment' || r.kind === 'sweep') return r.result.stopReason === 'cancelled' ? 'cancelled' : 'finished';
  return r.result.cancelled || r.result.runs.some((b) => b.final.stopReason === 'cancelled') ? 'cancelled' : 'finished';
}

/** A stop the user must look at (the run did not end normally). */
export function isBadStop(reason: StopReason): boolean {
  return reason === 'nonFinite' || reason === 'overflow' || reason === 'error' || reason === 'diverged';
}

export function stopReasonText(reason: StopReason): string {
  switch (reason) {
    case 'steps':
      return 'step limit';
    case 'gradTol':
      return '‖∇L‖ ≤ gradtol';
    case 'lossTol':
      return 'loss ≤ losstol';
    case 'stalled':
      return 'no further decrease';
    case 'cancelled':
      return 'cancelled';
    case 'nonFinite':
      return 'non-finite value';
    case 'overflow':
      return 'exp overflow';
    case 'error':
      return 'error';
    case 'diverged':
      return 'diverged (loss rose)';
  }
}

/** Relative tolerance of the tensor-trick comparisons: rounding-sized for the sizes the check allows. */
export const TENSOR_TOLERANCE = 1e-10;

/** A comparison passes when its difference is rounding-sized relative to the value or to the terms that produced it. */
export function tensorComparisonPasses(c: Pick<TensorComparison, 'relDiff' | 'scaledDiff'>, tolerance = TENSOR_TOLERANCE): boolean {
  return c.relDiff <= tolerance || c.scaledDiff <= tolerance;
}

/** 'holds'; 'allowed' when only the papers' bound fails, and only where its assumptions are not met; else 'fails'. */
export type BoundVerdict = 'holds' | 'allowed' | 'fails';

/** Over a run's steps. */
export function boundVerdict(s: Pick<BoundSummary, 'kind' | 'violations' | 'violationsWithAssumptions'>): BoundVerdict {
  if (s.violations === 0) return 'holds';
  return s.kind === 'paper' && s.violationsWithAssumptions === 0 ? 'allowed' : 'fails';
}

/** At one step or layer. */
export function boundValueVerdict(v: Pick<BoundValue, 'name' | 'holds' | 'assumptionsMet'>): BoundVerdict {
  if (v.holds) return 'holds';
  return v.name === 'paper' && v.assumptionsMet === false ? 'allowed' : 'fails';
}
