/**
 * The data side of the equivalence (math spec §3.4–§3.5, §4.8): with the weights fixed at the initial point x0,
 * each self-attention layer moves the document A_t → A_{t+1} (A1 and A2 alike for the matrix form), which is
 * exactly the old document with target b̃ = b + f_{A_t}(x0) − f_{A_{t+1}}(x0) (rescaled: the row-wise formula).
 * Per layer: the observed shift, the identity, (S2), the √2 cap or the β bounds, and the papers' M·‖ΔA‖. Then the
 * papers' "closeness": each run's first weight step from x0 against the first layer, as b̃ − b vectors.
 */
import type { BoundValue, Closeness, DataMoveReport, DataMoveStep } from '../../../protocol/bounds';
import { initialPoint } from '../math/objective';
import type { Matrix, Problem, SolveSpec } from '../problem';
import { runSolve } from '../solver/run';
import { paperAssumptions, paperBound, sharpBound } from './paper';
import { selfAttentionLayer } from './selfAttention';
import { maxAbs, norm2 } from '../math/dense';
import { dataOf, scoreShape, scores, targetOf, type Data } from '../math/scores';
import { capBound, equivalentTarget, rescaledBounds, type Shift } from './shift';
import { spectralNorm } from '../math/spectral';
import { BoundTable } from './summary';
import { rowNormMax, violationMessages } from './weightShift';

/** What the closeness reads of a run: a block's spec, or its result (which repeats it). */
export type RunSpec = Pick<SolveSpec, 'index' | 'method' | 'options' | 'label'>;

export function dataMoveCheck(problem: Problem, runs: readonly RunSpec[]): DataMoveReport {
  const move = problem.move;
  if (!move) throw new Error('the problem declares no data move (WQ, WK, WV, WP)');
  const [rows, cols] = scoreShape(problem);
  const b = targetOf(problem);
  const x = initialPoint(problem);
  const xNorm = norm2(x);
  const table = new BoundTable();
  const steps: DataMoveStep[] = [];
  let data: Data = dataOf(problem);
  let first: Shift | undefined;
  for (let layer = 1; layer <= move.layers; layer++) {
    const next = data.map((A) => selfAttentionLayer(A, move));
    const S0 = scores(data, x),
      S1 = scores(next, x);
    const dS = S1.map((v, i) => v - S0[i]);
    const sh = equivalentTarget(problem.variant, b, S0, S1, rows, cols);
    first ??= sh;
    const norms = data.map(spectralNorm),
      normsNext = next.map(spectralNorm);
    const moves = data.map((A, i) => spectralNorm(difference(next[i], A)));
    // ‖A1'⊗A2' − A1⊗A2‖ ≤ ‖ΔA1‖‖A2‖ + ‖A1'‖‖ΔA2‖ (the Kronecker norm is the product); the vector form: ‖ΔA‖.
    const moveNorm = data.length === 2 ? moves[0] * norms[1] + normsNext[0] * moves[1] : moves[0];
    const entries = rows * cols;
    const bounds: BoundValue[] = [];
    if (problem.variant === 'normalized') {
      bounds.push(sharpBound('S2', sh.observed, 0.5 * norm2(dS), entries));
      bounds.push(sharpBound('S2norm', sh.observed, 0.5 * xNorm * moveNorm, entries));
      bounds.push(capBound(sh, cols));
    } else {
      bounds.push(...rescaledBounds(sh, b, S0, S1, dS, rows, cols));
    }
    const dataNorm = (n: number[]) => (n.length === 2 ? n[0] * n[1] : n[0]);
    const R = Math.max(dataNorm(norms), dataNorm(normsNext), xNorm);
    const assumptions = paperAssumptions(cols, R, maxAbs(dS), sh.logAlphaMin, rowNormMax(b, rows, cols));
    bounds.push(paperBound(problem.variant === 'normalized' ? sh.observed : sh.observedRowMax, moveNorm, assumptions));
    const step: DataMoveStep = {
      layer,
      moveNorm,
      observedShift: sh.observed,
      observedRowMax: sh.observedRowMax,
      exactnessError: sh.exactness,
      bounds,
      assumptions,
    };
    if (data.length === 2) {
      step.moveA1 = moves[0];
      step.moveA2 = moves[1];
    }
    steps.push(step);
    table.add(layer, bounds);
    data = next;
  }
  const summary = table.summary();
  const messages = violationMessages(summary);
  if (xNorm === 0)
    messages.push(
      'At x0 = 0 the scores A·x vanish for every document A, so no data move can shift the target: give the initial point a nonzero value to see the self-attention side.',
    );
  return { layers: move.layers, headDim: move.k, steps, summary, closeness: first ? closeness(problem, runs, first) : [], messages };
}

/** Each run's first weight step from x0 (re-run for one step: deterministic) against the first layer. */
function closeness(problem: Problem, runs: readonly RunSpec[], sa: Shift): Closeness[] {
  const b = targetOf(problem);
  const [rows, cols] = scoreShape(problem);
  const x0 = initialPoint(problem);
  const data = dataOf(problem);
  return runs.map((run) => {
    const one = runSolve(
      problem,
      {
        index: run.index,
        method: run.method,
        // The bound checks stay float64 whatever precision the run asked for.
        options: { ...run.options, steps: 1, gradtol: 0, losstol: 0, float32: 0 },
        line: 0,
        label: run.label,
      },
      { onPoint: () => undefined, cancelled: () => false },
    );
    const x1 = Float64Array.from(one.final.X ? one.final.X.flat() : one.final.x!);
    const gd = equivalentTarget(problem.variant, b, scores(data, x0), scores(data, x1), rows, cols);
    let dot = 0,
      dist = 0;
    for (let i = 0; i < b.length; i++) {
      const g = gd.bt[i] - b[i],
        s = sa.bt[i] - b[i];
      dot += g * s;
      dist += (gd.bt[i] - sa.bt[i]) ** 2;
    }
    const denom = gd.observed * sa.observed;
    return {
      runIndex: run.index,
      label: run.label,
      distance: Math.sqrt(dist),
      cosine: denom > 0 ? dot / denom : null,
      gdShift: gd.observed,
      saShift: sa.observed,
    };
  });
}

function difference(A: Matrix, B: Matrix): Matrix {
  return { rows: A.rows, cols: A.cols, data: A.data.map((v, i) => v - B.data[i]) };
}
