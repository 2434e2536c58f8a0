/**
 * Worker thread of one job: the solve blocks of a request, or a share of an experiment's repeats (of each point of a
 * sweep). It shares nothing with the language server (or the CLI) but a cancellation flag, so a long or crashing run
 * never blocks or takes down their event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunKind } from '../../../protocol/runs';
import { runExperimentTask } from './experimentTask';
import type { TaskContext, TaskInput, WorkerInput, WorkerOutput } from './messages';
import { runSolveTask } from './solveTask';
import { runSweepTask } from './sweepTask';

/** The task of each kind of run. */
const TASKS: { [K in RunKind]: (task: TaskInput<K>, ctx: TaskContext<K>) => void } = {
  solve: runSolveTask,
  experiment: runExperimentTask,
  sweep: runSweepTask,
};

const input = workerData as WorkerInput;
const ctx: TaskContext<RunKind> = {
  post: (m: WorkerOutput) => parentPort!.postMessage(m),
  cancelled: () => Atomics.load(input.cancelFlag, 0) === 1,
  throttleMs: input.throttleMs,
};

function run<K extends RunKind>(kind: K, task: TaskInput<K>) {
  TASKS[kind](task, ctx);
}

try {
  run(input.kind, input.task);
} catch (e) {
  ctx.post({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}
