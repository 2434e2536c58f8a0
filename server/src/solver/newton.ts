/**
 * Newton's method on (∇²L + λI)p = −∇L with a backtracking safeguard from t = 1.
 * - dim ≤ `dense`: the full Hessian (from dim Hessian-vector products) and a Cholesky solve, in place in buffers
 *   allocated once per run. These losses are non-convex away from the solution, so when the damped Hessian
 *   is not positive definite λ is raised tenfold (from at least 1e-8·max|H_ii|) until it is, as in Levenberg–Marquardt.
 * - larger: Newton-CG (Nocedal & Wright, Algorithm 7.1) on Hessian-vector products, truncated at negative curvature,
 *   with the forcing term min(0.5, √‖∇L‖)·‖∇L‖ for superlinear convergence; never forms the d²×d² Hessian.
 */
import { axpy, dot, norm2 } from '../math/dense';
import { hessian, type Objective } from '../math/objective';
import { backtrack, unitSlope } from './lineSearch';
import type { StepperFactory } from './stepper';

export const newton: StepperFactory = (obj, o) => {
  const n = obj.dim;
  const p = new Float64Array(n),
    trial = new Float64Array(n);
  const useDense = n <= o.dense;
  const cg = { r: new Float64Array(n), d: new Float64Array(n), Hd: new Float64Array(n) };
  const dense = useDense ? { H: new Float64Array(n * n), L: new Float64Array(n * n), work: new Float64Array(2 * n) } : undefined;
  return {
    step(it) {
      if (dense) denseDirection(obj, it.x, it.grad, o.damping, p, dense);
      else cgDirection(obj, it.x, it.grad, o.damping, o.cgiters, p, cg);
      if (!(unitSlope(it.grad, p) < 0)) for (let i = 0; i < n; i++) p[i] = -it.grad[i];
      return backtrack(obj, it, p, { t0: 1, shrink: 0.5, c1: 1e-4 }, trial);
    },
  };
};

function denseDirection(
  obj: Objective,
  x: Float64Array,
  g: Float64Array,
  damping: number,
  p: Float64Array,
  w: { H: Float64Array; L: Float64Array; work: Float64Array },
) {
  const n = obj.dim,
    { H, L } = w;
  hessian(obj, x, H, w.work);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(H[i * n + i]));
  let lambda = damping;
  for (let attempt = 0; attempt < 40; attempt++) {
    if (cholesky(H, lambda, n, L)) {
      choleskySolve(L, g, n, p);
      if (p.every(Number.isFinite)) return;
    }
    lambda = Math.max(10 * lambda, 1e-8 * (scale || 1));
  }
  for (let i = 0; i < n; i++) p[i] = -g[i];
}

/** L·Lᵀ = H + λI into the lower triangle of L; false unless every pivot is positive and finite. */
function cholesky(H: Float64Array, lambda: number, n: number, L: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    let dj = H[j * n + j] + lambda;
    for (let k = 0; k < j; k++) dj -= L[j * n + k] * L[j * n + k];
    if (!(dj > 0) || !Number.isFinite(dj)) return false;
    const ljj = Math.sqrt(dj);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = H[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return true;
}

/** p = −(L·Lᵀ)⁻¹·g: forward then back substitution, in place in p. */
function choleskySolve(L: Float64Array, g: Float64Array, n: number, p: Float64Array) {
  for (let i = 0; i < n; i++) {
    let s = -g[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * p[k];
    p[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = p[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * p[k];
    p[i] = s / L[i * n + i];
  }
}

function cgDirection(
  obj: Objective,
  x: Float64Array,
  g: Float64Array,
  damping: number,
  maxIter: number,
  p: Float64Array,
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
