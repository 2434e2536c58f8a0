/** `regress-lab tensor FILE`: the tensor trick checked at the initial point (math spec §4.2–§4.5), and its table. */
import type { TensorCheckResult, TensorComparison, TensorPoint } from '../../../protocol/results';
import { bytes, group } from '../../../common/format';
import { tensorComparisonPasses } from '../../../common/verdicts';
import { tensorCheck, TensorTooLarge } from '../math/tensor';
import type { Problem } from '../problem';
import { evaluate, EvaluationError } from '../solver/run';
import type { CliArgs } from './args';
import { num, table } from './format';

/** Exit 3 when a difference exceeds the tolerance. */
export function tensorCommand(args: CliArgs, p: Problem): number {
  if (p.kind !== 'attention') {
    process.stderr.write(
      `${args.file}: the tensor check applies to attention problems (matrix form, X ∈ R^{d×d}, math spec §4.2); ` +
        `this is a softmax problem in vector form: softmax(A·x) already is a single regression in x, so there is no A1⊗A2 to build\n`,
    );
    return 1;
  }
  try {
    evaluate(p); // the same overflow / non-finite diagnosis as `eval`, before building anything
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    process.stderr.write(`${args.file}: ${e.message}\n`);
    return 3;
  }
  let r: TensorCheckResult;
  try {
    r = tensorCheck(p);
  } catch (e) {
    if (!(e instanceof TensorTooLarge)) throw e;
    process.stderr.write(`${args.file}: ${e.message}; the matrix form never builds it (use \`eval\` or \`solve\`)\n`);
    return 1;
  }
  if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${tensorTable(args.file, r)}\n`);
  return r.pass ? 0 : 3;
}

export function tensorTable(file: string, r: TensorCheckResult): string {
  const { n, d, reg, variant } = r.problem;
  const s = r.sizes;
  const head = ['quantity', 'matrix form', 'vectorized', 'max abs diff', 'rel diff', 'diff/terms'];
  // A comparison that fails says so on its own row.
  const cells = (label: string, c: TensorComparison, a = c.matrixMax, b = c.vectorizedMax) => [
    label,
    num(a),
    num(b),
    num(c.maxAbsDiff),
    num(c.relDiff),
    `${num(c.scaledDiff)}${tensorComparisonPasses(c, r.tolerance) ? '' : '  FAILED'}`,
  ];
  const point = (at: string, pt: TensorPoint) => [
    cells(`${at}: predictions 𝖠x vs S (max |·|)`, pt.predictions),
    cells(`${at}: loss`, pt.loss, pt.loss.matrix, pt.loss.vectorized),
    cells(`${at}: gradient (max |·|)`, pt.gradient),
  ];
  const rows = [...point('X0', r), ...point('probe', r.probe)];
  const t = r.timing;
  const ms = (v: number) => (v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  return [
    `${file}: attention ${variant}, n = ${n}, d = ${d}${reg ? `, reg = ${reg}` : ''}; 𝖠 = A1⊗A2 is ${group(s.rows)} × ${group(s.cols)} (${bytes(s.bytes)}), x = vec(X0) row-major`,
    ...table(head, rows),
    `probe: a seeded random X scaled so max |A1·X·A2ᵀ| = 1 (X0 = 0 makes 𝖠x = S = 0 for any 𝖠)`,
    `gradient time: matrix form ${ms(t.matrixGradMs)} ms, Kronecker form ${ms(t.kroneckerGradMs)} ms (mean of ${t.matrixRepeats} / ${t.kroneckerRepeats} runs; building 𝖠 took ${ms(t.buildMs)} ms)`,
    `diff/terms: the difference relative to the size of the terms summed, for values that cancel (a stationary point)`,
    r.pass
      ? `ok: every difference ≤ ${r.tolerance} relative to the value or to its terms`
      : `FAILED: a difference exceeds ${r.tolerance} relative to both the value and its terms`,
  ].join('\n');
}
