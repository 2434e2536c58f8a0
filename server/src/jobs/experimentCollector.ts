/**
 * An experiment job's result on the scheduler side: the workers' final runs merged (each worker runs a share of the
 * repeats), or, when a cancel had to terminate a worker before it finished, its repeats rebuilt from the progress it
 * had streamed.
 */
import type { IclRepeat, IclSettings, IclStopReason } from '../../../protocol/experiment';
import { summarize, type IclRun } from '../icl/experiment';
import type { ExperimentProgress } from './messages';

/** Which stop names the merged run: a failure first (it ended the others), then a cancel, then done. */
const PRECEDENCE: IclStopReason[] = ['error', 'nonFinite', 'cancelled', 'done'];

export class ExperimentCollector {
  private readonly streamed: IclRepeat[] = [];
  private readonly finals: IclRun[] = [];
  private startedAt?: number;

  /** `parts`: how many workers each send a final run. */
  constructor(
    private readonly settings: IclSettings,
    private readonly parts = 1,
  ) {}

  started() {
    this.startedAt = Date.now();
  }

  progress(p: ExperimentProgress) {
    if (p.start) this.streamed.push({ ...p.start, checkpoints: [] });
    this.streamed.find((r) => r.repeat === p.repeat)?.checkpoints.push(...p.checkpoints);
  }

  done(run: IclRun) {
    this.finals.push(run);
  }

  result(): IclRun {
    const elapsedMs = this.startedAt === undefined ? 0 : Date.now() - this.startedAt;
    if (this.parts === 1 && this.finals.length === 1) return this.finals[0];
    // Repeats a final run reported, and for workers that never reported, what they streamed.
    const reported = this.finals.flatMap((f) => f.repeats);
    const repeats = [...reported, ...this.streamed.filter((s) => !reported.some((r) => r.repeat === s.repeat))].sort((a, b) => a.repeat - b.repeat);
    const stops = this.finals.length === this.parts ? this.finals : [...this.finals, { stopReason: 'cancelled' as const }];
    const first = PRECEDENCE.map((reason) => stops.find((f) => f.stopReason === reason)).find((f) => f !== undefined)!;
    const message = 'message' in first ? first.message : undefined;
    return { settings: this.settings, repeats, summary: summarize(repeats), stopReason: first.stopReason, ...(message ? { message } : {}), elapsedMs };
  }
}
