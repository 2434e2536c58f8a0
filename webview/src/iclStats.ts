/**
 * Mean ± std over an experiment's repeats, computed in the panel from the repeats it holds so it grows live; at the
 * end it is the quantity the result's `summary` carries (protocol/experiment.ts: population std, over the repeats
 * that reached each step).
 */
import type { IclCheckpoint, IclSummaryPoint, MeanStd } from '../../protocol/experiment';
import type { RepeatState } from './experimentModel';

/** Population mean and standard deviation (std 0 for one value; NaN for none, or when a value is NaN or missing). */
export function meanStd(values: readonly number[]): MeanStd {
  if (values.length === 0) return { mean: NaN, std: NaN };
  // JSON carries NaN and ±∞ as null, which arithmetic would take for 0.
  const xs = values.map((v) => v ?? NaN);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  // Two passes: subtracting the mean first keeps the small spreads of nearly equal losses exact.
  const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Per checkpoint step (ascending), over the repeats with a checkpoint at that step. */
export function summarize(repeats: readonly RepeatState[]): IclSummaryPoint[] {
  const steps = [...new Set(repeats.flatMap((r) => r.checkpoints.map((c) => c.step)))].sort((a, b) => a - b);
  return steps.map((step) => {
    const reached = repeats.flatMap((r) => {
      const c = r.checkpoints.find((x) => x.step === step);
      return c ? [{ c, start: r.start }] : [];
    });
    const over = (key: Exclude<keyof IclCheckpoint, 'step' | 'trainLoss'>) => meanStd(reached.map((x) => x.c[key]));
    return {
      step,
      count: reached.length,
      tfLoss: over('tfLoss'),
      gdLoss: meanStd(reached.flatMap((x) => (x.start ? [x.start.gdLoss] : []))),
      predsDiff: over('predsDiff'),
      modelDiff: over('modelDiff'),
      modelCos: over('modelCos'),
    };
  });
}

/** A repeat's baseline over the repeats that announced their start. */
export function startStats(repeats: readonly RepeatState[], key: 'eta' | 'gdLoss' | 'zeroLoss'): MeanStd {
  return meanStd(repeats.flatMap((r) => (r.start ? [r.start[key]] : [])));
}

/**
 * The last step at which every repeat with checkpoints has one, with those repeats: where the mean ± std compares
 * like with like (later steps average over fewer repeats while one is still running or after a cancel).
 */
export function commonStep(repeats: readonly RepeatState[]): { step: number; repeats: RepeatState[] } | undefined {
  const started = repeats.filter((r) => r.checkpoints.length > 0);
  const points = summarize(started);
  for (let i = points.length - 1; i >= 0; i--) if (points[i].count === started.length) return { step: points[i].step, repeats: started };
  return undefined;
}
