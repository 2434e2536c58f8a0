/** Plain-text output of an experiment: progress lines while it runs, then the summary over the repeats. */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings, MeanStd } from '../../../protocol/experiment';
import { num, table } from './format';

export function repeatStartLine(s: IclRepeatStart, settings: IclSettings): string {
  return `repeat ${s.repeat + 1}/${settings.repeats}: seed ${s.seed}, ${etaText(s, settings)}, GD loss = ${num(s.gdLoss)}, zero loss = ${num(s.zeroLoss)}`;
}

export function checkpointLine(repeat: number, c: IclCheckpoint, settings: IclSettings): string {
  const train = c.trainLoss === undefined ? '' : `, train loss = ${num(c.trainLoss)}`;
  return (
    `repeat ${repeat + 1}/${settings.repeats} step ${c.step}/${settings.steps}: TF loss = ${num(c.tfLoss)}${train}, ` +
    `preds diff = ${num(c.predsDiff)}, model diff = ${num(c.modelDiff)}, model cos = ${num(c.modelCos)}`
  );
}

export function experimentSummary(r: IclResult): string {
  const s = r.settings;
  const title =
    `${r.source}: experiment icl, n = ${s.n}, d = ${s.d}, heads = ${s.heads}, k = ${s.k}, batch = ${s.batch}, steps = ${s.steps}, ` +
    `repeats = ${s.repeats} (loss = 0.5·(ŷ − y)², mean ± std over the repeats on ${s.tasks} held-out tasks)`;
  // After a cancel some steps have fewer repeats than others: then say how many each row averages.
  const partial = r.summary.some((p) => p.count < s.repeats);
  const head = ['step', ...(partial ? ['repeats'] : []), 'TF loss', 'GD loss', 'Preds Diff', 'Model Diff', 'Model Cos'];
  const rows = r.summary.map((p) => [String(p.step), ...(partial ? [String(p.count)] : []), pm(p.tfLoss), pm(p.gdLoss), pm(p.predsDiff), pm(p.modelDiff), pm(p.modelCos)]);
  const repeats = r.repeats.map((x) => `repeat ${x.repeat + 1}: seed ${x.seed}, ${etaText(x, s)}, GD loss = ${num(x.gdLoss)}, zero loss = ${num(x.zeroLoss)}, ${x.checkpoints.length} checkpoints`);
  const elapsed = r.elapsedMs < 10_000 ? `${r.elapsedMs.toFixed(0)} ms` : `${(r.elapsedMs / 1000).toFixed(1)} s`;
  const stop = `${r.stopReason}${r.message ? `: ${r.message}` : ''} after ${elapsed}`;
  return [title, ...table(head, rows), '', ...repeats, `stop: ${stop}`].join('\n');
}

function etaText(s: IclRepeatStart, settings: IclSettings): string {
  return `eta = ${num(s.eta)}${s.etaAtEdge ? ` (at the edge of the grid ${num(settings.etamin)}…${num(settings.etamax)}: the best step may lie outside)` : ''}`;
}

function pm(v: MeanStd): string {
  return `${num(v.mean)} ± ${num(v.std)}`;
}
