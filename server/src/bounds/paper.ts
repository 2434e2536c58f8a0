/**
 * The papers' bound M·‖move‖ with M = n^1.5·exp(10R²) (math spec §3.3), in log10 because M overflows doubles once
 * R > 8.4 (§6.4), and its assumptions checked on the data: R ≥ 4, the ∞-norm move condition < 0.01, α ≥ β = e^{−R²},
 * ‖b_j‖ ≤ R (§4.7).
 * R is the smallest value the data allow: the largest of the data norm and the weights' norms at both ends.
 */
import type { BoundValue, PaperAssumptions } from '../../../protocol/bounds';

const LN10 = Math.log(10);

/** log10 of 10R²/ln 10, the exponent part of log10 M, from log10 R: 10R² overflows once R > 4e153. */
function log10Exponent(R: number): number {
  return Math.log10(10 / LN10) + 2 * Math.log10(R);
}

/** log10 M; Infinity only where log10 M itself is beyond the largest double (then use log10Log10M). */
export function log10M(n: number, R: number): number {
  return 1.5 * Math.log10(n) + 10 ** log10Exponent(R);
}

/** log10(log10 M), finite for every finite R > 0 and n ≥ 1. */
export function log10Log10M(n: number, R: number): number {
  const e = log10Exponent(R),
    a = 1.5 * Math.log10(n);
  // log10(a + 10^e) = e + log10(1 + a·10^−e), without forming 10^e.
  return a === 0 ? e : e > 300 ? e + Math.log10(1 + a * 10 ** -e) : Math.log10(a + 10 ** e);
}

export function paperAssumptions(n: number, R: number, moveInf: number, logAlphaMin: number, bNorm: number): PaperAssumptions {
  return {
    R,
    rAtLeast4: R >= 4,
    stepInf: moveInf,
    stepInfOk: moveInf < 0.01,
    logAlphaMin,
    // log β = −R², compared without squaring R (R² overflows first).
    alphaOk: logAlphaMin >= 0 || Math.sqrt(-logAlphaMin) <= R,
    log10M: log10M(n, R),
    log10Log10M: log10Log10M(n, R),
    bNorm,
    bOk: bNorm <= R,
  };
}

export function paperBound(observed: number, move: number, a: PaperAssumptions): BoundValue {
  const log10 = a.log10M + Math.log10(move);
  // Where log10 M is beyond doubles the bound is 10^(10^309) or more: any finite observed shift is below it.
  const logRatio = observed === 0 ? -Infinity : a.log10M === Infinity ? -Infinity : Math.log10(observed) - log10;
  return {
    name: 'paper',
    observed,
    log10,
    ratio: 10 ** logRatio,
    log10Ratio: logRatio,
    holds: observed === 0 || logRatio <= 1e-12,
    assumptionsMet: a.rAtLeast4 && a.stepInfOk && a.alphaOk && a.bOk !== false,
  };
}

/** observed ≤ bound, allowing the rounding of `observed` itself (a difference of rounded outputs, ~ε·√entries). */
export function sharpBound(
  name: BoundValue['name'],
  observed: number,
  value: number,
  entries: number,
  row?: number,
  scoreSlack = 0,
): BoundValue {
  const slack = 4 * Number.EPSILON * Math.sqrt(entries) + scoreSlack;
  const ratio = value > 0 ? observed / value : observed > 0 ? Infinity : 0;
  const log10Ratio = observed === 0 ? -Infinity : value > 0 ? Math.log10(observed) - Math.log10(value) : Infinity;
  const b: BoundValue = { name, observed, value, ratio, log10Ratio, holds: observed <= value * (1 + 1e-12) + slack, assumptionsMet: null };
  if (row !== undefined) b.row = row;
  return b;
}
