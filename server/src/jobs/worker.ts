/**
 * Worker thread of one job: the solve blocks of a request or an experiment. It shares nothing with the language
 * server (or the CLI) but a cancellation flag, so a long or crashing run never blocks or takes down their event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runExperimentTask } from './experimentTask';
import type { WorkerInput, WorkerOutput } from './messages';
import { runSolveTask } from './solveTask';

const input = workerData as WorkerInput;
const post = (m: WorkerOutput) => parentPort!.postMessage(m);
const cancelled = () => Atomics.load(input.cancelFlag, 0) === 1;

try {
  const { task, throttleMs } = input;
  if (task.kind === 'solve') runSolveTask(task, { post, cancelled, throttleMs });
  else runExperimentTask(task, { post, cancelled, throttleMs });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}
