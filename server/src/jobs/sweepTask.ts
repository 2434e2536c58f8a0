/**
 * The sweep task of a worker: the experiment task (experimentTask.ts) at each point in turn, its messages tagged with
 * the point. Between points the run's threads wait for each other, so the points run in order: a failure at one point
 * never cuts short the point before. A point that does not end normally (cancelled, or a failure here or in another
 * thread, which sets the cancel flag) ends the sweep: later points never start.
 */
import type { IclStopReason } from '../../../protocol/experiment';
import { runExperimentTask } from './experimentTask';
import type { TaskContext, TaskInput } from './messages';

/** How often a thread waiting for the others checks the cancel flag (a cancel or a failure elsewhere ends the wait). */
const POLL_MS = 50;

export function runSweepTask(task: TaskInput<'sweep'>, ctx: TaskContext<'sweep'>) {
  for (const [point, share] of task.points.entries()) {
    let stop: IclStopReason | undefined;
    runExperimentTask(share, {
      post(m) {
        if (m.type === 'progress') ctx.post({ type: 'progress', data: { point, ...m.data } });
        else if (m.type === 'result') {
          stop = m.data.stopReason;
          ctx.post({ type: 'result', data: { point, run: m.data } });
        } else ctx.post(m);
      },
      cancelled: ctx.cancelled,
      throttleMs: ctx.throttleMs,
    });
    if (stop !== 'done' || !everyThreadFinished(task, point, ctx)) return;
  }
}

/** Counts this thread's end of `point` and waits for the others'; false when the run was cancelled meanwhile. */
function everyThreadFinished(task: TaskInput<'sweep'>, point: number, ctx: TaskContext<'sweep'>): boolean {
  Atomics.add(task.finished, 0, 1);
  Atomics.notify(task.finished, 0);
  const all = task.threads * (point + 1);
  for (;;) {
    const now = Atomics.load(task.finished, 0);
    if (now >= all) return true;
    if (ctx.cancelled()) return false;
    Atomics.wait(task.finished, 0, now, POLL_MS);
  }
}
