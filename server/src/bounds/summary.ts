/** Folds per-step bound values into the one-row-per-bound table the panel, the CLI and the hover show. */
import type { BoundName, BoundSummary, BoundValue } from '../../../protocol/bounds';

export const BOUND_LABEL: Record<BoundName, string> = {
  S1: '(S1) ½‖ΔS‖, sharp Lipschitz with the data',
  S1norm: '(S1) ½‖A‖‖Δx‖, spectral norms',
  S3: '(S3) gradient step ½‖A‖·η·‖∇L‖ bound',
  S2: '(S2) ½‖ΔS‖ of the data move',
  S2norm: '(S2) ½‖ΔA‖‖x‖, spectral norms',
  cap: '√2 per row (simplex)',
  beta: 'β bound per row, (1 + √n‖b‖)‖Δu‖/α',
  betaLip: 'β bound per row, Lipschitz e^ρ‖ΔS‖ form',
  paper: 'papers’ M·‖move‖, M = n^1.5·e^{10R²}',
};

const KIND: Record<BoundName, BoundSummary['kind']> = {
  S1: 'sharp',
  S1norm: 'sharp',
  S3: 'sharp',
  S2: 'sharp',
  S2norm: 'sharp',
  cap: 'cap',
  beta: 'sharp',
  betaLip: 'sharp',
  paper: 'paper',
};

export class BoundTable {
  private readonly rows = new Map<BoundName, BoundSummary>();

  add(k: number, values: BoundValue[]) {
    for (const v of values) {
      let s = this.rows.get(v.name);
      if (!s) {
        s = {
          name: v.name,
          kind: KIND[v.name],
          label: BOUND_LABEL[v.name],
          worstObserved: 0,
          observedAtWorst: 0,
          tightness: -1,
          tightnessLog10: -Infinity,
          worstK: k,
          violations: 0,
          violationsWithAssumptions: 0,
          assumptionsMetSteps: v.assumptionsMet === null ? null : 0,
          stepsChecked: 0,
        };
        this.rows.set(v.name, s);
      }
      s.stepsChecked++;
      s.worstObserved = Math.max(s.worstObserved, v.observed);
      if (v.assumptionsMet && s.assumptionsMetSteps !== null) s.assumptionsMetSteps++;
      if (!v.holds) {
        s.violations++;
        if (v.assumptionsMet !== false) s.violationsWithAssumptions++;
      }
      // Compared in log10, which keeps its order where the ratio itself underflows to 0.
      const log10Ratio = v.log10Ratio ?? Math.log10(v.ratio);
      if (log10Ratio > s.tightnessLog10! || (s.tightness < 0 && log10Ratio === -Infinity)) {
        s.tightness = v.ratio;
        s.tightnessLog10 = log10Ratio;
        s.worstK = k;
        s.observedAtWorst = v.observed;
        if (v.value !== undefined) s.bound = v.value;
        if (v.log10 !== undefined) s.boundLog10 = v.log10;
      }
    }
  }

  summary(): BoundSummary[] {
    return [...this.rows.values()].map((s) => ({ ...s, tightness: Math.max(0, s.tightness) }));
  }
}
