/**
 * Runs one solve block: the loop every method shares. It streams the points its trajectory keeps (trajectory.ts:
 * every point early on, then fewer and fewer, so a 10⁷-step run stays a few thousand points), applies the stopping
 * rules, and turns any overflow, NaN or Infinity into a stop that names the iteration and the quantity, keeping
 * the last finite iterate as the result (a failed run never loses what it had reached). Each point kept carries its
 * wall time since the block started (`t`), for the panel's wall-time axis (a best point off the grid has none).
 */
import type { IterationPoint, BlockFinal, BlockResult, StopReason } from '../../../protocol/results';
import { withDefaults } from '../language/methods';
import { norm2, toRows } from '../math/dense';
import { defaultKernels, objectiveFor } from '../math/kernels';
import { initialPoint, type Objective } from '../math/objective';
import type { Problem, SolveSpec } from '../problem';
import { armijo } from './armijo';
import { gd } from './gd';
import { lbfgs } from './lbfgs';
import { newton } from './newton';
import type { StepObserver } from './observer';
import type { Iterate, StepperFactory } from './stepper';
import { Trajectory } from './trajectory';

const STEPPERS: Record<SolveSpec['method'], StepperFactory> = { gd, armijo, newton, lbfgs };

export interface RunHooks {
  /** Called with each point the trajectory keeps, k = 0 first (every point with `allPoints`). */
  onPoint(p: IterationPoint): void;
  /** Keep every iteration instead of the thinned trajectory (the CLI's `--all-points`). */
  allPoints?: boolean;
  /** Polled once per iteration: cancellation takes effect within one iteration. */
  cancelled(): boolean;
  /** Told every accepted step, then the result (e.g. the bound checks of server/src/bounds). */
  observers?: readonly StepObserver[];
  /** Called with every accepted iterate x_k (k = 0 first); `x` is reused, copy it to keep it. */
  onIterate?(k: number, x: Float64Array): void;
}

export function runSolve(problem: Problem, spec: SolveSpec, hooks: RunHooks): BlockResult {
  const start = performance.now();
  const options = withDefaults(spec.method, spec.options);
  const obj = objectiveFor(problem, defaultKernels(), options.float32 ? 32 : 64);
  const it: Iterate = { x: initialPoint(problem), grad: new Float64Array(obj.dim), loss: 0 };
  it.loss = obj.lossGrad(it.x, it.grad);
  const stepper = STEPPERS[spec.method](obj, options);
  const observers = hooks.observers ?? [];
  const trajectory = new Trajectory(hooks.allPoints);
  const last = { x: new Float64Array(obj.dim), loss: NaN };
  // The clock is read only for points the result may hold: those the trajectory keeps, and a new lowest loss (the
  // result holds the best point wherever it falls). A 10⁷-step run of a tiny problem takes ~100 ns a step.
  const emit = (p: IterationPoint) => {
    if (trajectory.keeps(p.k) || trajectory.improves(p)) p.t = sinceStart(start);
    if (trajectory.add(p)) hooks.onPoint(p);
  };

  let k = 0;
  let stop: { reason: StopReason; message?: string } | undefined = failure(problem, obj, it, 0);
  if (!stop) {
    emit({ k: 0, loss: it.loss, gradNorm: norm2(it.grad), stepNorm: 0 });
    hooks.onIterate?.(0, it.x);
    stop = converged(trajectory.first!, options, trajectory.first);
  }
  while (!stop) {
    if (k >= options.steps) {
      stop = { reason: 'steps' };
      break;
    }
    if (hooks.cancelled()) {
      stop = { reason: 'cancelled' };
      break;
    }
    last.x.set(it.x);
    last.loss = it.loss;
    const out = stepper.step(it);
    if (out.kind === 'stalled') {
      stop = { reason: 'stalled', message: `iteration ${k + 1}: ${out.message}` };
      break;
    }
    k++;
    stop = failure(problem, obj, it, k);
    if (stop) {
      it.x.set(last.x);
      it.loss = last.loss;
      k--;
      break;
    }
    for (const o of observers) o.onStep(k - 1, last.x, it.x, out.stepSize);
    const p: IterationPoint = { k, loss: it.loss, gradNorm: norm2(it.grad), stepNorm: out.stepNorm };
    if (out.stepSize !== undefined) p.stepSize = out.stepSize;
    emit(p);
    hooks.onIterate?.(k, it.x);
    stop = converged(p, options, trajectory.best);
  }

  // The last point is in the result wherever it falls (trajectory.ts): off the grid, it is timed now.
  const lastPoint = trajectory.last;
  if (lastPoint && lastPoint.t === undefined) lastPoint.t = sinceStart(start);
  const final: BlockFinal = {
    loss: it.loss,
    stopReason: stop.reason,
    iterations: k,
    elapsedMs: performance.now() - start,
  };
  if (stop.message) final.message = stop.message;
  if (problem.kind === 'attention') final.X = toRows({ rows: problem.d, cols: problem.d, data: it.x });
  else final.x = Array.from(it.x);
  const result: BlockResult = {
    index: spec.index,
    method: spec.method,
    options,
    label: spec.label,
    iterations: trajectory.points(),
    final,
  };
  for (const o of observers) o.finish(result);
  return result;
}

/**
 * Milliseconds since `start`, to the microsecond: finer digits are the clock's noise, and thousands of points per
 * block carry this in every message and saved run.
 */
function sinceStart(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/**
 * A vanishing gradient means convergence only where the loss is not above the lowest the run has seen (allowing
 * rounding): a fixed step that overshoots into a flat region (huge lr saturating the softmax) also has ‖∇L‖ = 0.
 */
function converged(
  p: IterationPoint,
  o: Record<string, number>,
  best: IterationPoint | undefined,
): { reason: StopReason; message?: string } | undefined {
  if (p.gradNorm <= o.gradtol) {
    if (best && p.loss > best.loss + 4 * Number.EPSILON * Math.abs(best.loss)) {
      return {
        reason: 'diverged',
        message: `iteration ${p.k}: ‖∇L‖ = ${p.gradNorm.toPrecision(3)} ≤ gradtol, but the loss ${p.loss.toPrecision(6)} is above ${best.loss.toPrecision(6)} reached at k = ${best.k}: the steps overshot into a flat region, not a minimum; lower the step size (lr)`,
      };
    }
    return { reason: 'gradTol' };
  }
  if (o.losstol > 0 && p.loss <= o.losstol) return { reason: 'lossTol' };
  return undefined;
}

/** An overflow refused by the objective, or the first non-finite quantity, as a message naming where it happened. */
function failure(problem: Problem, obj: Objective, it: Iterate, k: number): { reason: StopReason; message: string } | undefined {
  const at = k === 0 ? 'at the initial point' : `at iteration ${k}`;
  const o = obj.overflow;
  if (it.loss === Infinity && o) {
    const where =
      problem.kind === 'attention'
        ? `S = A1·X·A2ᵀ has S[${o.row + 1},${o.col + 1}] = ${o.value.toPrecision(6)}`
        : `A·x has entry ${o.col + 1} = ${o.value.toPrecision(6)}`;
    const fix = k === 0 ? 'scale the data or the initial point down' : 'lower the step size (lr) or scale the data down';
    return {
      reason: 'overflow',
      message: `${at}: the rescaled loss would overflow: ${where}, above the limit ${o.limit.toFixed(1)} where exp(S)² exceeds the largest double; ${fix}`,
    };
  }
  if (!Number.isFinite(it.loss)) return { reason: 'nonFinite', message: `${at}: the loss is ${it.loss}` };
  for (let i = 0; i < it.grad.length; i++) {
    if (!Number.isFinite(it.grad[i])) {
      const d = problem.d;
      const entry = problem.kind === 'attention' ? `∂L/∂X[${Math.floor(i / d) + 1},${(i % d) + 1}]` : `∂L/∂x[${i + 1}]`;
      return { reason: 'nonFinite', message: `${at}: the gradient entry ${entry} is ${it.grad[i]}` };
    }
  }
  return undefined;
}

export class EvaluationError extends Error {}

/** Loss and gradient at the initial point (`regress-lab eval`): nested rows for the matrix form. */
export function evaluate(problem: Problem): { loss: number; gradient: number[] | number[][] } {
  const obj = objectiveFor(problem);
  const it: Iterate = { x: initialPoint(problem), grad: new Float64Array(obj.dim), loss: 0 };
  it.loss = obj.lossGrad(it.x, it.grad);
  const bad = failure(problem, obj, it, 0);
  if (bad) throw new EvaluationError(bad.message);
  const gradient = problem.kind === 'attention' ? toRows({ rows: problem.d, cols: problem.d, data: it.grad }) : Array.from(it.grad);
  return { loss: it.loss, gradient };
}
