/**
 * Queues solve jobs and runs each in a fresh worker thread, at most `maxConcurrent` at a time. A fresh worker per
 * job isolates failures (a crash or out-of-memory ends that job only) and makes hard cancellation possible
 * (terminate) if a run ignores the cooperative flag.
 */
import { Worker } from 'node:worker_threads';
import type { IterationPoint, RunResult, SolveResult } from '../../../protocol/results';
import type { Problem, SolveSpec } from '../problem';
import type { Checks } from '../solver/checks';
import type { WorkerInput, WorkerOutput } from './messages';

export interface JobHandlers {
  onPoints(runIndex: number, points: IterationPoint[]): void;
  onRunDone(result: RunResult): void;
}

/** What a job produced: the runs, and the data-move and tensor checks when requested and not cancelled. */
export type JobResult = Pick<SolveResult, 'runs' | 'dataMove' | 'tensor'>;

export interface Job {
  /** Resolves with every finished run (a cancelled job resolves with what ran, the last marked 'cancelled'). */
  readonly done: Promise<JobResult>;
  cancel(): void;
}

export interface SchedulerStatus {
  running: number;
  queued: number;
}

export class WorkerFailure extends Error {}

/** How long a cancelled worker may keep running before it is terminated. */
const HARD_CANCEL_MS = 2000;

interface Pending {
  problem: Problem;
  specs: SolveSpec[];
  checks: Checks;
  handlers: JobHandlers;
  flag: Int32Array;
  resolve(r: JobResult): void;
  reject(e: Error): void;
  cancelled: boolean;
}

export class SolveScheduler {
  private readonly queue: Pending[] = [];
  private running = 0;

  constructor(
    private readonly workerPath: string,
    private maxConcurrent: number,
    private readonly onStatus: (s: SchedulerStatus) => void,
    private readonly throttleMs = 50,
  ) {}

  setMaxConcurrent(n: number) {
    this.maxConcurrent = Math.max(1, n);
    this.pump();
  }

  submit(problem: Problem, specs: SolveSpec[], checks: Checks, handlers: JobHandlers): Job {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let pending!: Pending;
    const done = new Promise<JobResult>((resolve, reject) => {
      pending = { problem, specs, checks, handlers, flag, resolve, reject, cancelled: false };
    });
    this.queue.push(pending);
    this.pump();
    return {
      done,
      cancel: () => {
        pending.cancelled = true;
        Atomics.store(flag, 0, 1);
        const i = this.queue.indexOf(pending);
        if (i >= 0) {
          // Never started: nothing ran.
          this.queue.splice(i, 1);
          pending.resolve({ runs: [] });
          this.status();
        }
      },
    };
  }

  private status() {
    this.onStatus({ running: this.running, queued: this.queue.length });
  }

  private pump() {
    while (this.running < this.maxConcurrent && this.queue.length) this.start(this.queue.shift()!);
    this.status();
  }

  private start(job: Pending) {
    this.running++;
    const results: JobResult = { runs: [] };
    let settled = false;
    let failure: string | undefined;
    const input: WorkerInput = { problem: job.problem, specs: job.specs, cancelFlag: job.flag, throttleMs: this.throttleMs, checks: job.checks };
    // A generous heap cap turns a runaway allocation into a worker error instead of a server crash.
    const worker = new Worker(this.workerPath, { workerData: input, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    let killTimer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (job.cancelled && !killTimer) killTimer = setTimeout(() => void worker.terminate(), HARD_CANCEL_MS);
    }, 50);
    worker.on('message', (m: WorkerOutput) => {
      if (m.type === 'points') job.handlers.onPoints(m.runIndex, m.points);
      else if (m.type === 'runDone') {
        results.runs.push(m.result);
        job.handlers.onRunDone(m.result);
      } else if (m.type === 'checks') Object.assign(results, m.results);
      else failure = m.message;
    });
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      if (killTimer) clearTimeout(killTimer);
      this.running--;
      if (error && !job.cancelled) job.reject(error);
      else job.resolve(results);
      this.pump();
    };
    worker.on('error', (e) => finish(new WorkerFailure(`solver worker failed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (failure) finish(new WorkerFailure(`solver error: ${failure}`));
      else if (code !== 0 && !job.cancelled) finish(new WorkerFailure(`solver worker exited with code ${code}`));
      else finish();
    });
  }
}
