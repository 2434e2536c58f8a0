/**
 * The papers' bound M·‖move‖ with M = n^1.5·exp(10R²) (math spec §3.3), in log10 because M overflows doubles once
 * R > 8.4 (§6.4), and its assumptions checked on the data: R ≥ 4, the ∞-norm move condition < 0.01, α ≥ β = e^{−R²}.
 * R is the smallest value the data allow: the largest of the data norm and the weights' norms at both ends.
 */
import type { BoundValue, PaperAssumptions } from '../../../protocol/bounds';

const LN10 = Math.log(10);

export function log10M(n: number, R: number): number {
  return 1.5 * Math.log10(n) + (10 * R * R) / LN10;
}

export function paperAssumptions(n: number, R: number, moveInf: number, logAlphaMin: number): PaperAssumptions {
  return {
    R,
    rAtLeast4: R >= 4,
    stepInf: moveInf,
    stepInfOk: moveInf < 0.01,
    logAlphaMin,
    alphaOk: logAlphaMin >= -R * R,
    log10M: log10M(n, R),
  };
}

export function paperBound(observed: number, move: number, a: PaperAssumptions): BoundValue {
  const log10 = a.log10M + Math.log10(move);
  const logRatio = observed > 0 ? Math.log10(observed) - log10 : -Infinity;
  return {
    name: 'paper',
    observed,
    log10,
    ratio: 10 ** logRatio,
    holds: observed === 0 || logRatio <= 1e-12,
    assumptionsMet: a.rAtLeast4 && a.stepInfOk && a.alphaOk,
  };
}

/** observed ≤ bound, allowing the rounding of `observed` itself (a difference of rounded outputs, ~ε·√entries). */
export function sharpBound(name: BoundValue['name'], observed: number, value: number, entries: number, row?: number): BoundValue {
  const slack = 4 * Number.EPSILON * Math.sqrt(entries);
  const b: BoundValue = { name, observed, value, ratio: value > 0 ? observed / value : observed > 0 ? Infinity : 0, holds: observed <= value * (1 + 1e-12) + slack, assumptionsMet: null };
  if (row !== undefined) b.row = row;
  return b;
}
