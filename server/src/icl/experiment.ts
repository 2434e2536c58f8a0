/**
 * Runs the in-context-learning experiment (math spec §3.7). Interface fixed first; the implementation follows.
 */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings } from '../../../protocol/experiment';

export interface IclHooks {
  /** A repeat chose its η and measured its baselines; its checkpoints follow. */
  onRepeatStart(start: IclRepeatStart): void;
  /** One evaluation of the held-out metrics (step 0, every `every` steps, and the last step). */
  onCheckpoint(repeat: number, checkpoint: IclCheckpoint): void;
  /** Polled once per Adam step (and between η evaluations); true stops the run, keeping what ran. */
  cancelled(): boolean;
}

export type IclRun = Omit<IclResult, 'runId' | 'source'>;

export function runIclExperiment(settings: IclSettings, hooks: IclHooks): IclRun {
  throw new Error(`not implemented yet ${JSON.stringify(settings)} ${typeof hooks}`);
}
