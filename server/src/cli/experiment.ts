/**
 * `regress-lab experiment FILE` (and `solve` / `report` on an experiment file): runs the experiment, or the sweep of a
 * file with a `sweep` line, on worker threads (workerRun.ts), printing each repeat's start and checkpoints as they
 * arrive; Ctrl-C stops training and still prints (and writes) what ran. `--out` writes the HTML report from the run's
 * events, `--csv` the summary, and `--set` changes settings of the file.
 */
import type { IclSettings, IclStopReason } from '../../../protocol/experiment';
import type { ExperimentProgress } from '../../../protocol/runs';
import type { ToPanel } from '../../../protocol/webview';
import { runTitle } from '../../../common/runTitle';
import type { RunMeta } from '../jobs/run';
import type { Analysis, ExperimentAnalysis } from '../language/analyze';
import { analyzeExperiment, experimentOverride } from '../language/experiment';
import type { CliArgs } from './args';
import { experimentCsv, sweepCsv } from './experimentCsv';
import { checkpointLine, experimentSummary, pointPrefix, repeatStartLine, sweepSummary } from './experimentFormat';
import { writeOutput, writeReport } from './report';
import { cliRunId, EXIT_INTERRUPTED, runOnWorker, type WorkerRun } from './workerRun';

type ExperimentKind = 'experiment' | 'sweep';

/** What the command prints and writes of a finished run of each kind. */
interface Output<R> {
  text(result: R): string;
  csv(result: R): string;
  finished(result: R): ToPanel;
  stopReason(result: R): IclStopReason;
}

export async function experimentCommand(args: CliArgs, a: ExperimentAnalysis): Promise<number> {
  const progress = (line: string) => {
    if (!args.quiet) process.stderr.write(`${line}\n`);
  };
  const lines = (prefix: string, p: Omit<ExperimentProgress, 'summary'>, settings: IclSettings) => {
    if (p.start) progress(prefix + repeatStartLine(p.start, settings));
    for (const c of p.checkpoints) progress(prefix + checkpointLine(p.repeat, c, settings));
  };
  const sweep = a.sweep?.run;
  if (sweep) {
    const meta = metaOf(args, 'sweep');
    const run = await runOnWorker('sweep', sweep, meta, (e) => {
      if (e.event === 'progress' && e.kind === 'sweep') lines(pointPrefix(sweep, e.data.point), e.data, sweep.points[e.data.point]);
    });
    return finish(args, 'sweep', meta, run, {
      text: sweepSummary,
      csv: sweepCsv,
      finished: (result) => ({ event: 'finished', kind: 'sweep', runId: meta.runId, result }),
      stopReason: (r) => r.stopReason,
    });
  }
  const settings = a.settings!;
  const meta = metaOf(args, 'experiment');
  const run = await runOnWorker('experiment', { settings }, meta, (e) => {
    if (e.event === 'progress' && e.kind === 'experiment') lines('', e.data, settings);
  });
  return finish(args, 'experiment', meta, run, {
    text: experimentSummary,
    csv: experimentCsv,
    finished: (result) => ({ event: 'finished', kind: 'experiment', runId: meta.runId, result }),
    stopReason: (r) => r.stopReason,
  });
}

/**
 * The experiment file's analysis with `--set NAME=VALUE` applied (the settings that default from NAME follow), or why
 * it cannot be: a problem file, a setting that is not numeric or a value it refuses, or the setting the file sweeps.
 */
export function withOverrides(args: CliArgs, a: Analysis): ExperimentAnalysis | string {
  if (a.file !== 'experiment') return `${args.file}: --set changes an experiment's settings; this is a problem file`;
  const overrides = new Map<string, number>();
  for (const [name, value] of args.set) {
    const o = experimentOverride(name, value);
    if ('error' in o) return `regress-lab: --set ${name}=${value}: ${o.error}`;
    overrides.set(name, o.value);
  }
  const analysis = analyzeExperiment(a.tree, overrides);
  const swept = analysis.sweep?.run?.sweep.setting;
  if (swept !== undefined && overrides.has(swept))
    return `regress-lab: --set ${swept}: the file sweeps ${swept} (line ${analysis.sweep!.line + 1}), which sets it at every point`;
  return analysis;
}

const metaOf = (args: CliArgs, kind: ExperimentKind): RunMeta => ({ runId: cliRunId(), uri: args.file, title: runTitle(args.file, kind) });

/** Prints the result (or the failure), writes the report and the CSV, and answers the exit code. */
function finish<R>(args: CliArgs, kind: ExperimentKind, meta: RunMeta, run: WorkerRun<R>, out: Output<R>): number {
  const events: ToPanel[] = run.events;
  // Keep stdout pure JSON under --json.
  const note = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  if ('failure' in run) {
    process.stderr.write(`${args.file}: ${run.failure}\n`);
    if (args.out) writeReport(args.out, args.file, [...events, { event: 'failed', kind, ...meta, message: run.failure }]);
    return 3;
  }
  const { result } = run;
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${out.text(result)}\n`);
  if (args.out) {
    writeReport(args.out, args.file, [...events, out.finished(result)]);
    note(`report written to ${args.out}`);
  }
  if (args.csv) {
    writeOutput(args.csv, out.csv(result));
    note(`CSV written to ${args.csv}`);
  }
  if (run.interrupted) return EXIT_INTERRUPTED;
  return out.stopReason(result) === 'done' ? 0 : 3;
}
