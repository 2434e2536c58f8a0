/**
 * The solve task of a worker: runs the solve blocks it claims from the run's share (unitShare.ts: one thread, or
 * two where two pay), streaming batches of points (the last batch of a block says how it stopped) and each block's
 * run, then, in the thread that finishes last, the checks the request asked for (the data move's bounds, the tensor
 * trick) over every block. The matrices the panel draws come first from thread 0 (the target and the initial point),
 * then with each block's run.
 */
import type { IterationPoint } from '../../../protocol/results';
import { checksAfterRuns, stepObservers } from '../bounds/checks';
import { withDefaults } from '../language/methods';
import { addFinalMatrices, runMatrices } from '../solver/matrices';
import { runSolve } from '../solver/run';
import { Batcher } from './batcher';
import type { TaskContext, TaskInput } from './messages';
import { UnitShare } from './unitShare';

export function runSolveTask(task: TaskInput<'solve'>, ctx: TaskContext<'solve'>) {
  if (task.thread === 0) {
    const matrices = runMatrices(task.problem, ctx.cancelled);
    if (matrices) ctx.post({ type: 'result', data: { runs: [], matrices } });
  }
  let batcher: Batcher<IterationPoint> | undefined;
  // While it waits for its turn, the thread still sends the points it holds.
  const share = new UnitShare(task.share, task.thread, () => {
    batcher?.poll();
    return ctx.cancelled();
  });
  for (const i of share.claims(0, task.specs.length)) {
    const spec = task.specs[i];
    const block = spec.index;
    const maxSteps = withDefaults(spec.method, spec.options).steps;
    batcher = new Batcher<IterationPoint>(ctx.throttleMs, (points) => ctx.post({ type: 'progress', data: { block, points, maxSteps } }));
    const points = batcher;
    const result = runSolve(task.problem, spec, {
      onPoint: (p) => points.add(p),
      // Polled before every iteration: the share measures and, while the threads take turns, waits here.
      cancelled: () => {
        share.beforeStep();
        return ctx.cancelled();
      },
      observers: stepObservers(task.problem, spec, task.checks),
    });
    addFinalMatrices(task.problem, result, ctx.cancelled);
    ctx.post({
      type: 'progress',
      data: { block, points: batcher.take(), maxSteps, stop: { reason: result.final.stopReason, message: result.final.message } },
    });
    batcher = undefined;
    ctx.post({ type: 'result', data: { runs: [result] } });
    if (result.final.stopReason === 'cancelled') break;
  }
  // The checks need every block: the thread that finishes last runs them, over the blocks that ran (all of them
  // unless cancelled). A cancelled request wants to stop now, not after more checks.
  const last = Atomics.add(task.finished, 0, 1) === task.threads - 1;
  if (last && !ctx.cancelled()) ctx.post({ type: 'result', data: { runs: [], ...checksAfterRuns(task.problem, task.specs, task.checks) } });
}
