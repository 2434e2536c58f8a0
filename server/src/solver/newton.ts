/**
 * Newton's method on (∇²L + λI)p = −∇L with a backtracking safeguard from t = 1.
 * - dim ≤ `dense`: the full Hessian (from dim Hessian-vector products) and a Cholesky solve (ml-matrix: a small
 *   decomposition, not a hot loop). These losses are non-convex away from the solution, so when the damped Hessian
 *   is not positive definite λ is raised tenfold (from at least 1e-8·max|H_ii|) until it is, as in Levenberg–Marquardt.
 * - larger: Newton-CG (Nocedal & Wright, Algorithm 7.1) on Hessian-vector products, truncated at negative curvature,
 *   with the forcing term min(0.5, √‖∇L‖)·‖∇L‖ for superlinear convergence; never forms the d²×d² Hessian.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { axpy, dot, norm2 } from '../math/dense';
import { hessian, type Objective } from '../math/objective';
import { backtrack, unitSlope } from './lineSearch';
import type { StepperFactory } from './stepper';

export const newton: StepperFactory = (obj, o) => {
  const n = obj.dim;
  const p = new Float64Array(n), trial = new Float64Array(n);
  const useDense = n <= o.dense;
  const cg = { r: new Float64Array(n), d: new Float64Array(n), Hd: new Float64Array(n) };
  return {
    step(it) {
      if (useDense) denseDirection(obj, it.x, it.grad, o.damping, p);
      else cgDirection(obj, it.x, it.grad, o.damping, o.cgiters, p, cg);
      if (!(unitSlope(it.grad, p) < 0)) for (let i = 0; i < n; i++) p[i] = -it.grad[i];
      return backtrack(obj, it, p, { t0: 1, shrink: 0.5, c1: 1e-4 }, trial);
    },
  };
};

function denseDirection(obj: Objective, x: Float64Array, g: Float64Array, damping: number, p: Float64Array) {
  const n = obj.dim;
  const H = hessian(obj, x);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(H[i * n + i]));
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(H.subarray(i * n, (i + 1) * n)));
  const rhs = Matrix.columnVector(Array.from(g, (v) => -v));
  let lambda = damping;
  for (let attempt = 0; attempt < 40; attempt++) {
    const Hl = new Matrix(rows);
    for (let i = 0; i < n; i++) Hl.set(i, i, rows[i][i] + lambda);
    const chol = new CholeskyDecomposition(Hl);
    if (chol.isPositiveDefinite()) {
      const sol = chol.solve(rhs);
      for (let i = 0; i < n; i++) p[i] = sol.get(i, 0);
      if (p.every(Number.isFinite)) return;
    }
    lambda = Math.max(10 * lambda, 1e-8 * (scale || 1));
  }
  for (let i = 0; i < n; i++) p[i] = -g[i];
}

function cgDirection(
  obj: Objective, x: Float64Array, g: Float64Array, damping: number, maxIter: number, p: Float64Array,
  w: { r: Float64Array; d: Float64Array; Hd: Float64Array },
) {
  const { r, d, Hd } = w;
  p.fill(0);
  for (let i = 0; i < r.length; i++) r[i] = d[i] = -g[i];
  let rr = dot(r, r);
  const gn = norm2(g);
  const tol = Math.min(0.5, Math.sqrt(gn)) * gn;
  for (let k = 0; k < maxIter; k++) {
    obj.hessVec(x, d, Hd);
    axpy(damping, d, Hd);
    const dHd = dot(d, Hd);
    if (dHd <= 0) {
      // Negative curvature: keep the progress so far, or fall back to steepest descent on the first iteration.
      if (k === 0) p.set(r);
      return;
    }
    const a = rr / dHd;
    axpy(a, d, p);
    axpy(-a, Hd, r);
    const rrNew = dot(r, r);
    if (Math.sqrt(rrNew) <= tol) return;
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < d.length; i++) d[i] = r[i] + beta * d[i];
  }
}
