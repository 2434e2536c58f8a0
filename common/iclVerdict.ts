/**
 * What an in-context-learning run shows, in one sentence computed from its numbers: does the trained layer match one
 * step of gradient descent, only its linearisation in η, both, or neither? Shared by the CLI, the panel and the report.
 */
import type { IclRepeat } from '../protocol/experiment';
import { meanStd } from './stats';

/**
 * Two losses closer than this (in units of the uniform prediction's loss on the same tasks) count as matching. The
 * corrected protocol's layer tracks linearised GD within 0.001–0.034 at n = 25 (d = 5…40) and n = 200, while GD and
 * linearised GD differ by 0.32 at n = 200 (docs/experiment.md).
 */
export const MATCH_TOLERANCE = 0.05;

/** The part of a repeat the verdict reads (an IclRepeat, or a repeat still running with its start announced). */
export type VerdictRepeat = Pick<IclRepeat, 'gdRatio' | 'linGdRatio' | 'checkpoints'>;

/**
 * The verdict at the last step every repeat with checkpoints reached, from the per-repeat ratios to the uniform loss
 * (paired differences, so the held-out sets' noise cancels); undefined before the first checkpoint.
 */
export function iclVerdict(repeats: readonly VerdictRepeat[]): string | undefined {
  const reached = repeats.filter((r) => r.checkpoints.length > 0);
  if (reached.length === 0) return undefined;
  const step = Math.min(...reached.map((r) => r.checkpoints[r.checkpoints.length - 1].step));
  const rows = reached.map((r) => ({ tf: r.checkpoints.find((c) => c.step === step)!.tfRatio, gd: r.gdRatio, lin: r.linGdRatio }));
  const stat = (f: (x: (typeof rows)[number]) => number) => meanStd(rows.map(f));
  const tf = stat((x) => x.tf);
  const gd = stat((x) => x.gd);
  const lin = stat((x) => x.lin);
  const toGd = stat((x) => x.tf - x.gd).mean;
  const toLin = stat((x) => x.tf - x.lin).mean;
  const over = reached.length === 1 ? '1 repeat' : `${reached.length} repeats`;
  const losses =
    `At step ${step} (${over}) the layer's held-out loss is ${ratio(tf)} × the uniform prediction's; ` +
    `one GD step reaches ${ratio(gd)}, linearised GD ${ratio(lin)}.`;
  if (![toGd, toLin].every(Number.isFinite)) return `${losses} No verdict: a loss is not finite.`;
  const gdMatch = Math.abs(toGd) <= MATCH_TOLERANCE;
  const linMatch = Math.abs(toLin) <= MATCH_TOLERANCE;
  const within = `within ${MATCH_TOLERANCE} of the uniform loss`;
  let verdict: string;
  if (gdMatch && linMatch)
    verdict = `The layer matches one GD step (${signed(toGd)}) and linearised GD (${signed(toLin)}), ${within}: here one GD step is nearly linear in η, so the two cannot be told apart.`;
  else if (linMatch)
    verdict = `The layer matches linearised GD (${signed(toLin)}, ${within}) but not one GD step (${signed(toGd)}): it learned the first-order expansion of the GD step in η, not the step itself.`;
  else if (gdMatch) verdict = `The layer matches one GD step (${signed(toGd)}, ${within}) but not linearised GD (${signed(toLin)}).`;
  else if (toGd > 0 && toLin > 0)
    verdict = `The layer matches neither: it is ${toGd.toFixed(3)} above one GD step and ${toLin.toFixed(3)} above linearised GD (more than ${MATCH_TOLERANCE} of the uniform loss).`;
  else if (toGd < 0 && toLin < 0)
    verdict = `The layer beats both one GD step (${signed(toGd)}) and linearised GD (${signed(toLin)}) by more than ${MATCH_TOLERANCE} of the uniform loss: it is not imitating either.`;
  else verdict = `The layer matches neither one GD step (${signed(toGd)}) nor linearised GD (${signed(toLin)}) ${within}.`;
  return `${losses} ${verdict}`;
}

function ratio(v: { mean: number; std: number }): string {
  return v.std > 0 ? `${v.mean.toFixed(3)} ± ${v.std.toFixed(3)}` : v.mean.toFixed(3);
}

/** "+0.011", "−0.350", "0.000": a difference of ratios, with a real minus sign. */
function signed(v: number): string {
  const digits = Math.abs(v).toFixed(3);
  return digits === '0.000' ? digits : `${v < 0 ? '−' : '+'}${digits}`;
}
