/** Plain-text output of an experiment (or a sweep): progress lines while it runs, then the summary over the repeats. */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings, IclSweepResult, MeanStd } from '../../../protocol/experiment';
import { meanStdText } from '../../../common/format';
import { iclVerdict } from '../../../common/iclVerdict';
import { commonRow } from '../../../common/stats';
import { trainingPrecision } from '../icl/wasmBatch';
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

/** Where `float32 = 1` trains in float64 all the same (the JavaScript path), a note that says so; else nothing. */
function float64Here(what = ''): string {
  return trainingPrecision({ float32: 1 }) === 64
    ? ` (${what}trained in float64 here: no WebAssembly SIMD, or REGRESS_LAB_KERNELS=js)`
    : '';
}

export function experimentSummary(r: IclResult): string {
  const s = r.settings;
  const title =
    `${r.source}: experiment icl, n = ${s.n}, d = ${s.d}, heads = ${s.heads}, k = ${s.k}, batch = ${s.batch}, steps = ${s.steps}, ` +
    `repeats = ${s.repeats}${s.float32 ? `, float32 = 1${float64Here()}` : ''} (loss = 0.5·(ŷ − y)², mean ± std over the repeats on ${s.tasks} held-out tasks)`;
  // After a cancel some steps have fewer repeats than others: then say how many each row averages.
  const partial = r.summary.some((p) => p.count < s.repeats);
  const head = ['step', ...(partial ? ['repeats'] : []), 'TF loss', 'GD loss', 'Preds Diff', 'Model Diff', 'Model Cos'];
  const rows = r.summary.map((p) => [
    String(p.step),
    ...(partial ? [String(p.count)] : []),
    pm(p.tfLoss),
    pm(p.gdLoss),
    pm(p.predsDiff),
    pm(p.modelDiff),
    pm(p.modelCos),
  ]);
  const repeats = r.repeats.map(
    (x) =>
      `repeat ${x.repeat + 1}: seed ${x.seed}, ${etaText(x, s)}, GD loss = ${num(x.gdLoss)}, zero loss = ${num(x.zeroLoss)}, ${x.checkpoints.length} checkpoints`,
  );
  const verdict = iclVerdict(r.repeats);
  return [title, ...table(head, rows), '', ...repeats, ...(verdict ? [`verdict: ${verdict}`] : []), `stop: ${stopText(r)}`].join('\n');
}

/**
 * A sweep: per point the ratios to the uniform prediction's loss at the last step all its repeats reached (the
 * layer's, one GD step's, linearised GD's) and Model Cos, as mean ± std over the repeats, then each point's verdict.
 */
export function sweepSummary(r: IclSweepResult): string {
  const { setting, values } = r.sweep;
  const s = r.points[0]?.result.settings;
  // What the points share, as the first point has it (k and the words' scale may follow the swept setting).
  const shared = s
    ? (['n', 'd', 'heads', 'batch', 'steps', 'repeats', 'float32'] as const)
        .filter((name) => name !== setting && (name !== 'float32' || s.float32))
        .map((name) => `${name} = ${s[name]}`)
        .join(', ')
    : '';
  const title =
    `${r.source}: sweep ${setting} = ${values.join(', ')} of experiment icl${shared ? `, ${shared}` : ''}` +
    `${r.points.some((p) => p.result.settings.float32) ? float64Here('float32 = 1 ') : ''} ` +
    `(losses as ratios to the uniform prediction's on the same held-out tasks, mean ± std over the repeats, at the last step every repeat reached)`;
  const head = [setting, 'step', 'repeats', 'layer', 'one GD step', 'linearised GD', 'Model Cos'];
  const rows = r.points.map((p) => {
    const row = commonRow(p.result.summary, p.result.repeats.filter((x) => x.checkpoints.length > 0).length);
    return row
      ? [String(p.value), String(row.step), String(row.count), pm(row.tfRatio), pm(row.gdRatio), pm(row.linGdRatio), pm(row.modelCos)]
      : [String(p.value), '-', '0', '-', '-', '-', '-'];
  });
  const verdicts = r.points.map(
    (p) =>
      `${setting} = ${p.value}: ${iclVerdict(p.result.repeats) ?? 'no checkpoint yet'}${p.result.stopReason === 'done' ? '' : ` (${stopText(p.result)})`}`,
  );
  const missing = values.length - r.points.length;
  return [
    title,
    ...table(head, rows),
    '',
    ...verdicts,
    ...(missing ? [`${missing} of ${values.length} points did not run`] : []),
    `stop: ${stopText(r)}`,
  ].join('\n');
}

/** Progress lines of a sweep point: the experiment's, after the point's value. */
export const pointPrefix = (r: Pick<IclSweepResult, 'sweep'>, point: number) => `${r.sweep.setting} = ${r.sweep.values[point]}: `;

function stopText(r: { stopReason: string; message?: string; elapsedMs: number }): string {
  const elapsed =
    r.elapsedMs < 10_000
      ? `${r.elapsedMs.toFixed(0)} ms`
      : r.elapsedMs < 600_000
        ? `${(r.elapsedMs / 1000).toFixed(1)} s`
        : `${(r.elapsedMs / 60_000).toFixed(1)} min`;
  return `${r.stopReason}${r.message ? `: ${r.message}` : ''} after ${elapsed}`;
}

function etaText(s: IclRepeatStart, settings: IclSettings): string {
  return `eta = ${num(s.eta)}${s.etaAtEdge ? ` (at the edge of the grid ${num(settings.etamin)}…${num(settings.etamax)}: the best step may lie outside)` : ''}`;
}

function pm(v: MeanStd): string {
  return meanStdText(v.mean, v.std, 5, 5);
}
