/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.4, two-loop recursion) with a backtracking Armijo line search from t = 1.
 * Pairs with too little curvature (sᵀy ≤ 1e-12·‖s‖‖y‖) are skipped, which keeps the implicit inverse Hessian
 * positive definite on these non-convex losses; if the direction is still not a descent direction the memory is
 * dropped and the step falls back to −∇L.
 */
import { axpy, dot, norm2 } from '../math/dense';
import { backtrack, unitSlope } from './lineSearch';
import type { StepperFactory } from './stepper';

export const lbfgs: StepperFactory = (obj, o) => {
  const m = o.memory, n = obj.dim;
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const p = new Float64Array(n), trial = new Float64Array(n), xPrev = new Float64Array(n), gPrev = new Float64Array(n);
  const alpha = new Float64Array(m);
  let first = true;

  function direction(g: Float64Array) {
    for (let i = 0; i < n; i++) p[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], p);
      axpy(-alpha[k], Y[k], p);
    }
    if (S.length) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let k = 0; k < S.length; k++) axpy(alpha[k] - rho[k] * dot(Y[k], p), S[k], p);
  }

  return {
    step(it) {
      direction(it.grad);
      if (!(unitSlope(it.grad, p) < 0)) {
        S.length = Y.length = rho.length = 0;
        direction(it.grad);
      }
      xPrev.set(it.x);
      gPrev.set(it.grad);
      // Without curvature information (p = −∇L) the first trial step has length at most 1.
      const t0 = first ? Math.min(1, 1 / norm2(p)) : 1;
      first = false;
      const out = backtrack(obj, it, p, { t0, shrink: 0.5, c1: 1e-4 }, trial);
      if (out.kind !== 'moved') return out;
      const s = new Float64Array(n), y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = it.x[i] - xPrev[i];
        y[i] = it.grad[i] - gPrev[i];
      }
      const sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        if (S.length === m) {
          S.shift();
          Y.shift();
          rho.shift();
        }
        S.push(s);
        Y.push(y);
        rho.push(1 / sy);
      }
      return out;
    },
  };
};
