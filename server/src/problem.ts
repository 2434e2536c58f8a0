/**
 * A numeric problem instance: what the .regress language produces and what the solver consumes.
 * Matrices are dense, row-major Float64Array (row-major vec everywhere, math spec §1).
 */
import type { MethodName, Variant } from '../../protocol/results';

export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major: entry (i, j) is data[i * cols + j]. */
  data: Float64Array;
}

interface ProblemBase {
  variant: Variant;
  n: number;
  d: number;
  /** Weight of the regularizer 0.5·reg·‖x‖² (0 = none); see math spec §2.1 and §5. */
  reg: number;
  /** A declared data move (the self-attention side of the bound checks), if any. */
  move?: SelfAttentionMove;
}

/**
 * A residual single-head softmax self-attention layer applied to the document, `layers` times in succession
 * (math spec §3.5): A ← A + rowsoftmax(A·WQ·WKᵀ·Aᵀ/√k)·A·WV·WP. For the matrix form it acts on A1 and A2 alike.
 */
export interface SelfAttentionMove {
  /** Head dimension k. */
  k: number;
  layers: number;
  WQ: Matrix; // d×k
  WK: Matrix; // d×k
  WV: Matrix; // d×k
  WP: Matrix; // k×d
}

/** Matrix form (paper 2): min_X 0.5‖rowsoftmax(A1 X A2ᵀ) − B‖_F² (normalized) or the rescaled form. */
export interface AttentionProblem extends ProblemBase {
  kind: 'attention';
  A1: Matrix; // n×d
  A2: Matrix; // n×d
  B: Matrix; // n×n
  X0: Matrix; // d×d
}

/** Vector form (paper 1): min_x 0.5‖softmax(Ax) − b‖² (normalized) or the rescaled form. */
export interface SoftmaxProblem extends ProblemBase {
  kind: 'softmax';
  A: Matrix; // n×d
  b: Float64Array; // n
  x0: Float64Array; // d
}

export type Problem = AttentionProblem | SoftmaxProblem;

/** One `solve` block: the method and its options (all numeric; see docs/regress-language.md for names/defaults). */
export interface SolveSpec {
  index: number;
  method: MethodName;
  options: Record<string, number>;
  line: number;
  label: string;
}
