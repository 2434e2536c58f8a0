/**
 * The checks a solve request runs besides its runs, decided and run the same way by the editor's solver worker and
 * by the CLI: per-step bounds (`check bounds`, ▶ Check bounds, `check-bounds`) as observers of each run, then, after
 * the runs, the data move's bounds and the tensor-trick check.
 */
import type { SolveResult } from '../../../protocol/results';
import { tensorCheck, TensorCheckRefused } from '../math/tensor';
import type { Problem, SolveSpec } from '../problem';
import type { StepObserver } from '../solver/observer';
import { dataMoveCheck, type RunSpec } from './dataMove';
import { WeightShiftCheck } from './weightShift';

export interface Checks {
  /** Bounds on every step and, when the problem declares a data move, the data move. */
  bounds: boolean;
  /** The tensor trick (attention problems only). */
  tensor: boolean;
}

/** What the file's `check` statements ask for; `bounds` can also be asked for by the request. */
export function requestedChecks(checks: readonly { kind: 'bounds' | 'tensor' }[], problem: Problem, bounds = false): Checks {
  return {
    bounds: bounds || checks.some((c) => c.kind === 'bounds'),
    tensor: problem.kind === 'attention' && checks.some((c) => c.kind === 'tensor'),
  };
}

/** What watches the steps of one run: the weight-side bound checks when bounds are asked for. */
export function stepObservers(problem: Problem, spec: Pick<SolveSpec, 'method'>, checks: Checks): StepObserver[] {
  return checks.bounds ? [new WeightShiftCheck(problem, spec)] : [];
}

/**
 * The checks that follow the runs of the blocks `ran` (their specs: the checks re-run what they need, so they can run
 * in whichever thread finishes last). A tensor check that cannot run (𝖠 too large, overflow at X0) is reported, not
 * thrown.
 */
export function checksAfterRuns(problem: Problem, ran: readonly RunSpec[], checks: Checks): Pick<SolveResult, 'dataMove' | 'tensor'> {
  const out: Pick<SolveResult, 'dataMove' | 'tensor'> = {};
  if (checks.bounds && problem.move) out.dataMove = dataMoveCheck(problem, ran);
  if (checks.tensor && problem.kind === 'attention') {
    try {
      out.tensor = tensorCheck(problem);
    } catch (e) {
      if (!(e instanceof TensorCheckRefused)) throw e;
      out.tensor = { error: e.message };
    }
  }
  return out;
}
