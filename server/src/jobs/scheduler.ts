/**
 * Queues jobs (the solve blocks of a request, or an experiment) and runs each in a fresh worker thread, at most
 * `maxConcurrent` at a time. A fresh worker per job isolates failures (a crash or out-of-memory ends that job only)
 * and makes hard cancellation possible (terminate) if a run ignores the cooperative flag.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IclSettings } from '../../../protocol/experiment';
import type { IterationPoint, RunResult } from '../../../protocol/results';
import type { SolveJobResult } from './solveCollector';
import type { IclRun } from '../icl/experiment';
import type { Problem, SolveSpec } from '../problem';
import type { Checks } from '../solver/checks';
import { ExperimentCollector } from './experimentCollector';
import { SolveCollector } from './solveCollector';
import type { ExperimentProgress, WorkerInput, WorkerOutput, WorkerTask } from './messages';

export interface SolveHandlers {
  onPoints(runIndex: number, points: IterationPoint[]): void;
  onRunDone(result: RunResult): void;
}

export interface ExperimentHandlers {
  onProgress(progress: ExperimentProgress): void;
}

export interface Job<R> {
  /** Resolves with the result; a cancelled job resolves with what ran (stop reason 'cancelled'). */
  readonly done: Promise<R>;
  cancel(): void;
}

export interface SchedulerStatus {
  /** Jobs running, experiments included. */
  running: number;
  /** Of the running jobs, how many are experiments. */
  experiments: number;
  queued: number;
}

export class WorkerFailure extends Error {}

/** Turns one job's worker messages into its result. */
interface Collector<R> {
  /** The worker threads are starting. */
  started?(): void;
  /** `stopAll` stops the job's other workers (a part that failed ends the whole run, as it would on one thread). */
  onMessage(m: Exclude<WorkerOutput, { type: 'failed' }>, stopAll: () => void): void;
  /** Everything after a normal exit; what ran so far after a cancel (even one that terminated the worker). */
  result(): R;
}

/** How long a cancelled worker may keep running before it is terminated (one iteration is far shorter). */
const HARD_CANCEL_MS = 2000;

interface Pending {
  /** One task per worker thread: one for a solve, one per share of the repeats for an experiment. */
  tasks: WorkerTask[];
  collector: Collector<unknown>;
  flag: Int32Array;
  resolve(r: unknown): void;
  reject(e: Error): void;
  cancelled: boolean;
  /** Set while its worker runs: starts the grace period after which the worker is terminated. */
  onCancel?: () => void;
}

export class JobScheduler {
  private readonly queue: Pending[] = [];
  private readonly running = new Set<Pending>();

  constructor(
    private readonly workerPath: string,
    private maxConcurrent: number,
    private readonly onStatus: (s: SchedulerStatus) => void,
    private readonly throttleMs = 50,
    private readonly hardCancelMs = HARD_CANCEL_MS,
  ) {}

  setMaxConcurrent(n: number) {
    this.maxConcurrent = Math.max(1, n);
    this.pump();
  }

  submitSolve(problem: Problem, specs: SolveSpec[], checks: Checks, handlers: SolveHandlers): Job<SolveJobResult> {
    const collector = new SolveCollector(specs);
    return this.submit([{ kind: 'solve', problem, specs, checks }], {
      started: () => collector.started(),
      onMessage(m) {
        if (m.type === 'points') {
          collector.points(m.runIndex, m.points);
          handlers.onPoints(m.runIndex, m.points);
        } else if (m.type === 'runDone') {
          collector.runDone(m.result);
          handlers.onRunDone(m.result);
        } else if (m.type === 'checks') collector.checks(m.results);
      },
      result: () => collector.result(),
    });
  }

  /**
   * An experiment's repeats are independent (repeat r draws only from seed + r), so they are shared out round-robin
   * over `threads` workers: the same numbers as on one thread, in about 1/threads of the time where cores are free.
   */
  submitExperiment(settings: IclSettings, handlers: ExperimentHandlers, threads = experimentThreads(settings)): Job<IclRun> {
    const collector = new ExperimentCollector(settings, threads);
    const tasks = Array.from({ length: threads }, (_, w): WorkerTask => {
      const repeats = Array.from({ length: settings.repeats }, (_, r) => r).filter((r) => r % threads === w);
      return { kind: 'experiment', settings, repeats };
    });
    return this.submit(tasks, {
      started: () => collector.started(),
      onMessage(m, stopAll) {
        if (m.type === 'experimentProgress') {
          collector.progress(m.progress);
          handlers.onProgress(m.progress);
        } else if (m.type === 'experimentDone') {
          collector.done(m.run);
          if (m.run.stopReason === 'nonFinite' || m.run.stopReason === 'error') stopAll();
        }
      },
      result: () => collector.result(),
    });
  }

  private submit<R>(tasks: WorkerTask[], collector: Collector<R>): Job<R> {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let pending!: Pending;
    const done = new Promise<R>((resolve, reject) => {
      pending = { tasks, collector, flag, resolve: resolve as (r: unknown) => void, reject, cancelled: false };
    });
    this.queue.push(pending);
    this.pump();
    return {
      done,
      cancel: () => {
        if (pending.cancelled) return;
        pending.cancelled = true;
        Atomics.store(flag, 0, 1);
        pending.onCancel?.();
        const i = this.queue.indexOf(pending);
        if (i >= 0) {
          // Never started: nothing ran.
          this.queue.splice(i, 1);
          pending.resolve(collector.result());
          this.status();
        }
      },
    };
  }

  private status() {
    const experiments = [...this.running].filter((j) => j.tasks[0].kind === 'experiment').length;
    this.onStatus({ running: this.running.size, experiments, queued: this.queue.length });
  }

  private pump() {
    while (this.running.size < this.maxConcurrent && this.queue.length) this.start(this.queue.shift()!);
    this.status();
  }

  private start(job: Pending) {
    this.running.add(job);
    job.collector.started?.();
    let settled = false;
    let failure: string | undefined;
    const what = job.tasks[0].kind === 'solve' ? 'solver' : 'experiment';
    // A generous heap cap turns a runaway allocation into a worker error instead of a server crash.
    const workers = job.tasks.map((task) => {
      const input: WorkerInput = { task, cancelFlag: job.flag, throttleMs: this.throttleMs };
      return new Worker(this.workerPath, { workerData: input, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    });
    const terminateAll = () => workers.forEach((w) => void w.terminate());
    let killTimer: NodeJS.Timeout | undefined;
    job.onCancel = () => (killTimer = setTimeout(terminateAll, this.hardCancelMs));
    const stopAll = () => Atomics.store(job.flag, 0, 1);
    let running = workers.length;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      this.running.delete(job);
      if (error && !job.cancelled) {
        terminateAll();
        job.reject(error);
      } else job.resolve(job.collector.result());
      this.pump();
    };
    for (const worker of workers) {
      worker.on('message', (m: WorkerOutput) => {
        if (m.type === 'failed') failure = m.message;
        else job.collector.onMessage(m, stopAll);
      });
      worker.on('error', (e) => finish(new WorkerFailure(`${what} worker failed: ${e.message}`)));
      worker.on('exit', (code) => {
        if (failure) finish(new WorkerFailure(`${what} error: ${failure}`));
        else if (code !== 0 && !job.cancelled) finish(new WorkerFailure(`${what} worker exited with code ${code}`));
        else if (--running === 0) finish();
      });
    }
  }
}

/**
 * Threads for an experiment: two when it has two repeats or more and the machine two cores or more, else one. More
 * than two rarely pays on the shared machines this runs on (the bench measures one against two).
 */
export function experimentThreads(settings: Pick<IclSettings, 'repeats'>): number {
  return Math.max(1, Math.min(2, settings.repeats, availableParallelism()));
}
