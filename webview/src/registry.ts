/**
 * The kinds of run the panel shows, one entry each: the state a `started` event creates, how `progress` and
 * `finished` change it, how many points it holds, and the card that shows it. The model (model.ts) and the page
 * (main.ts) dispatch through this table and nowhere else, so a new kind of run (a new entry of protocol/runs.ts
 * `RunKinds`) is one state type and one entry here. `failed`, and a run that failed before it started, are handled
 * once for all kinds (model.ts, card.ts).
 */
import type { RunKind } from '../../protocol/runs';
import type { Reducers } from './reducers';
import type { CardContext, KindCard } from './card';
import { ExperimentCard } from './experimentCard';
import { experimentReducers } from './experimentModel';
import type { KindStates, Run, StartedRun } from './run';
import { SolveCard } from './solveCard';
import { solveReducers } from './solveModel';
import { SweepCard } from './sweepCard';
import { sweepReducers } from './sweepModel';

export interface RunKindEntry<K extends RunKind> extends Reducers<K, KindStates[K]> {
  card(run: StartedRun<K>, ctx: CardContext): KindCard;
}

export const REGISTRY: { [K in RunKind]: RunKindEntry<K> } = {
  solve: { ...solveReducers, card: (run, ctx) => new SolveCard(run, ctx) },
  experiment: { ...experimentReducers, card: (run) => new ExperimentCard(run) },
  sweep: { ...sweepReducers, card: (run) => new SweepCard(run) },
};

/** The card of a started run; undefined for a run that failed before it started (the card base shows it alone). */
export function kindCard<K extends RunKind>(run: Run<K>, ctx: CardContext): KindCard | undefined {
  return isStarted(run) ? REGISTRY[run.kind].card(run, ctx) : undefined;
}

export function pointsOf<K extends RunKind>(run: Run<K>): number {
  return run.state ? REGISTRY[run.kind].points(run.state) : 0;
}

function isStarted<K extends RunKind>(run: Run<K>): run is StartedRun<K> {
  return run.state !== undefined;
}
