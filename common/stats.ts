/** Statistics over an experiment's repeats: computed once here, by the server, the CLI and nowhere in the panel. */
import type { IclRepeat, IclRepeatStart, IclSummaryPoint, MeanStd } from '../protocol/experiment';

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

/**
 * What a repeat has so far: its start (undefined until announced) and its checkpoints, ascending by step. `start` is
 * required so an IclRepeat (whose start fields are its own) cannot be passed by mistake.
 */
export type RepeatSoFar = Pick<IclRepeat, 'checkpoints'> & { start: IclRepeatStart | undefined };

type CheckpointKey = 'tfLoss' | 'predsDiff' | 'modelDiff' | 'modelCos' | 'tfRatio';
type StartKey = 'gdLoss' | 'zeroLoss' | 'eta' | 'linGdLoss' | 'zeroPredsDiff' | 'zeroModelDiff' | 'gdRatio' | 'linGdRatio';

/**
 * Mean ± std at each checkpoint step (ascending), over the repeats that reached it (fewer at late steps while a repeat
 * is still running or after a cancel), with their starts' baselines over the same repeats. `steps` limits the rows.
 */
export function summarize(repeats: readonly RepeatSoFar[], steps?: readonly number[]): IclSummaryPoint[] {
  const all = steps ?? repeats.flatMap((r) => r.checkpoints.map((c) => c.step));
  return [...new Set(all)]
    .sort((a, b) => a - b)
    .map((step) => {
      const at = repeats.flatMap((r) => {
        const c = r.checkpoints.find((x) => x.step === step);
        return c ? [{ start: r.start, c }] : [];
      });
      const over = (key: CheckpointKey) => meanStd(at.map((x) => x.c[key]));
      const starts = (key: StartKey) => meanStd(at.flatMap((x) => (x.start ? [x.start[key]] : [])));
      const train = at.flatMap((x) => (x.c.trainLoss === undefined ? [] : [x.c.trainLoss]));
      return {
        step,
        count: at.length,
        tfLoss: over('tfLoss'),
        gdLoss: starts('gdLoss'),
        predsDiff: over('predsDiff'),
        modelDiff: over('modelDiff'),
        modelCos: over('modelCos'),
        zeroLoss: starts('zeroLoss'),
        eta: starts('eta'),
        linGdLoss: starts('linGdLoss'),
        zeroPredsDiff: starts('zeroPredsDiff'),
        zeroModelDiff: starts('zeroModelDiff'),
        tfRatio: over('tfRatio'),
        gdRatio: starts('gdRatio'),
        linGdRatio: starts('linGdRatio'),
        ...(train.length ? { trainLoss: meanStd(train) } : {}),
      };
    });
}

/** The summary of finished repeats (an IclRepeat carries its start's fields itself). */
export function summarizeRepeats(repeats: readonly IclRepeat[]): IclSummaryPoint[] {
  return summarize(repeats.map((r) => ({ start: r, checkpoints: r.checkpoints })));
}

/**
 * The last summary row every started repeat reached: where the mean ± std compares like with like (later rows average
 * over fewer repeats while one is still running or after a cancel). `started` counts the repeats with checkpoints.
 */
export function commonRow(summary: readonly IclSummaryPoint[], started: number): IclSummaryPoint | undefined {
  for (let i = summary.length - 1; i >= 0; i--) if (summary[i].count === started) return summary[i];
  return undefined;
}
