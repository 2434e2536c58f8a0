/**
 * The solve task of a worker: runs the solve blocks in order, streaming throttled batches of points, then the checks
 * the request asked for (the data move's bounds, the tensor trick).
 */
import type { IterationPoint, RunResult } from '../../../protocol/results';
import { checksAfterRuns } from '../solver/checks';
import { runSolve } from '../solver/run';
import type { TaskContext, WorkerTask } from './messages';

export function runSolveTask(task: Extract<WorkerTask, { kind: 'solve' }>, ctx: TaskContext) {
  const runs: RunResult[] = [];
  for (const spec of task.specs) {
    let batch: IterationPoint[] = [];
    let last = 0;
    const flush = () => {
      if (batch.length) ctx.post({ type: 'points', runIndex: spec.index, points: batch });
      batch = [];
      last = Date.now();
    };
    const result = runSolve(task.problem, spec, {
      onPoint(p) {
        batch.push(p);
        if (Date.now() - last >= ctx.throttleMs) flush();
      },
      cancelled: ctx.cancelled,
      bounds: task.checks.bounds,
    });
    flush();
    ctx.post({ type: 'runDone', result });
    runs.push(result);
    if (result.final.stopReason === 'cancelled') break;
  }
  // A cancelled request wants to stop now, not after more checks.
  if (!ctx.cancelled()) ctx.post({ type: 'checks', results: checksAfterRuns(task.problem, runs, task.checks) });
}
