/**
 * Each kind of run as the scheduler runs it: what it is given, how it is shared out over worker threads, how its
 * workers' messages become its result, and what its `started` event announces. A new kind of run is one entry here
 * (and its task in worker.ts).
 */
import { availableParallelism } from 'node:os';
import type { IclSettings, IclSweep } from '../../../protocol/experiment';
import type { ProblemSummary } from '../../../protocol/results';
import type { RunKind, RunKinds } from '../../../protocol/runs';
import type { Problem, SolveSpec } from '../problem';
import type { Checks } from '../bounds/checks';
import type { Collector, ResultMeta } from './collector';
import { ExperimentCollector } from './experimentCollector';
import { problemFingerprint } from './fingerprint';
import type { TaskInput } from './messages';
import { unitShareState } from './unitShare';
import { SolveCollector } from './solveCollector';
import { SweepCollector } from './sweepCollector';

/** What a run of each kind is given. */
export interface JobInputs {
  /**
   * `blocksInFile`: the file's solve blocks, when `specs` may be some of them (protocol/runs.ts). `threads`: the worker
   * threads sharing the blocks, all at once; by default threadsFor(blocks), adaptively (unitShare.ts).
   */
  solve: { problem: Problem; specs: SolveSpec[]; checks: Checks; blocksInFile?: number; threads?: number };
  /**
   * `threads`: the worker threads sharing the repeats, all training at once; by default threadsFor(repeats), adaptively
   * (two only while two pay: unitShare.ts).
   */
  experiment: { settings: IclSettings; threads?: number };
  /** `points[i]`: the settings at the sweep's i-th value. `threads` share each point's repeats, as for an experiment. */
  sweep: { sweep: IclSweep; points: IclSettings[]; threads?: number };
}

interface JobKind<K extends RunKind> {
  /** One task per worker thread. */
  tasks(input: JobInputs[K]): TaskInput<K>[];
  /** `workers`: how many tasks `tasks` gave, each of which posts a result. */
  collector(input: JobInputs[K], meta: ResultMeta, workers: number): Collector<K>;
  started(input: JobInputs[K]): RunKinds[K]['started'];
}

export const JOB_KINDS: { [K in RunKind]: JobKind<K> } = {
  solve: {
    /**
     * Blocks are independent solves from the same x0, so each thread claims the next one when it is free, as an
     * experiment's repeats; a block's cost per iteration depends on its method, so the probe judges by thread 0's own
     * slowdown (unitShare.ts).
     */
    tasks: ({ problem, specs, checks, threads }) => {
      const count = threads ?? threadsFor(specs.length);
      const share = unitShareState(1, count, threads === undefined, 'slowdown');
      const finished = new Int32Array(new SharedArrayBuffer(4));
      return Array.from({ length: count }, (_, thread) => ({ problem, specs, checks, share, thread, finished, threads: count }));
    },
    collector: ({ problem, specs }, meta) => new SolveCollector(problemSummary(problem), specs, meta),
    started: ({ problem, specs, blocksInFile }) => ({
      problem: problemSummary(problem),
      blocks: specs,
      fingerprint: problemFingerprint(problem),
      ...(blocksInFile === undefined ? {} : { blocksInFile }),
    }),
  },
  experiment: {
    /**
     * An experiment's repeats are independent (repeat r draws only from seed + r), so each thread claims the next one
     * when it is free: the same numbers as on one thread, in about 1/threads of the time where cores are free.
     */
    tasks: ({ settings, threads }) => {
      const count = threads ?? threadsFor(settings.repeats);
      const share = unitShareState(1, count, threads === undefined);
      return Array.from({ length: count }, (_, thread) => ({ settings, share, thread, point: 0 }));
    },
    collector: ({ settings }, meta, workers) => new ExperimentCollector(settings, workers, meta),
    started: ({ settings }) => ({ settings }),
  },
  sweep: {
    /**
     * The experiment at each point, in order, on the same threads: the threads claim the point's repeats as an
     * experiment's do, so every point's numbers are those of its experiment run alone, and one adaptive decision holds
     * for the whole sweep. The threads wait for each other between points (`finished`), so a point starts once the one
     * before has ended.
     */
    tasks: ({ points, threads }) => {
      const count = threads ?? threadsFor(Math.max(...points.map((p) => p.repeats)));
      const share = unitShareState(points.length, count, threads === undefined);
      const finished = new Int32Array(new SharedArrayBuffer(4));
      return Array.from({ length: count }, (_, thread) => ({
        points: points.map((settings, point) => ({ settings, share, thread, point })),
        finished,
        threads: count,
      }));
    },
    collector: ({ sweep, points }, meta, workers) => new SweepCollector(sweep, points, workers, meta),
    started: ({ sweep, points }) => ({ sweep, points }),
  },
};

export function problemSummary(p: Problem): ProblemSummary {
  return { kind: p.kind, variant: p.variant, n: p.n, d: p.d, reg: p.reg };
}

/**
 * Threads for a run of `units` independent units (repeats, solve blocks): two when it has two or more and the machine
 * two cores or more, else one. More than two rarely pays on the shared machines this runs on (the bench measures one
 * against two), and the second runs beside the first only where the probe finds that it pays (unitShare.ts).
 */
export function threadsFor(units: number): number {
  return Math.max(1, Math.min(2, units, availableParallelism()));
}
