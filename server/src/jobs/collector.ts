/** How the scheduler turns one run's worker messages into protocol progress and the run's result, whatever its kind. */
import type { RunKind, RunKinds } from '../../../protocol/runs';
import type { TaskProgress, TaskResult } from './messages';

/** What a run's result carries besides what ran. */
export interface ResultMeta {
  runId: string;
  /** Document URI or file path. */
  source: string;
}

export interface Collector<K extends RunKind> {
  /** The worker threads are starting. */
  started(): void;
  /** Folds in a batch of a worker's progress; returns the protocol progress to relay. */
  progress(p: TaskProgress<K>): RunKinds[K]['progress'];
  /** Folds in a worker's result (its part of the run's); true when it ends the run, stopping the other workers. */
  result(part: TaskResult<K>): boolean;
  /** The run's result: everything after a normal end, what ran after a cancel (even one that terminated a worker). */
  final(cancelled: boolean): RunKinds[K]['result'];
}
