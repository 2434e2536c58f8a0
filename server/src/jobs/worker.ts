/**
 * Solver worker thread: runs the solve blocks of one request in order, streaming throttled batches of points, then
 * the checks the request asked for (the data move's bounds, the tensor trick). It shares nothing with the language
 * server but a cancellation flag, so a long or crashing run never blocks or takes down the LSP event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IterationPoint, RunResult } from '../../../protocol/results';
import { checksAfterRuns } from '../solver/checks';
import { runSolve } from '../solver/run';
import type { WorkerInput, WorkerOutput } from './messages';

const input = workerData as WorkerInput;
const post = (m: WorkerOutput) => parentPort!.postMessage(m);
const cancelled = () => Atomics.load(input.cancelFlag, 0) === 1;

try {
  const runs: RunResult[] = [];
  for (const spec of input.specs) {
    let batch: IterationPoint[] = [];
    let last = 0;
    const flush = () => {
      if (batch.length) post({ type: 'points', runIndex: spec.index, points: batch });
      batch = [];
      last = Date.now();
    };
    const result = runSolve(input.problem, spec, {
      onPoint(p) {
        batch.push(p);
        if (Date.now() - last >= input.throttleMs) flush();
      },
      cancelled,
      bounds: input.checks.bounds,
    });
    flush();
    post({ type: 'runDone', result });
    runs.push(result);
    if (result.final.stopReason === 'cancelled') break;
  }
  // A cancelled request wants to stop now, not after more checks.
  if (!cancelled()) post({ type: 'checks', results: checksAfterRuns(input.problem, runs, input.checks) });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}
