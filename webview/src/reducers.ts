/** How a kind of run's state follows its events (one implementation per kind; registry.ts lists them). */
import type { RunKind, RunKinds } from '../../protocol/runs';

/** A kind's reducers: they change the state in place (the card reads the same object). */
export interface Reducers<K extends RunKind, S> {
  started(data: RunKinds[K]['started']): S;
  progress(state: S, data: RunKinds[K]['progress']): void;
  finished(state: S, result: RunKinds[K]['result']): void;
  /** Points held (a solve: over all blocks; an experiment: checkpoints over all repeats; a sweep: over all points too). */
  points(state: S): number;
}
