/**
 * A run on worker threads through the language server's scheduler and run events (jobs/run.ts): the events are the
 * ones the live panel gets, batch for batch, so a report replays the run as the editor showed it. The main thread
 * stays free to handle Ctrl-C: the first SIGINT cancels the run, which still answers with what ran; a second one
 * quits at once.
 */
import { join } from 'node:path';
import type { RunKind, RunKinds, ServerRunEvent } from '../../../protocol/runs';
import { startRun, type RunMeta } from '../jobs/run';
import type { JobInputs } from '../jobs/runKinds';
import { JobScheduler, WorkerFailure } from '../jobs/scheduler';

/** 128 + SIGINT, the shell's convention for a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** The events sent, whether Ctrl-C stopped the run, and its result or why its worker failed. */
export type WorkerRun<R> = { events: ServerRunEvent[]; interrupted: boolean } & ({ result: R } | { failure: string });

export async function runOnWorker<K extends RunKind>(
  kind: K,
  input: JobInputs[K],
  meta: RunMeta,
  onEvent: (e: ServerRunEvent) => void,
): Promise<WorkerRun<RunKinds[K]['result']>> {
  const events: ServerRunEvent[] = [];
  const scheduler = new JobScheduler(join(__dirname, 'solverWorker.js'), 1, () => undefined);
  const job = startRun(scheduler, kind, input, meta, (e) => {
    events.push(e);
    onEvent(e);
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('interrupted: stopping after the current step (Ctrl-C again to quit at once)\n');
    job.cancel();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await job.done;
    return { events, interrupted, result };
  } catch (e) {
    if (!(e instanceof WorkerFailure)) throw e;
    return { events, interrupted, failure: e.message };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** A run id for the CLI's results (the editor's client picks its own). */
export const cliRunId = () => `cli-${Date.now().toString(36)}`;
