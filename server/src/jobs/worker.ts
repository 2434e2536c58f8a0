/**
 * Solver worker thread: runs the solve blocks of one request in order, streaming throttled batches of points.
 * It shares nothing with the language server but a cancellation flag, so a long or crashing run never blocks
 * or takes down the LSP event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IterationPoint } from '../../../protocol/results';
import { runSolve } from '../solver/run';
import type { WorkerInput, WorkerOutput } from './messages';

const input = workerData as WorkerInput;
const post = (m: WorkerOutput) => parentPort!.postMessage(m);

try {
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
      cancelled: () => Atomics.load(input.cancelFlag, 0) === 1,
    });
    flush();
    post({ type: 'runDone', result });
    if (result.final.stopReason === 'cancelled') break;
  }
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}
