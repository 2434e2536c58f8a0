/**
 * An experiment run's result on the scheduler side: the workers' final runs merged (each worker runs a share of the
 * repeats), or, when a cancel had to terminate a worker before it finished, its repeats rebuilt from the progress it
 * had streamed. Every progress batch gets the mean ± std rows at the steps it reached, over all the repeats streamed
 * so far, whichever worker ran them.
 */
import type { IclRepeat, IclResult, IclSettings, IclStopReason } from '../../../protocol/experiment';
import type { ExperimentProgress } from '../../../protocol/runs';
import { summarize, summarizeRepeats, type RepeatSoFar } from '../../../common/stats';
import type { IclRun } from '../icl/experiment';
import type { Collector, ResultMeta } from './collector';
import type { TaskProgress } from './messages';

/**
 * Which stop names a merged run (an experiment's workers, a sweep's points): a failure first (it ended the others),
 * then a cancel, then done.
 */
const PRECEDENCE: IclStopReason[] = ['error', 'nonFinite', 'cancelled', 'done'];

/** The stop among `stops` that names the merged run (PRECEDENCE); undefined for none. */
export function worstStop<T>(stops: readonly T[], reason: (s: T) => IclStopReason): T | undefined {
  for (const r of PRECEDENCE) {
    const s = stops.find((x) => reason(x) === r);
    if (s !== undefined) return s;
  }
  return undefined;
}

export class ExperimentCollector implements Collector<'experiment'> {
  /** By repeat. */
  private readonly streamed = new Map<number, RepeatSoFar>();
  private readonly finals: IclRun[] = [];
  private startedAt?: number;

  /** `parts`: how many workers each send a final run. */
  constructor(
    private readonly settings: IclSettings,
    private readonly parts: number,
    private readonly meta: ResultMeta,
  ) {}

  started() {
    this.startedAt = Date.now();
  }

  progress(p: TaskProgress<'experiment'>): ExperimentProgress {
    const repeat = this.streamed.get(p.repeat) ?? { start: undefined, checkpoints: [] };
    this.streamed.set(p.repeat, repeat);
    if (p.start) repeat.start = p.start;
    repeat.checkpoints.push(...p.checkpoints);
    // In repeat order, as the result's summary sums them: the last rows streamed are the result's, to the last bit.
    const repeats = [...this.streamed].sort(([a], [b]) => a - b).map(([, r]) => r);
    return {
      ...p,
      summary: summarize(
        repeats,
        p.checkpoints.map((c) => c.step),
      ),
    };
  }

  result(run: IclRun): boolean {
    this.finals.push(run);
    return run.stopReason === 'nonFinite' || run.stopReason === 'error';
  }

  final(): IclResult {
    if (this.parts === 1 && this.finals.length === 1) return { ...this.meta, ...this.finals[0] };
    const elapsedMs = this.startedAt === undefined ? 0 : Date.now() - this.startedAt;
    // Repeats a final run reported, and for workers that never reported, what they streamed.
    const reported = this.finals.flatMap((f) => f.repeats);
    const streamed = [...this.streamed.values()].flatMap((s): IclRepeat[] =>
      s.start && !reported.some((r) => r.repeat === s.start!.repeat) ? [{ ...s.start, checkpoints: s.checkpoints }] : [],
    );
    const repeats = [...reported, ...streamed].sort((a, b) => a.repeat - b.repeat);
    const stops = this.finals.length === this.parts ? this.finals : [...this.finals, { stopReason: 'cancelled' as const }];
    const first = worstStop(stops, (f) => f.stopReason)!;
    const message = 'message' in first ? first.message : undefined;
    const summary = summarizeRepeats(repeats);
    return {
      ...this.meta,
      settings: this.settings,
      repeats,
      summary,
      stopReason: first.stopReason,
      ...(message ? { message } : {}),
      elapsedMs,
    };
  }
}
