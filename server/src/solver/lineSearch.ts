/**
 * Backtracking (Armijo) line search shared by armijo, newton and lbfgs. Trial points whose rescaled exponent would
 * overflow evaluate to +Infinity and are simply rejected, so a search never steps into overflow.
 */
import { norm2 } from '../math/dense';
import type { Objective } from '../math/objective';
import type { Iterate, StepOutcome } from './stepper';

export interface LineSearchOptions {
  t0: number;
  shrink: number;
  c1: number;
}

/**
 * ∇L·p/‖p‖, the slope per unit of step length, from the unit vectors: the plain dot product overflows once
 * ‖∇L‖·‖p‖ > 1e308 (a gradient above 1e154 along itself), which made every Armijo test fail at iteration 1.
 */
export function unitSlope(g: Float64Array, p: Float64Array): number {
  const gn = norm2(g),
    pn = norm2(p);
  if (gn === 0 || pn === 0) return 0;
  let s = 0;
  for (let i = 0; i < g.length; i++) s += (g[i] / gn) * (p[i] / pn);
  return gn * s;
}

/**
 * Finds t with L(x + t·p) ≤ L(x) + c1·t·(∇L·p), starting at t0 and multiplying by `shrink`; on success moves the
 * iterate (x, loss and gradient) to x + t·p. p must be a descent direction (unitSlope(∇L, p) < 0). The decrease
 * term is formed as c1·(t‖p‖)·(∇L·p/‖p‖), each factor finite for a finite gradient.
 */
export function backtrack(obj: Objective, it: Iterate, p: Float64Array, o: LineSearchOptions, trial: Float64Array): StepOutcome {
  const { x } = it;
  const pn = norm2(p),
    xn = norm2(x);
  const slope = unitSlope(it.grad, p);
  let t = o.t0;
  // Stop once the step is below the spacing of doubles around x: no representable decrease remains.
  while (t * pn > 1e-16 * (1 + xn)) {
    for (let i = 0; i < x.length; i++) trial[i] = x[i] + t * p[i];
    const Lt = obj.loss(trial);
    if (Lt <= it.loss + o.c1 * (t * pn) * slope) {
      x.set(trial);
      it.loss = obj.lossGrad(x, it.grad);
      return { kind: 'moved', stepNorm: t * pn, stepSize: t };
    }
    t *= o.shrink;
  }
  return {
    kind: 'stalled',
    message: `the line search found no decrease along the search direction (slope ${slope.toExponential(3)} per unit step); the loss is at its floating-point floor`,
  };
}
