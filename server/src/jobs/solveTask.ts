/**
 * The solve task of a worker: runs the solve blocks in order, streaming batches of points (the last batch of a block
 * says how it stopped) and each block's run, then the checks the request asked for (the data move's bounds, the tensor
 * trick). The matrices the panel draws come first (the target and the initial point), then with each block's run.
 */
import type { IterationPoint, BlockResult } from '../../../protocol/results';
import { checksAfterRuns, stepObservers } from '../bounds/checks';
import { withDefaults } from '../language/methods';
import { addFinalMatrices, runMatrices } from '../solver/matrices';
import { runSolve } from '../solver/run';
import { Batcher } from './batcher';
import type { TaskContext, TaskInput } from './messages';

export function runSolveTask(task: TaskInput<'solve'>, ctx: TaskContext<'solve'>) {
  const runs: BlockResult[] = [];
  const matrices = runMatrices(task.problem, ctx.cancelled);
  if (matrices) ctx.post({ type: 'result', data: { runs: [], matrices } });
  for (const spec of task.specs) {
    const block = spec.index;
    const maxSteps = withDefaults(spec.method, spec.options).steps;
    const batcher = new Batcher<IterationPoint>(ctx.throttleMs, (points) =>
      ctx.post({ type: 'progress', data: { block, points, maxSteps } }),
    );
    const result = runSolve(task.problem, spec, {
      onPoint: (p) => batcher.add(p),
      cancelled: ctx.cancelled,
      observers: stepObservers(task.problem, spec, task.checks),
    });
    addFinalMatrices(task.problem, result, ctx.cancelled);
    ctx.post({
      type: 'progress',
      data: { block, points: batcher.take(), maxSteps, stop: { reason: result.final.stopReason, message: result.final.message } },
    });
    ctx.post({ type: 'result', data: { runs: [result] } });
    runs.push(result);
    if (result.final.stopReason === 'cancelled') break;
  }
  // A cancelled request wants to stop now, not after more checks.
  if (!ctx.cancelled()) ctx.post({ type: 'result', data: { runs: [], ...checksAfterRuns(task.problem, runs, task.checks) } });
}
