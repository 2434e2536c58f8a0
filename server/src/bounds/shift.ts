/**
 * The equivalent target of a move that changes the scores S0 → S1 (a weight move or a data move alike), and the
 * rescaled per-row bounds, shared by the weight-side and data-side checks (math spec §3.4, §4.8):
 *   normalized: b̃ = b + f(S0) − f(S1)
 *   rescaled:   b̃_j = (u_j(S0) − u_j(S1) + α_j(S1)·b_j) / α_j(S0)
 */
import type { BoundValue } from '../../../protocol/bounds';
import { RowKernel } from '../math/rows';
import type { Variant } from '../../../protocol/results';
import { sharpBound } from './paper';
import { norm2 } from '../math/dense';

export interface Shift {
  /** Row outputs (softmax or exp) and log α at both ends. */
  o0: ReturnType<typeof rowOutputs>;
  o1: ReturnType<typeof rowOutputs>;
  bt: Float64Array;
  /** Rescaled only: (u_j(S1) − u_j(S0))/α_j(S0) per entry, formed as exp(S − log α_j(S0)) so that rows whose exp underflows stay exact. */
  du?: Float64Array;
  rowShift: Float64Array;
  /** ‖b̃ − b‖ (Frobenius). */
  observed: number;
  observedRowMax: number;
  /** |L(S0; b̃) − L(S1; b)| by the solver's own loss kernel, and L(S1; b). */
  exactness: number;
  lossNext: number;
  logAlphaMin: number;
}

export function equivalentTarget(variant: Variant, b: Float64Array, S0: Float64Array, S1: Float64Array, rows: number, cols: number): Shift {
  const normalized = variant === 'normalized';
  const o0 = rowOutputs(S0, rows, cols, normalized),
    o1 = rowOutputs(S1, rows, cols, normalized);
  const bt = new Float64Array(b.length);
  const du = normalized ? undefined : new Float64Array(b.length);
  const rowShift = new Float64Array(rows);
  const diff = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    // Rescaled, divided through by α_j(S0) in log space: b̃ = e^{S0 − log α0} − e^{S1 − log α0} + e^{log α1 − log α0}·b.
    const la0 = o0.logAlpha[i],
      ratio = Math.exp(o1.logAlpha[i] - la0);
    for (let j = 0; j < cols; j++) {
      if (du) {
        du[o + j] = Math.exp(S1[o + j] - la0) - Math.exp(S0[o + j] - la0);
        bt[o + j] = ratio * b[o + j] - du[o + j];
      } else bt[o + j] = b[o + j] + (o0.out[o + j] - o1.out[o + j]);
      diff[j] = bt[o + j] - b[o + j];
    }
    rowShift[i] = norm2(diff);
  }
  const lossPrev = new RowKernel(variant, rows, cols, bt).value(S0);
  const lossNext = new RowKernel(variant, rows, cols, b).value(S1);
  return {
    o0,
    o1,
    bt,
    du,
    rowShift,
    observed: norm2(rowShift),
    observedRowMax: Math.max(...rowShift),
    exactness: Math.abs(lossPrev - lossNext),
    lossNext,
    logAlphaMin: Math.min(...o0.logAlpha, ...o1.logAlpha),
  };
}

/** The √2-per-row cap of the normalized problems: both rows lie on the simplex. */
export function capBound(sh: Shift, cols: number): BoundValue {
  return worstRow(Array.from(sh.rowShift, (v, i) => sharpBound('cap', v, Math.SQRT2, cols, i)));
}

/**
 * Rescaled, per row j: b̃_j − b_j = −(I − b_j1ᵀ)(u_j(S1) − u_j(S0))/α_j(S0) and ‖I − b1ᵀ‖ ≤ 1 + √n‖b‖, so
 * ‖b̃_j − b_j‖ ≤ (1 + √n‖b_j‖)‖Δu_j‖/α_j(S0) ≤ (1 + √n‖b_j‖)e^{ρ_j}‖ΔS_j‖/α_j(S0), ρ_j the largest score of row j
 * over the segment (at an end: S moves linearly, or is compared only at the ends for a data move).
 */
export function rescaledBounds(
  sh: Shift,
  b: Float64Array,
  S0: Float64Array,
  S1: Float64Array,
  dS: Float64Array,
  rows: number,
  cols: number,
  scoreError?: Float64Array,
): BoundValue[] {
  const beta: BoundValue[] = [],
    lip: BoundValue[] = [];
  const du = sh.du!;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let rho = -Infinity;
    for (let j = 0; j < cols; j++) rho = Math.max(rho, S0[o + j], S1[o + j]);
    const c = 1 + Math.sqrt(cols) * norm2(b.subarray(o, o + cols));
    // e^ρ/α_j(S0) as one exponential: each factor alone under- or overflows for rows of very negative or large scores.
    const lipFactor = c * Math.exp(rho - sh.o0.logAlpha[i]);
    beta.push(sharpBound('beta', sh.rowShift[i], c * norm2(du.subarray(o, o + cols)), cols, i));
    // The observed Δu comes from the rounded scores, the bound from ΔS = A·Δx: the scores' rounding moves u by
    // at most e^ρ·|δS| per entry, which the Lipschitz form must allow (bounds.md, "Rounding").
    const slack = scoreError ? lipFactor * norm2(scoreError.subarray(o, o + cols)) : 0;
    lip.push(sharpBound('betaLip', sh.rowShift[i], lipFactor * norm2(dS.subarray(o, o + cols)), cols, i, slack));
  }
  return [worstRow(beta), worstRow(lip)];
}

/** The row a per-row bound reports: a failing row first, else the tightest. */
export function worstRow(values: BoundValue[]): BoundValue {
  return values.reduce((w, v) => (w.holds !== v.holds ? (v.holds ? w : v) : v.ratio > w.ratio ? v : w));
}

/** Row-wise softmax (normalized) or exp (rescaled) of S, and the row sums α = Σ exp(S) as logs (no overflow). */
export function rowOutputs(
  S: Float64Array,
  rows: number,
  cols: number,
  normalized: boolean,
): { out: Float64Array; logAlpha: Float64Array } {
  const out = new Float64Array(S.length);
  const logAlpha = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, S[o + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(S[o + j] - max);
    logAlpha[i] = max + Math.log(sum);
    for (let j = 0; j < cols; j++) out[o + j] = normalized ? Math.exp(S[o + j] - max) / sum : Math.exp(S[o + j]);
  }
  return { out, logAlpha };
}
