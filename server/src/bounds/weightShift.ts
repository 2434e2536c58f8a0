/**
 * The weight side of the in-context-learning equivalence, checked step by step (math spec §3.4, §4.8): moving the
 * weights x_t → x_{t+1} is exactly keeping x_t and shifting the target to b̃ (see shift.ts). For every step it
 * measures ‖b̃ − b‖, checks the identity L(x_t; b̃) = L(x_{t+1}; b) (data term), and evaluates the sharp bounds and
 * the papers' bound with its assumptions.
 */
import type { BoundStep, BoundValue, BlockBounds } from '../../../protocol/bounds';
import type { BlockResult } from '../../../protocol/results';
import type { Matrix, Problem, SolveSpec } from '../problem';
import type { StepObserver } from '../solver/observer';
import { paperAssumptions, paperBound, sharpBound } from './paper';
import { maxAbs, norm2 } from '../math/dense';
import { dataOf, scoreShape, scores, targetOf } from '../math/scores';
import { capBound, equivalentTarget, rescaledBounds } from './shift';
import { spectralNorm } from '../math/spectral';
import { BoundTable } from './summary';

/** Steps beyond this are not checked (each check costs about three loss evaluations); the run itself goes on. */
export const BOUND_STEP_LIMIT = 20_000;

/** A run's observer (bounds/checks.ts attaches it to the runs that check bounds); `result()` is what it has checked so far. */
export class WeightShiftCheck implements StepObserver {
  private readonly steps: BoundStep[] = [];
  private readonly table = new BoundTable();
  /** ‖A‖, or ‖A1⊗A2‖ = ‖A1‖‖A2‖ for the matrix form. */
  private readonly normA: number;
  private readonly norms: BlockBounds['norms'];
  private readonly rows: number;
  private readonly cols: number;
  private readonly gradientStep: boolean;
  private maxExactness = 0;
  /** |A| (|A1|, |A2|) entrywise and the γ of the score products: they bound the rounding of the scores. */
  private readonly absData: Matrix[];
  private readonly gamma: number;
  /** The scores at the end of the last step: a run's steps are consecutive, so they start the next one. */
  private last?: { x: Float64Array; S: Float64Array };

  constructor(
    private readonly problem: Problem,
    spec: Pick<SolveSpec, 'method'>,
    private readonly limit = BOUND_STEP_LIMIT,
  ) {
    [this.rows, this.cols] = scoreShape(problem);
    this.absData = dataOf(problem).map((M) => ({ rows: M.rows, cols: M.cols, data: M.data.map(Math.abs) }));
    // S = A·x sums d products; S = (A1·X)·A2ᵀ two such sums: |fl(S) − S| ≤ γ_m·(|A||x|) with m = d or 2d, and one
    // more rounding for Δx = fl(x_{t+1} − x_t) (Higham, Accuracy and Stability, §3.5).
    const m = (problem.kind === 'attention' ? 2 : 1) * problem.d + 1;
    this.gamma = (m * Number.EPSILON) / (1 - m * Number.EPSILON);
    // x_{t+1} = x_t − η∇L(x_t) only for gd and armijo; Newton and L-BFGS steps take other directions.
    this.gradientStep = spec.method === 'gd' || spec.method === 'armijo';
    if (problem.kind === 'attention') {
      const A1 = spectralNorm(problem.A1),
        A2 = spectralNorm(problem.A2);
      this.normA = A1 * A2;
      this.norms = { A1, A2, rows: this.rows, n: this.cols };
    } else {
      this.normA = spectralNorm(problem.A);
      this.norms = { A: this.normA, rows: 1, n: this.cols };
    }
  }

  /** Records the step k → k + 1 of size `stepSize` (where the method has one). */
  onStep(k: number, xPrev: Float64Array, xNext: Float64Array, stepSize: number | undefined): void {
    if (this.limit && this.steps.length >= this.limit) return;
    const { rows, cols, problem } = this;
    const b = targetOf(problem);
    const data = dataOf(problem);
    const S0 = this.last && this.last.x.every((v, i) => v === xPrev[i]) ? this.last.S : scores(data, xPrev);
    const S1 = scores(data, xNext);
    this.last = { x: Float64Array.from(xNext), S: S1 };
    const dx = new Float64Array(xPrev.length);
    for (let i = 0; i < dx.length; i++) dx[i] = xNext[i] - xPrev[i];
    const dS = scores(data, dx); // A1·ΔX·A2ᵀ directly, not S1 − S0, which would cancel
    const sh = equivalentTarget(problem.variant, b, S0, S1, rows, cols);
    this.maxExactness = Math.max(this.maxExactness, sh.exactness);
    const scoreError = this.scoreError(xPrev, xNext, dx);
    // The normalized bounds are ½·Lipschitz in the scores: rounding of S0, S1 and ΔS moves the observed shift
    // against the bound by at most ½‖δS0‖ + ½‖δS1‖ + ½‖δΔS‖ ≤ ½‖scoreError‖ (bounds.md, "Rounding").
    const slack = 0.5 * norm2(scoreError);

    const stepNorm = norm2(dx);
    const entries = rows * cols;
    const bounds: BoundValue[] = [];
    if (problem.variant === 'normalized') {
      bounds.push(sharpBound('S1', sh.observed, 0.5 * norm2(dS), entries, undefined, slack));
      bounds.push(sharpBound('S1norm', sh.observed, 0.5 * this.normA * stepNorm, entries, undefined, slack));
      if (this.gradientStep && stepSize !== undefined) {
        // ‖Δx‖ = η‖∇L‖ ≤ η(½‖A‖‖residual‖ + reg‖x_t‖): every row's softmax Jacobian has norm ≤ ½ (§2.2).
        const grad = 0.5 * this.normA * norm2(sh.o0.out.map((v, j) => v - b[j])) + problem.reg * norm2(xPrev);
        bounds.push(sharpBound('S3', sh.observed, 0.5 * this.normA * stepSize * grad, entries, undefined, slack));
      }
      bounds.push(capBound(sh, cols));
    } else {
      bounds.push(...rescaledBounds(sh, b, S0, S1, dS, rows, cols, scoreError));
    }
    const R = Math.max(this.normA, norm2(xPrev), norm2(xNext));
    const assumptions = paperAssumptions(cols, R, maxAbs(dS), sh.logAlphaMin, rowNormMax(b, rows, cols));
    // The rescaled theorem is per row (§4.8); the normalized one bounds the whole shift.
    bounds.push(paperBound(problem.variant === 'normalized' ? sh.observed : sh.observedRowMax, stepNorm, assumptions));

    const step: BoundStep = {
      k,
      stepNorm,
      observedShift: sh.observed,
      observedRowMax: sh.observedRowMax,
      exactnessError: sh.exactness,
      lossNext: sh.lossNext,
      bounds,
      assumptions,
    };
    if (stepSize !== undefined) step.stepSize = stepSize;
    this.steps.push(step);
    this.table.add(k, bounds);
  }

  /** Entrywise bound on the rounding of S0 + S1 + ΔS together: γ·|A|(|x_t| + |x_{t+1}| + |Δx|). */
  private scoreError(x0: Float64Array, x1: Float64Array, dx: Float64Array): Float64Array {
    const e = scores(
      this.absData,
      x0.map((v, i) => Math.abs(v) + Math.abs(x1[i]) + Math.abs(dx[i])),
    );
    for (let i = 0; i < e.length; i++) e[i] *= this.gamma;
    return e;
  }

  finish(result: BlockResult): void {
    result.bounds = this.result();
  }

  result(): BlockBounds {
    const summary = this.table.summary();
    const messages = violationMessages(summary);
    if (this.limit && this.steps.length >= this.limit) messages.push(`Only the first ${this.limit} steps were checked.`);
    return {
      norms: this.norms,
      steps: this.steps,
      summary,
      maxExactnessError: this.maxExactness,
      sharpViolations: sharpViolations(summary),
      messages,
      stepLimit: this.limit,
    };
  }
}

/** The largest ‖b_j‖ over the rows of the target (the vector form has one row). */
export function rowNormMax(b: Float64Array, rows: number, cols: number): number {
  let m = 0;
  for (let i = 0; i < rows; i++) m = Math.max(m, norm2(b.subarray(i * cols, (i + 1) * cols)));
  return m;
}

export function sharpViolations(summary: BlockBounds['summary']): number {
  return summary.filter((s) => s.kind !== 'paper').reduce((n, s) => n + s.violations, 0);
}

/** What a failed bound means: a sharp bound cannot fail on finite input; the papers' only without its assumptions. */
export function violationMessages(summary: BlockBounds['summary']): string[] {
  const out: string[] = [];
  for (const s of summary) {
    if (s.kind !== 'paper' && s.violations) {
      out.push(
        `${s.label} failed on ${s.violations} of ${s.stepsChecked} steps (worst at k = ${s.worstK}, observed/bound = ${s.tightness.toPrecision(4)}). A sharp bound cannot fail on finite input: this is a bug in the checker or the solver.`,
      );
    }
    if (s.kind === 'paper' && s.violations) {
      out.push(
        s.violationsWithAssumptions
          ? `The papers’ bound failed on ${s.violationsWithAssumptions} steps where its assumptions held: a bug, or the reconstructed constant M is wrong.`
          : `The papers’ bound failed on ${s.violations} steps, all where its assumptions do not hold (R ≥ 4, ‖A·Δx‖_∞ < 0.01, α ≥ β, ‖b‖ ≤ R): allowed by the theorem.`,
      );
    }
  }
  return out;
}
