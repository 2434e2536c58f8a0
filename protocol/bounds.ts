/**
 * Bound checks (math spec §3.3–§3.5, §4.7–§4.8, §6.4): for every step of a run, the equivalent target b̃ (B̃) of the
 * weight move, how far it moved, and each bound on that distance, sharp and the papers'. Shared by the CLI's
 * `check-bounds --json`, the language server and the panel. Norms are ℓ2 for vectors and Frobenius for matrices;
 * "per row" bounds compare row by row and report the worst row (largest observed/bound).
 */

/**
 * - `S1`: ‖ΔF‖ ≤ ½‖A1·ΔX·A2ᵀ‖_F (vector: ½‖A·Δx‖), the sharp Lipschitz bound with the data.
 * - `S1norm`: ≤ ½‖A1‖‖A2‖‖ΔX‖_F (vector: ½‖A‖‖Δx‖), the same with spectral norms.
 * - `S3`: a gradient step of size η: ≤ ½‖A1‖‖A2‖·η·(½‖A1‖‖A2‖‖R_t‖_F + reg‖X_t‖_F) (gd and armijo only).
 * - `S2`, `S2norm`: the data move at fixed X: ½‖ΔS‖_F and ½(‖ΔA1‖‖X‖_F‖A2‖ + ‖A1'‖‖X‖_F‖ΔA2‖).
 * - `cap`: per row ‖b̃_i − b_i‖ ≤ √2 (both softmax rows lie on the simplex).
 * - `beta`: rescaled, per row ‖b̃_j − b_j‖ ≤ (1 + √n‖b_j‖)‖Δu_j‖/α_j(x_t) (§4.8; β = α_j(x_t)).
 * - `betaLip`: rescaled, per row ≤ (1 + √n‖b_j‖)·e^{ρ_j}‖ΔS_j‖/α_j(x_t), ρ_j the largest score of row j on the segment.
 * - `paper`: M·‖move‖ with M = n^1.5·exp(10R²), compared in log10 (it overflows doubles once R > 8.4).
 */
export type BoundName = 'S1' | 'S1norm' | 'S3' | 'S2' | 'S2norm' | 'cap' | 'beta' | 'betaLip' | 'paper';

/** One bound at one step. */
export interface BoundValue {
  name: BoundName;
  /** What the bound is compared with: the Frobenius/ℓ2 shift, or for per-row bounds the worst row's shift. */
  observed: number;
  /** The bound, when it fits in a double. */
  value?: number;
  /** log10 of the bound: always set for `paper`, whose value overflows. */
  log10?: number;
  /** observed / bound; for `paper` computed in log space, 10^(log10 observed − log10 bound). */
  ratio: number;
  /** log10(observed / bound), which stays finite where `ratio` underflows to 0 (below 5e-324); −Infinity when observed = 0. */
  log10Ratio?: number;
  /** observed ≤ bound (with a rounding allowance of 1e-12 relative). */
  holds: boolean;
  /** Whether the bound's assumptions hold at this step; null for bounds that need none. */
  assumptionsMet: boolean | null;
  /** For per-row bounds: the worst row (0-based). */
  row?: number;
}

/** The papers' assumptions at one step (§3.3): each checked on the data. */
export interface PaperAssumptions {
  /** R = max(‖A‖ or ‖A1‖‖A2‖, ‖x_t‖, ‖x_{t+1}‖): the smallest R the data allow. */
  R: number;
  /** R ≥ 4. */
  rAtLeast4: boolean;
  /** ‖A·Δx‖_∞ (matrix: max |A1·ΔX·A2ᵀ|), which must be < 0.01. */
  stepInf: number;
  stepInfOk: boolean;
  /** min over rows of α = Σ exp(S) at both ends, as log (it under/overflows otherwise), against log β = −R². */
  logAlphaMin: number;
  alphaOk: boolean;
  /** log10 M = 1.5·log10 n + 10R²/ln 10. */
  log10M: number;
  /** log10(log10 M): finite where log10 M itself exceeds the largest double (R > about 4e153). */
  log10Log10M?: number;
  /** The largest ‖b_j‖ over the rows of the target, and whether ‖b_j‖ ≤ R (an assumption, math spec §4.7). */
  bNorm?: number;
  bOk?: boolean;
}

export interface BoundStep {
  /** The step goes from iterate k to k + 1. */
  k: number;
  /** ‖x_{k+1} − x_k‖ (Frobenius for X). */
  stepNorm: number;
  /** Step size η of the step where the method has one (gd: lr; armijo: the accepted t). */
  stepSize?: number;
  /** ‖b̃ − b‖ (Frobenius for B̃). */
  observedShift: number;
  /** Largest row ‖b̃_i − b_i‖ (equal to observedShift for the vector form). */
  observedRowMax: number;
  /** |L(x_k; b̃) − L(x_{k+1}; b)|, the exactness of the equivalence (rounding level), data term only. */
  exactnessError: number;
  /** L(x_{k+1}; b), to judge exactnessError against. */
  lossNext: number;
  bounds: BoundValue[];
  assumptions: PaperAssumptions;
}

/** One row of a run's bound table: a bound over all checked steps. */
export interface BoundSummary {
  name: BoundName;
  /** 'sharp' bounds must always hold (a violation is a bug or broken input); the 'paper' bound needs its assumptions. */
  kind: 'sharp' | 'cap' | 'paper';
  label: string;
  /** Largest observed value compared with this bound. */
  worstObserved: number;
  /** The observed value at the step of the largest ratio, and the bound there (value or log10). */
  observedAtWorst: number;
  bound?: number;
  boundLog10?: number;
  /** Largest observed/bound over the steps (the tightness: 1 = attained). */
  tightness: number;
  /** log10 of the tightness, finite where `tightness` underflows to 0. */
  tightnessLog10?: number;
  /** Step (k) of the largest ratio. */
  worstK: number;
  /** Steps where the bound failed. */
  violations: number;
  /** Steps where it failed although its assumptions held (for 'sharp': every failure). */
  violationsWithAssumptions: number;
  /** Steps where its assumptions held; null when it has none. */
  assumptionsMetSteps: number | null;
  stepsChecked: number;
}

/** The norms of the data the bounds use, computed once (spectral norms by SVD). */
export interface BoundNorms {
  /** ‖A‖ (vector form) or ‖A1‖, ‖A2‖ (matrix form), spectral. */
  A?: number;
  A1?: number;
  A2?: number;
  /** Rows of B (n for the matrix form, 1 for the vector form) and columns n. */
  rows: number;
  n: number;
}

export interface BlockBounds {
  norms: BoundNorms;
  steps: BoundStep[];
  summary: BoundSummary[];
  /** Largest exactnessError over the steps. */
  maxExactnessError: number;
  /** Sharp-bound violations: each one is a bug or broken input, and `messages` says which. */
  sharpViolations: number;
  messages: string[];
  /** Steps beyond this many are not checked (the run continues); 0 = all. */
  stepLimit: number;
}

/** One context update A_t → A_{t+1} (a self-attention layer) at the fixed weights x0. */
export interface DataMoveStep {
  layer: number;
  /** ‖A_{t+1} − A_t‖ spectral (matrix form: ‖ΔA1‖ and ‖ΔA2‖ in `moveA1`, `moveA2`). */
  moveNorm: number;
  moveA1?: number;
  moveA2?: number;
  observedShift: number;
  observedRowMax: number;
  exactnessError: number;
  bounds: BoundValue[];
  assumptions: PaperAssumptions;
}

/** GD-induced b̃ (first step of a run) beside the attention-induced b̃ (first layer): the papers' "closeness". */
export interface Closeness {
  runIndex: number;
  label: string;
  /** ‖b̃_GD − b̃_SA‖. */
  distance: number;
  /** cos∠(b̃_GD − b, b̃_SA − b); null when either shift is 0. */
  cosine: number | null;
  gdShift: number;
  saShift: number;
}

export interface DataMoveReport {
  layers: number;
  headDim: number;
  steps: DataMoveStep[];
  summary: BoundSummary[];
  closeness: Closeness[];
  messages: string[];
}
