/**
 * Result shapes shared by the server, the CLI's JSON output, the extension and the panel.
 * Later issues add fields; they never rename these (the CLI's --json output is a public interface).
 */

import type { DataMoveReport, BlockBounds } from './bounds';

export type ProblemKind = 'attention' | 'softmax';
export type Variant = 'normalized' | 'rescaled';
export type MethodName = 'gd' | 'armijo' | 'newton' | 'lbfgs';

/**
 * Why a run ended. `stalled`: the line search found no decrease along a descent direction (the loss is at its
 * floating-point floor). `nonFinite` / `overflow` / `error` carry a message naming the iteration and the quantity.
 */
/** `diverged`: the gradient vanished at a loss above the lowest the run had reached (an overshoot, not convergence). */
export type StopReason = 'steps' | 'gradTol' | 'lossTol' | 'stalled' | 'cancelled' | 'nonFinite' | 'overflow' | 'error' | 'diverged';

export interface ProblemSummary {
  kind: ProblemKind;
  variant: Variant;
  n: number;
  d: number;
  /** Regularization weight (math spec §2.1, §5); 0 when absent. */
  reg: number;
}

/** One iteration of a run. k = 0 is the initial point (stepNorm 0). */
export interface IterationPoint {
  k: number;
  loss: number;
  gradNorm: number;
  stepNorm: number;
  /** Step size actually taken (learning rate, line-search t, …) where the method defines one. */
  stepSize?: number;
  /**
   * Wall-clock milliseconds from the block's start (before its first loss evaluation) to this point, measured by the
   * solver's loop; absent in results from before it was added.
   */
  t?: number;
}

/** A `solve` block as written in the file, before it runs. */
export interface BlockSpec {
  /** 0-based index of the solve block in the file. */
  index: number;
  method: MethodName;
  options: Record<string, number>;
  /** 0-based line of the block in the file. */
  line: number;
  /** Human-readable label, e.g. "gd lr=0.5". */
  label: string;
}

export interface BlockFinal {
  loss: number;
  /** Final iterate: matrix form (attention) … */
  X?: number[][];
  /** … or vector form (softmax). */
  x?: number[];
  stopReason: StopReason;
  /** Human-readable explanation of the stop, always set for nonFinite / overflow / error. */
  message?: string;
  /** Number of iterations taken (points minus one). */
  iterations: number;
  elapsedMs: number;
}

export interface BlockResult {
  index: number;
  method: MethodName;
  options: Record<string, number>;
  label: string;
  iterations: IterationPoint[];
  final: BlockFinal;
  /** Bound checks of every step, when requested (`check bounds`, ▶ Check bounds, `regress-lab check-bounds`). */
  bounds?: BlockBounds;
  /** The prediction, its difference from the target and X at the final iterate (absent when it was not kept). */
  matrices?: PointMatrices;
}

export interface SolveResult {
  runId: string;
  /** Document URI or file path the problem came from. */
  source: string;
  problem: ProblemSummary;
  /** One per solve block that ran (the JSON name predates "block" and is kept: this is a public interface). */
  runs: BlockResult[];
  /**
   * The request was cancelled: the block that was running ends with stop reason 'cancelled' (at the k it reached,
   * its points kept) and later blocks did not run; set even when the cancel came before any block started.
   */
  cancelled?: boolean;
  /** The self-attention data move's bound checks, when the file declares one and bounds were requested. */
  dataMove?: DataMoveReport;
  /** The tensor-trick check of an attention problem with `check tensor`, or why it could not run (𝖠 too large). */
  tensor?: TensorCheckResult | { error: string };
  /** The target and the matrices at the initial point, for the panel's heatmaps; each block's final ones are its own. */
  matrices?: { target: MatrixData; initial: PointMatrices };
}

/**
 * The matrices of one point of a run, for heatmaps. The prediction is rowsoftmax(A1·X·A2ᵀ) (n×n) for the matrix form
 * and softmax(A·x) for the vector form, whatever the variant (the rescaled loss weighs row i of the difference by the
 * row sum α_i, math spec §4.5). Vectors are n×1 (or d×1) columns, so row i is entry i.
 */
export interface PointMatrices {
  /** X (d×d), or x as a d×1 column. */
  X: MatrixData;
  prediction: MatrixData;
  /** prediction − B (or − b), computed by the server: its `worstRows` are the rows the fit misses most. */
  difference: MatrixData;
}

/**
 * A matrix for display: its entries in full when both sides are at most MATRIX_FULL_SIDE (common/limits.ts), else
 * pooled into at most MATRIX_POOLED_SIDE² tiles, always with its statistics and its rows of largest norm. A saved
 * history may drop `values` (keeping `pooled`) or both to fit its size (extension/src/historyThin.ts).
 */
export interface MatrixData {
  rows: number;
  cols: number;
  /** Row-major: entry (i, j) is values[i·cols + j]. */
  values?: number[];
  pooled?: PooledMatrix;
  /** Over every entry, whether shown in full or pooled. */
  stats: { min: number; max: number; mean: number; fro: number };
  /** The rows of largest Euclidean norm, largest first (at most MATRIX_WORST_ROWS); `row` is 0-based. */
  worstRows: { row: number; norm: number }[];
}

/**
 * The matrix cut into tiles of tileRows×tileCols entries (the last tile of a row or column may be smaller), each
 * shown as its entry of largest |·| with its sign: a pooled heatmap keeps every outlier, never averages it away.
 */
export interface PooledMatrix {
  tileRows: number;
  tileCols: number;
  /** Tiles down and across. */
  rows: number;
  cols: number;
  /** Row-major over the tiles. */
  extreme: number[];
}

/** One quantity compared between the matrix form and the vectorized (Kronecker) form. */
export interface TensorComparison {
  /** Largest |entry| of the matrix-form value (the value itself for a scalar such as the loss). */
  matrixMax: number;
  /** Largest |entry| of the vectorized value. */
  vectorizedMax: number;
  /** max |matrix − vectorized| over entries. */
  maxAbsDiff: number;
  /** maxAbsDiff / max(max |matrix|, tiny). */
  relDiff: number;
  /**
   * Size of the terms summed to get the value, without cancellation (|𝖠|·|x| for the predictions; residuals replaced by
   * |f| + |b| or u + α|b| for the loss and gradient), and at least max |matrix|.
   */
  scale: number;
  /** maxAbsDiff / max(scale, tiny): meaningful where the value itself cancels to rounding noise (a stationary point). */
  scaledDiff: number;
}

/** The tensor-check comparisons at one point x = vec(X). */
export interface TensorPoint {
  /** 𝖠·x against vec(A1·X·A2ᵀ). */
  predictions: TensorComparison;
  /** Σ_j0 per-block loss (+ 0.5·reg·‖x‖²) against the matrix-form loss; `matrixMax`/`vectorizedMax` are |losses|. */
  loss: TensorComparison & { matrix: number; vectorized: number };
  /** Σ_j0 𝖠_j0ᵀ·(per-block core) + reg·x against vec(A1ᵀ·G·A2) + reg·x. */
  gradient: TensorComparison;
}

/**
 * `regress-lab tensor FILE --json`: the tensor trick checked numerically (math spec §4.2–§4.5). 𝖠 = A1⊗A2 (n²×d²)
 * is built explicitly and, at x = vec(X0) row-major (the top-level `predictions`, `loss`, `gradient`), 𝖠x, the
 * n-block vectorized loss and its gradient are compared with S = A1·X0·A2ᵀ and the matrix-form loss and gradient.
 */
export interface TensorCheckResult extends TensorPoint {
  problem: ProblemSummary;
  sizes: {
    n: number;
    d: number;
    /** Rows of 𝖠: n². */
    rows: number;
    /** Columns of 𝖠 (length of x = vec(X)): d². */
    cols: number;
    /** Memory of 𝖠: rows·cols·8. */
    bytes: number;
    /** The largest 𝖠 the check agrees to build. */
    limitBytes: number;
  };
  /**
   * The same comparisons at a seeded point Z (standard normal, times `scale` so that max |A1·Z·A2ᵀ| = 1): X0 is
   * often 0, where 𝖠x = S = 0 whatever 𝖠 is.
   */
  probe: TensorPoint & { scale: number };
  /** Wall-clock milliseconds per loss-and-gradient evaluation at X0 (mean over the repeats, after one warm-up). */
  timing: {
    /** Matrix form, O(n²d + nd²). */
    matrixGradMs: number;
    /** Through 𝖠, O(n²d²), not counting building 𝖠. */
    kroneckerGradMs: number;
    /** Building 𝖠 once. */
    buildMs: number;
    matrixRepeats: number;
    kroneckerRepeats: number;
  };
  /** Largest relDiff (or scaledDiff) accepted by `pass`. */
  tolerance: number;
  /** Every comparison, at X0 and at the probe point, has relDiff ≤ tolerance or scaledDiff ≤ tolerance. */
  pass: boolean;
}
