/**
 * `regress-lab experiment FILE` (and `solve` / `report` on an experiment file): runs the experiment on a worker
 * thread through the language server's job scheduler, so the main thread stays free to handle Ctrl-C: the first
 * SIGINT stops training and still prints (and writes) what ran; a second one quits at once.
 */
import { join } from 'node:path';
import type { IclResult, IclSettings } from '../../../protocol/experiment';
import type { ToPanel } from '../../../protocol/webview';
import type { IclRun } from '../icl/experiment';
import { JobScheduler, WorkerFailure } from '../jobs/scheduler';
import type { CliArgs } from './args';
import { checkpointLine, experimentSummary, repeatStartLine } from './experimentFormat';
import { writeReport } from './report';

/** 128 + SIGINT, the shell's convention for a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

export async function experimentCommand(args: CliArgs, settings: IclSettings): Promise<number> {
  const runId = `cli-${Date.now().toString(36)}`;
  // The report replays exactly the messages the live panel gets, in the batches the worker streamed.
  const messages: ToPanel[] = [{ type: 'experimentStarted', runId, title: args.file, source: args.file, settings, startedAt: Date.now() }];
  const progress = (line: string) => {
    if (!args.quiet) process.stderr.write(`${line}\n`);
  };
  const scheduler = new JobScheduler(join(__dirname, 'solverWorker.js'), 1, () => undefined);
  const job = scheduler.submitExperiment(settings, {
    onProgress(p) {
      messages.push({ type: 'experimentProgress', runId, ...p });
      if (p.start) progress(repeatStartLine(p.start, settings));
      for (const c of p.checkpoints) progress(checkpointLine(p.repeat, c, settings));
    },
  });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write('interrupted: stopping after the current step (Ctrl-C again to quit at once)\n');
    job.cancel();
  };
  process.on('SIGINT', onSigint);
  let run: IclRun;
  try {
    run = await job.done;
  } catch (e) {
    if (!(e instanceof WorkerFailure)) throw e;
    process.stderr.write(`${args.file}: ${e.message}\n`);
    if (args.out) writeReport(args.out, args.file, [...messages, { type: 'runFailed', runId, message: e.message }]);
    return 3;
  } finally {
    process.off('SIGINT', onSigint);
  }
  const result: IclResult = { runId, source: args.file, ...run };
  messages.push({ type: 'experimentFinished', runId, result });
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${experimentSummary(result)}\n`);
  if (args.out) {
    writeReport(args.out, args.file, messages);
    // Keep stdout pure JSON under --json.
    (args.json ? process.stderr : process.stdout).write(`report written to ${args.out}\n`);
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return result.stopReason === 'done' ? 0 : 3;
}
