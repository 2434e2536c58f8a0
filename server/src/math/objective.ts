/**
 * The one kernel interface every problem implements and every method consumes. Parameters are a flat
 * Float64Array (x ∈ R^d, or vec(X) ∈ R^{d²} in row-major order for the matrix form). Implementations work in
 * matrix form, O(n²d + nd²) per gradient, and never form A1⊗A2 (math spec §6.1). A future WebAssembly SIMD
 * backend implements this same interface.
 */
export interface Objective {
  /** Number of parameters. */
  readonly dim: number;
  /** 0.5‖residual‖² (+ regularizer). Returns NaN/±Infinity only if the inputs are non-finite; overflow is reported by `check`. */
  loss(x: Float64Array): number;
  /** Writes ∇L(x) into `grad` and returns L(x) (one pass shares the forward computation). */
  lossGrad(x: Float64Array, grad: Float64Array): number;
}
