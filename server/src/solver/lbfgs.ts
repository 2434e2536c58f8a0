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
  const m = o.memory,
    n = obj.dim;
  // The last m pairs (s, y) in a ring, oldest at `head`; a candidate pair is built in (sNew, yNew) and swapped in
  // when accepted, so no step allocates.
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m),
    alpha = new Float64Array(m);
  let sNew = new Float64Array(n),
    yNew = new Float64Array(n);
  let head = 0,
    count = 0;
  const slot = (k: number) => (head + k) % m;
  const p = new Float64Array(n),
    trial = new Float64Array(n),
    xPrev = new Float64Array(n),
    gPrev = new Float64Array(n);
  let first = true;

  function direction(g: Float64Array) {
    for (let i = 0; i < n; i++) p[i] = -g[i];
    for (let k = count - 1; k >= 0; k--) {
      const j = slot(k);
      alpha[j] = rho[j] * dot(S[j], p);
      axpy(-alpha[j], Y[j], p);
    }
    if (count) {
      const last = slot(count - 1);
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let k = 0; k < count; k++) {
      const j = slot(k);
      axpy(alpha[j] - rho[j] * dot(Y[j], p), S[j], p);
    }
  }

  return {
    step(it) {
      direction(it.grad);
      if (!(unitSlope(it.grad, p) < 0)) {
        head = count = 0;
        direction(it.grad);
      }
      xPrev.set(it.x);
      gPrev.set(it.grad);
      // Without curvature information (p = −∇L) the first trial step has length at most 1.
      const t0 = first ? Math.min(1, 1 / norm2(p)) : 1;
      first = false;
      const out = backtrack(obj, it, p, { t0, shrink: 0.5, c1: 1e-4 }, trial);
      if (out.kind !== 'moved') return out;
      for (let i = 0; i < n; i++) {
        sNew[i] = it.x[i] - xPrev[i];
        yNew[i] = it.grad[i] - gPrev[i];
      }
      const sy = dot(sNew, yNew);
      if (sy > 1e-12 * Math.sqrt(dot(sNew, sNew) * dot(yNew, yNew))) {
        let j: number;
        if (count < m) j = slot(count++);
        else {
          j = head;
          head = slot(1);
        }
        [S[j], sNew] = [sNew, S[j]];
        [Y[j], yNew] = [yNew, Y[j]];
        rho[j] = 1 / sy;
      }
      return out;
    },
  };
};
