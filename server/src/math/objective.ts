/**
 * The one kernel interface every problem implements and every method consumes. Parameters are a flat
 * Float64Array (x ∈ R^d, or vec(X) ∈ R^{d²} in row-major order for the matrix form). Implementations work in
 * matrix form, O(n²d + nd²) per gradient or Hessian-vector product, and never form A1⊗A2 (math spec §6.1).
 * A future WebAssembly SIMD backend implements this same interface.
 */
import type { Problem } from '../problem';
import { AttentionObjective } from './attention';
import type { ExpOverflow } from './rows';
import { SoftmaxObjective } from './softmaxVector';

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

export function objectiveFor(p: Problem): Objective {
  return p.kind === 'attention' ? new AttentionObjective(p) : new SoftmaxObjective(p);
}

/** The initial point as a flat parameter vector (row-major vec(X0) or x0), copied. */
export function initialPoint(p: Problem): Float64Array {
  return Float64Array.from(p.kind === 'attention' ? p.X0.data : p.x0);
}

/**
 * The full Hessian, column by column from Hessian-vector products (dim products of O(n²d + nd²) each), then
 * symmetrized to remove rounding asymmetry. Only for small dim (Newton's dense path, tests).
 */
export function hessian(obj: Objective, x: Float64Array): Float64Array {
  const n = obj.dim;
  const H = new Float64Array(n * n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    obj.hessVec(x, e, col);
    for (let i = 0; i < n; i++) H[i * n + j] = col[i];
    e[j] = 0;
  }
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
  return H;
}
