/**
 * Backtracking (Armijo) line search shared by armijo, newton and lbfgs. Trial points whose rescaled exponent would
 * overflow evaluate to +Infinity and are simply rejected, so a search never steps into overflow.
 */
import type { Objective } from '../math/objective';
import type { Iterate, StepOutcome } from './stepper';

export interface LineSearchOptions {
  t0: number;
  shrink: number;
  c1: number;
}

/**
 * Finds t with L(x + t·p) ≤ L(x) + c1·t·(∇L·p), starting at t0 and multiplying by `shrink`; on success moves the
 * iterate (x, loss and gradient) to x + t·p. `slope` = ∇L·p must be negative.
 */
export function backtrack(obj: Objective, it: Iterate, p: Float64Array, slope: number, o: LineSearchOptions, trial: Float64Array): StepOutcome {
  const { x } = it;
  let pn = 0, xn = 0;
  for (let i = 0; i < p.length; i++) {
    pn += p[i] * p[i];
    xn += x[i] * x[i];
  }
  pn = Math.sqrt(pn);
  xn = Math.sqrt(xn);
  let t = o.t0;
  // Stop once the step is below the spacing of doubles around x: no representable decrease remains.
  while (t * pn > 1e-16 * (1 + xn)) {
    for (let i = 0; i < x.length; i++) trial[i] = x[i] + t * p[i];
    const Lt = obj.loss(trial);
    if (Lt <= it.loss + o.c1 * t * slope) {
      x.set(trial);
      it.loss = obj.lossGrad(x, it.grad);
      return { kind: 'moved', stepNorm: t * pn, stepSize: t };
    }
    t *= o.shrink;
  }
  return { kind: 'stalled', message: `the line search found no decrease along the search direction (slope ${slope.toExponential(3)}); the loss is at its floating-point floor` };
}
