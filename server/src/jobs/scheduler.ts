/**
 * Queues runs of any kind and runs each on fresh worker threads (one per task of its kind: runKinds.ts), at most
 * `maxConcurrent` runs at a time. Fresh workers per run isolate failures (a crash or out-of-memory ends that run only)
 * and make hard cancellation possible (terminate) if a run ignores the cooperative flag.
 */
import { Worker } from 'node:worker_threads';
import type { RunKind, RunKinds } from '../../../protocol/runs';
import type { Collector, ResultMeta } from './collector';
import type { TaskInput, WorkerInput, WorkerOutput } from './messages';
import { JOB_KINDS, type JobInputs } from './runKinds';

export interface Job<R> {
  /** Resolves with the result; a cancelled job resolves with what ran (stop reason 'cancelled'). */
  readonly done: Promise<R>;
  cancel(): void;
}

export interface SchedulerStatus {
  /** Running jobs by kind (kinds with none left out). */
  running: Partial<Record<RunKind, number>>;
  queued: number;
}

export class WorkerFailure extends Error {}

/** How long a cancelled worker may keep running before it is terminated (one iteration is far shorter). */
const HARD_CANCEL_MS = 2000;

/** A submitted run. Its callbacks are methods, so a run of one kind is a Pending of any kind. */
interface Pending<K extends RunKind = RunKind> {
  kind: K;
  tasks: TaskInput<K>[];
  collector: Collector<K>;
  onProgress(p: RunKinds[K]['progress']): void;
  flag: Int32Array;
  resolve(result: RunKinds[K]['result']): void;
  reject(e: Error): void;
  cancelled: boolean;
  /** Set while its workers run: starts the grace period after which they are terminated. */
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

  /** Queues a run; `onProgress` gets its progress batches as the protocol carries them. */
  submit<K extends RunKind>(
    kind: K,
    input: JobInputs[K],
    meta: ResultMeta,
    onProgress: (p: RunKinds[K]['progress']) => void,
  ): Job<RunKinds[K]['result']> {
    const tasks = JOB_KINDS[kind].tasks(input);
    const collector = JOB_KINDS[kind].collector(input, meta, tasks.length);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let pending!: Pending<K>;
    const done = new Promise<RunKinds[K]['result']>((resolve, reject) => {
      pending = { kind, tasks, collector, onProgress, flag, resolve, reject, cancelled: false };
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
          pending.resolve(collector.final(true));
          this.status();
        }
      },
    };
  }

  private status() {
    const running: SchedulerStatus['running'] = {};
    for (const job of this.running) running[job.kind] = (running[job.kind] ?? 0) + 1;
    this.onStatus({ running, queued: this.queue.length });
  }

  private pump() {
    while (this.running.size < this.maxConcurrent && this.queue.length) this.start(this.queue.shift()!);
    this.status();
  }

  private start(job: Pending) {
    this.running.add(job);
    job.collector.started();
    let settled = false;
    let failure: string | undefined;
    // A generous heap cap turns a runaway allocation into a worker error instead of a server crash.
    const workers = job.tasks.map((task) => {
      const input: WorkerInput = { kind: job.kind, task, cancelFlag: job.flag, throttleMs: this.throttleMs };
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
      // A failed worker ends the run, cancelled or not: the others are stopped rather than left running unheard.
      if (error) terminateAll();
      if (error && !job.cancelled) job.reject(error);
      else job.resolve(job.collector.final(job.cancelled));
      this.pump();
    };
    for (const worker of workers) {
      worker.on('message', (m: WorkerOutput) => {
        if (m.type === 'failed') failure = m.message;
        else if (m.type === 'progress') job.onProgress(job.collector.progress(m.data));
        else if (job.collector.result(m.data)) stopAll();
      });
      worker.on('error', (e) => finish(new WorkerFailure(`${job.kind} worker failed: ${e.message}`)));
      worker.on('exit', (code) => {
        if (failure) finish(new WorkerFailure(`${job.kind} error: ${failure}`));
        else if (code !== 0 && !job.cancelled) finish(new WorkerFailure(`${job.kind} worker exited with code ${code}`));
        else if (--running === 0) finish();
      });
    }
  }
}
