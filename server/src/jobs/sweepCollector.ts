/**
 * A sweep's result on the scheduler side: one experiment collector (experimentCollector.ts) per point, so each
 * point's progress carries its own summary rows and its result is merged as an experiment's. A point's result is
 * fixed when every worker has reported it (its elapsed time then ends); the sweep's result keeps every point that
 * ran, also after a cancel, and its stop reason is the worst of its points', a failure named by its point.
 */
import type { IclResult, IclSettings, IclSweep, IclSweepPoint, IclSweepResult } from '../../../protocol/experiment';
import type { SweepProgress } from '../../../protocol/runs';
import type { Collector, ResultMeta } from './collector';
import { ExperimentCollector, worstStop } from './experimentCollector';
import type { TaskProgress, TaskResult } from './messages';

interface PointState {
  collector: ExperimentCollector;
  /** Workers that reported this point. */
  reported: number;
  /** The point's result, once every worker reported it. */
  result?: IclResult;
}

export class SweepCollector implements Collector<'sweep'> {
  private readonly points = new Map<number, PointState>();
  private startedAt?: number;

  /** `parts`: how many workers each report every point they run. */
  constructor(
    private readonly sweep: IclSweep,
    /** Each point's settings, in the sweep's order. */
    private readonly settings: readonly IclSettings[],
    private readonly parts: number,
    private readonly meta: ResultMeta,
  ) {}

  started() {
    this.startedAt = Date.now();
  }

  /** The point's state, created at its first message (it starts then). */
  private at(point: number): PointState {
    let state = this.points.get(point);
    if (!state) {
      state = { collector: new ExperimentCollector(this.settings[point], this.parts, this.meta), reported: 0 };
      state.collector.started();
      this.points.set(point, state);
    }
    return state;
  }

  progress({ point, ...p }: TaskProgress<'sweep'>): SweepProgress {
    return { point, ...this.at(point).collector.progress(p) };
  }

  result({ point, run }: TaskResult<'sweep'>): boolean {
    const state = this.at(point);
    const ends = state.collector.result(run);
    if (++state.reported === this.parts) state.result = state.collector.final();
    return ends;
  }

  final(): IclSweepResult {
    const sweep = this.sweep;
    const ran = [...this.points]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => ({ index, result: state.result ?? state.collector.final() }));
    // A point a cancel stopped before its first repeat started ran nothing: it is not kept, but its stop counts.
    const points: IclSweepPoint[] = ran
      .filter((p) => p.result.repeats.length > 0)
      .map(({ index, result }) => ({ value: sweep.values[index], result: pointResult(result) }));
    const stops = [
      ...ran.map((p) => ({ index: p.index, reason: p.result.stopReason, message: p.result.message })),
      ...(points.length < sweep.values.length ? [{ reason: 'cancelled' as const }] : []),
    ];
    const worst = worstStop(stops, (s) => s.reason) ?? {
      reason: 'done' as const,
    };
    const failed = worst.reason === 'nonFinite' || worst.reason === 'error';
    const message =
      failed && 'index' in worst
        ? `At ${sweep.setting} = ${sweep.values[worst.index]} (point ${worst.index + 1} of ${sweep.values.length}): ${worst.message ?? worst.reason}`
        : undefined;
    const elapsedMs = this.startedAt === undefined ? 0 : Date.now() - this.startedAt;
    return { ...this.meta, sweep, points, stopReason: worst.reason, ...(message ? { message } : {}), elapsedMs };
  }
}

/** A point's result without the run's id and source (the sweep's result carries them). */
function pointResult({ settings, repeats, summary, stopReason, message, elapsedMs }: IclResult): IclSweepPoint['result'] {
  return { settings, repeats, summary, stopReason, ...(message ? { message } : {}), elapsedMs };
}
