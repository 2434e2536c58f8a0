/**
 * The experiment task of a worker: runs its share of the in-context-learning experiment's repeats, streaming each
 * repeat's checkpoints in batches like solve points. A repeat's start travels with its first batch (its step-0
 * checkpoint follows the start at once), so receivers see it before its checkpoints. Checkpoints are rare (every
 * `every` Adam steps), so a held batch is also sent from the once-per-step cancel poll when its interval has passed,
 * instead of waiting for the next checkpoint. The repeats are claimed from the run's share (unitShare.ts) as this
 * thread becomes free.
 */
import type { IclCheckpoint, IclRepeatStart } from '../../../protocol/experiment';
import { runIclExperiment } from '../icl/experiment';
import { Batcher } from './batcher';
import type { TaskContext, TaskInput } from './messages';
import { UnitShare } from './unitShare';

export function runExperimentTask(task: TaskInput<'experiment'>, ctx: TaskContext<'experiment'>) {
  let repeat = 0;
  let start: IclRepeatStart | undefined;
  const batcher = new Batcher<IclCheckpoint>(ctx.throttleMs, (checkpoints) => {
    ctx.post({ type: 'progress', data: { repeat, ...(start ? { start } : {}), checkpoints } });
    start = undefined;
  });
  // While it waits for its turn, the thread still sends the progress it holds.
  const share = new UnitShare(task.share, task.thread, () => {
    batcher.poll();
    return ctx.cancelled();
  });
  const run = runIclExperiment(
    task.settings,
    {
      onRepeatStart(s) {
        // A batch holds one repeat's checkpoints.
        batcher.flush();
        repeat = s.repeat;
        start = s;
      },
      // Checkpoints belong to the repeat whose start came last (the hooks' order).
      onCheckpoint: (_repeat, checkpoint) => batcher.add(checkpoint),
      cancelled() {
        batcher.poll();
        return ctx.cancelled();
      },
      beforeStep: () => share.beforeStep(),
    },
    share.claims(task.point, task.settings.repeats),
  );
  batcher.flush();
  ctx.post({ type: 'result', data: run });
}
