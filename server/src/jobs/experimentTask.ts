/**
 * The experiment task of a worker: runs the in-context-learning experiment, streaming each repeat's start and its
 * checkpoints in throttled batches like solve points. A repeat's start travels with its first batch, so receivers
 * see it before its checkpoints. Checkpoints are rare (every `every` Adam steps), so a held batch is also flushed
 * from the once-per-step cancel poll when its interval has passed, instead of waiting for the next checkpoint.
 */
import type { IclCheckpoint, IclRepeatStart } from '../../../protocol/experiment';
import { runIclExperiment } from '../icl/experiment';
import type { TaskContext, WorkerTask } from './messages';

export function runExperimentTask(task: Extract<WorkerTask, { kind: 'experiment' }>, ctx: TaskContext) {
  let repeat = 0;
  let start: IclRepeatStart | undefined;
  let batch: IclCheckpoint[] = [];
  let last = 0;
  const pending = () => start !== undefined || batch.length > 0;
  const flush = () => {
    if (!pending()) return;
    ctx.post({ type: 'experimentProgress', progress: { repeat, ...(start ? { start } : {}), checkpoints: batch } });
    start = undefined;
    batch = [];
    last = Date.now();
  };
  const flushIfDue = () => {
    if (pending() && Date.now() - last >= ctx.throttleMs) flush();
  };
  const run = runIclExperiment(task.settings, {
    onRepeatStart(s) {
      flush();
      repeat = s.repeat;
      start = s;
      flushIfDue();
    },
    // Checkpoints belong to the repeat whose start came last (the hooks' order).
    onCheckpoint(_repeat, checkpoint) {
      batch.push(checkpoint);
      flushIfDue();
    },
    cancelled() {
      flushIfDue();
      return ctx.cancelled();
    },
  }, task.repeats);
  flush();
  ctx.post({ type: 'experimentDone', run });
}
