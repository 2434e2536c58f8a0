/**
 * An experiment job's result on the scheduler side: the worker's final run, or, when a cancel had to terminate the
 * worker before it finished, the repeats rebuilt from the progress it had streamed.
 */
import type { IclRepeat, IclSettings } from '../../../protocol/experiment';
import { summarize, type IclRun } from '../icl/experiment';
import type { ExperimentProgress } from './messages';

export class ExperimentCollector {
  private readonly repeats: IclRepeat[] = [];
  private final?: IclRun;
  private startedAt?: number;

  constructor(private readonly settings: IclSettings) {}

  started() {
    this.startedAt = Date.now();
  }

  progress(p: ExperimentProgress) {
    if (p.start) this.repeats.push({ ...p.start, checkpoints: [] });
    this.repeats.find((r) => r.repeat === p.repeat)?.checkpoints.push(...p.checkpoints);
  }

  done(run: IclRun) {
    this.final = run;
  }

  result(): IclRun {
    if (this.final) return this.final;
    const elapsedMs = this.startedAt === undefined ? 0 : Date.now() - this.startedAt;
    return { settings: this.settings, repeats: this.repeats, summary: summarize(this.repeats), stopReason: 'cancelled', elapsedMs };
  }
}
