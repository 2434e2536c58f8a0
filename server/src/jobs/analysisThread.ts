/**
 * The analysis worker seen from the main thread: a queue of tasks run one at a time, document analyses before
 * spectral norms. Tasks are keyed by document: superseding a key drops its queued tasks and the answer of its running
 * one, which is abandoned — the worker terminated and replaced — once it has run ABANDON_MS, so an old version's long
 * build delays the newest version by at most that plus a worker start. A worker that dies (out of memory) fails its
 * task and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisAnswer, AnalysisReply, AnalysisTask, AnswerTo } from './analysisMessages';

/** How long a superseded task may keep the worker: long enough for a typical build to finish (a restart costs a worker start), short next to a heavy one. */
const ABANDON_MS = 250;

/** The worker's heap cap: a runaway build fails its task instead of taking the server down. */
const WORKER_HEAP_MB = 2048;

interface Pending {
  id: number;
  key?: string;
  task: AnalysisTask;
  /** Undefined: superseded. */
  resolve(answer: AnalysisAnswer | undefined): void;
  superseded?: boolean;
  started?: number;
}

export class AnalysisThread {
  private worker?: Worker;
  private running?: Pending;
  private readonly queue: Pending[] = [];
  private abandonTimer?: NodeJS.Timeout;
  private nextId = 1;

  constructor(
    private readonly path: string,
    private readonly abandonMs = ABANDON_MS,
  ) {}

  /** Runs `task`; resolves undefined if `key` is superseded first. Tasks without a key are never superseded. */
  run<T extends AnalysisTask>(key: string | undefined, task: T): Promise<AnswerTo<T['kind']> | undefined> {
    return new Promise((resolve) => {
      // The worker answers a task of kind K with kind K or 'failed'.
      this.queue.push({ id: this.nextId++, key, task, resolve: resolve as Pending['resolve'] });
      this.pump();
    });
  }

  supersede(key: string) {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].key === key) this.queue.splice(i, 1)[0].resolve(undefined);
    }
    const r = this.running;
    if (r?.key !== key || r.superseded) return;
    r.superseded = true;
    r.resolve(undefined);
    const left = r.started! + this.abandonMs - Date.now();
    if (left <= 0) this.restart();
    else this.abandonTimer = setTimeout(() => this.running === r && this.restart(), left);
  }

  private restart() {
    const w = this.worker;
    this.worker = undefined;
    this.running = undefined;
    void w?.terminate();
    this.pump();
  }

  private pump() {
    if (this.running || this.queue.length === 0) return;
    const i = this.queue.findIndex((p) => p.task.kind === 'analyze');
    const next = this.queue.splice(Math.max(i, 0), 1)[0];
    next.started = Date.now();
    this.running = next;
    clearTimeout(this.abandonTimer);
    const w = (this.worker ??= this.spawn());
    w.ref();
    w.postMessage({ id: next.id, ...next.task });
  }

  private spawn(): Worker {
    const w = new Worker(this.path, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    w.on('message', (reply: AnalysisReply) => {
      if (w !== this.worker || reply.id !== this.running?.id) return;
      this.finish(reply);
    });
    w.on('error', (e) => this.died(w, e.message));
    w.on('exit', (code) => this.died(w, `it exited with code ${code}`));
    return w;
  }

  /** A crash of the current worker (a terminated one is no longer current): fail its task, start afresh. */
  private died(w: Worker, why: string) {
    if (w !== this.worker) return;
    this.worker = undefined;
    if (this.running) this.finish({ kind: 'failed', message: `the analysis worker stopped: ${why}` });
  }

  private finish(answer: AnalysisAnswer) {
    const r = this.running!;
    this.running = undefined;
    if (!r.superseded) r.resolve(answer);
    this.pump();
    // An idle worker does not keep the process alive.
    if (!this.running) this.worker?.unref();
  }
}
