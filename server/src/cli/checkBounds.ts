/**
 * `regress-lab check-bounds FILE [--json] [--run N]`: solve every block with the bound checks on, and print per run
 * the table of bounds (worst observed shift, bound, tightness, assumptions, violations), or as JSON every step's
 * numbers together with the data and every iterate x_k, so each number can be recomputed independently.
 */
import type { BoundSummary, BlockBounds } from '../../../protocol/bounds';
import type { SolveResult } from '../../../protocol/results';
import { powerOfTen } from '../../../common/format';
import { boundVerdict, type BoundVerdict } from '../../../common/verdicts';
import { toRows } from '../math/dense';
import type { Problem } from '../problem';
import { num, table } from './format';

/** The problem's inputs as nested arrays: the same `data` object as `eval --json`. */
export function problemData(p: Problem): Record<string, number[][] | number[]> {
  const out: Record<string, number[][] | number[]> =
    p.kind === 'attention'
      ? { A1: toRows(p.A1), A2: toRows(p.A2), B: toRows(p.B), X0: toRows(p.X0) }
      : { A: toRows(p.A), b: Array.from(p.b), x0: Array.from(p.x0) };
  if (p.move) Object.assign(out, { WQ: toRows(p.move.WQ), WK: toRows(p.move.WK), WV: toRows(p.move.WV), WP: toRows(p.move.WP) });
  return out;
}

export function boundsJson(p: Problem, r: SolveResult, iterates: Map<number, number[][]>): object {
  return {
    problem: { ...r.problem, ...(p.move ? { move: { k: p.move.k, layers: p.move.layers } } : {}) },
    data: problemData(p),
    runs: r.runs.map((run) => ({
      index: run.index,
      method: run.method,
      label: run.label,
      options: run.options,
      final: run.final,
      ...run.bounds,
      // x_k flattened row-major (vec(X_k)), k = 0…K: step k goes from iterates[k] to iterates[k + 1].
      iterates: iterates.get(run.index) ?? [],
    })),
    dataMove: r.dataMove,
  };
}

function boundRows(summary: BoundSummary[]): string[][] {
  return summary.map((s) => [
    s.label,
    s.kind,
    num(s.worstObserved),
    `k = ${s.worstK}`,
    num(s.observedAtWorst),
    s.bound !== undefined ? num(s.bound) : s.boundLog10 !== undefined ? powerOfTen(s.boundLog10) : '-',
    // In log10 below the smallest double, where the ratio itself underflows to 0.
    s.kind === 'paper' || (s.tightness < 1e-300 && s.tightnessLog10 !== undefined && s.tightnessLog10 > -Infinity)
      ? powerOfTen(s.tightnessLog10 ?? Math.log10(s.tightness))
      : num(s.tightness),
    s.assumptionsMetSteps === null ? '-' : `${s.assumptionsMetSteps}/${s.stepsChecked}`,
    VERDICT[boundVerdict(s)](s.violations),
  ]);
}

const VERDICT: Record<BoundVerdict, (violations: number) => string> = {
  holds: () => 'holds',
  allowed: (v) => `${v} outside its assumptions`,
  fails: (v) => `FAILED ${v}`,
};

const HEAD = [
  'bound',
  'kind',
  'largest observed',
  'tightest step',
  'observed there',
  'bound there',
  'observed/bound',
  'assumptions met',
  'result',
];

export function boundsText(r: SolveResult): string {
  const out: string[] = [];
  for (const run of r.runs) {
    const b = run.bounds as BlockBounds;
    out.push(
      '',
      `#${run.index + 1} ${run.label}: ${b.steps.length} steps checked, max |L(x_k; b̃) − L(x_k+1; b)| = ${num(b.maxExactnessError)}`,
    );
    out.push(...table(HEAD, boundRows(b.summary)), ...b.messages.map((m) => `  ${m}`));
  }
  const dm = r.dataMove;
  if (dm) {
    out.push('', `data move: ${dm.layers} self-attention layer${dm.layers === 1 ? '' : 's'} (head dimension ${dm.headDim}) at x0`);
    out.push(
      ...table(
        ['layer', '‖ΔA‖', 'observed ‖b̃ − b‖', 'exactness'],
        dm.steps.map((s) => [String(s.layer), num(s.moveNorm), num(s.observedShift), num(s.exactnessError)]),
      ),
    );
    out.push(...table(HEAD, boundRows(dm.summary)));
    if (dm.closeness.length) {
      out.push('', 'closeness of the first weight step and the first layer (b̃ − b as vectors):');
      out.push(
        ...table(
          ['#', 'run', '‖b̃_GD − b̃_SA‖', 'cosine', '‖b̃_GD − b‖', '‖b̃_SA − b‖'],
          dm.closeness.map((c) => [
            String(c.runIndex + 1),
            c.label,
            num(c.distance),
            c.cosine === null ? '-' : c.cosine.toFixed(4),
            num(c.gdShift),
            num(c.saShift),
          ]),
        ),
      );
    }
    out.push(...dm.messages.map((m) => `  ${m}`));
  }
  return out.join('\n');
}

/** Exit 3 when a sharp bound failed, or the papers' bound failed where its assumptions held. */
export function boundsFailed(r: SolveResult): boolean {
  const bad = (s: BoundSummary[]) => s.some((x) => boundVerdict(x) === 'fails');
  return r.runs.some((run) => run.bounds && bad(run.bounds.summary)) || (!!r.dataMove && bad(r.dataMove.summary));
}
