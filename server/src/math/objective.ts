/**
 * The one kernel interface every problem implements and every method consumes. Parameters are a flat
 * Float64Array (x ∈ R^d, or vec(X) ∈ R^{d²} in row-major order for the matrix form). Implementations work in
 * matrix form, O(n²d + nd²) per gradient or Hessian-vector product, and never form A1⊗A2 (math spec §6.1);
 * kernels.ts picks one for a problem.
 */
import type { Problem } from '../problem';
import type { ExpOverflow } from './rows';

export interface Objective {
  /** Number of parameters. */
  readonly dim: number;
  /** 0.5‖residual‖² + 0.5·reg·‖x‖². +Infinity (with `overflow` set) when the rescaled exp(S) would overflow. */
  loss(x: Float64Array): number;
  /** Writes ∇L(x) into `grad` and returns L(x) (one pass shares the forward computation). */
  lossGrad(x: Float64Array, grad: Float64Array): number;
  /** Writes ∇²L(x)·v into `out` without forming the Hessian. */
  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): void;
  /** Why the last evaluation returned +Infinity, if the rescaled exponent crossed its limit. */
  readonly overflow: ExpOverflow | undefined;
}

/** The initial point as a flat parameter vector (row-major vec(X0) or x0), copied. */
export function initialPoint(p: Problem): Float64Array {
  return Float64Array.from(p.kind === 'attention' ? p.X0.data : p.x0);
}

/**
 * The full Hessian, column by column from Hessian-vector products (dim products of O(n²d + nd²) each), then
 * symmetrized to remove rounding asymmetry. Only for small dim (Newton's dense path, tests). Newton passes its own
 * buffers (H: dim², work: 2·dim) so an iteration allocates nothing.
 */
export function hessian(
  obj: Objective,
  x: Float64Array,
  H: Float64Array = new Float64Array(obj.dim ** 2),
  work: Float64Array = new Float64Array(2 * obj.dim),
): Float64Array {
  const n = obj.dim;
  const e = work.subarray(0, n).fill(0);
  const col = work.subarray(n, 2 * n);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    obj.hessVec(x, e, col);
    for (let i = 0; i < n; i++) H[i * n + j] = col[i];
    e[j] = 0;
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
  return H;
}
