/**
 * `solve`, `report` and `check-bounds` on a problem file. `solve` and `check-bounds` run in-process (a CLI run has no
 * event loop to keep responsive, and they keep what the editor never needs: every point with --all-points, every
 * iterate for check-bounds --json); `report` runs as the editor does, on a worker through the scheduler, so the
 * report holds the events the panel gets.
 */
import type { SolveResult } from '../../../protocol/results';
import { runTitle } from '../../../common/runTitle';
import { isBadStop } from '../../../common/verdicts';
import { checksAfterRuns, stepObservers, type Checks } from '../bounds/checks';
import { BOUND_STEP_LIMIT } from '../bounds/weightShift';
import type { RunMeta } from '../jobs/run';
import { problemSummary } from '../jobs/runKinds';
import type { ProblemAnalysis } from '../language/analyze';
import { withDefaults } from '../language/methods';
import type { Problem, SolveSpec } from '../problem';
import { addFinalMatrices, runMatrices } from '../solver/matrices';
import { runSolve } from '../solver/run';
import type { CliArgs } from './args';
import { boundsFailed, boundsText } from './checkBounds';
import { num, summaryTable } from './format';
import { progressLine } from './progress';
import { writeReport } from './report';
import { tensorTable } from './tensor';
import { cliRunId, EXIT_INTERRUPTED, runOnWorker } from './workerRun';

/** The blocks `--run` selects (all without it); undefined, with the message printed, when there is none. */
export function selectedBlocks(args: CliArgs, a: ProblemAnalysis): SolveSpec[] | undefined {
  const specs = args.run === undefined ? a.solves : a.solves.filter((s) => s.index === args.run! - 1);
  if (specs.length > 0) return specs;
  process.stderr.write(
    args.run === undefined ? `${args.file}: no solve block to run\n` : `${args.file}: there is no valid solve block #${args.run}\n`,
  );
  return undefined;
}

/**
 * The runs and then the checks after them, as the editor's solver worker does (server/src/bounds/checks.ts). The
 * matrices (a forward pass per point: seconds at n = 4096) only where the output carries them: `solve --json`.
 */
export function solveInProcess(
  args: CliArgs,
  p: Problem,
  specs: SolveSpec[],
  checks: Checks,
  iterates?: Map<number, number[][]>,
): SolveResult {
  const withMatrices = args.command === 'solve' && args.json;
  const progress = progressLine(args.quiet);
  const runs = specs.map((spec) => {
    const steps = withDefaults(spec.method, spec.options).steps;
    const run = runSolve(p, spec, {
      onPoint: (pt) => progress?.show(pointLine(spec, pt.k, steps, pt.loss)),
      cancelled: () => false,
      allPoints: args.allPoints,
      observers: stepObservers(p, spec, checks),
      // The iterates of the checked steps only (the bound check stops after BOUND_STEP_LIMIT steps).
      onIterate:
        iterates &&
        ((k, x) =>
          k === 0 ? iterates.set(spec.index, [Array.from(x)]) : k <= BOUND_STEP_LIMIT && iterates.get(spec.index)!.push(Array.from(x))),
    });
    if (withMatrices) addFinalMatrices(p, run);
    return run;
  });
  progress?.clear();
  const matrices = withMatrices ? runMatrices(p) : undefined;
  const result: SolveResult = {
    runId: cliRunId(),
    source: args.file,
    problem: problemSummary(p),
    runs,
    ...checksAfterRuns(p, specs, checks),
  };
  return matrices ? { ...result, matrices } : result;
}

/** `report` on a problem file: the solve on a worker, its events written as the report. */
export async function reportSolve(args: CliArgs, p: Problem, specs: SolveSpec[], checks: Checks): Promise<number> {
  const meta: RunMeta = {
    runId: cliRunId(),
    uri: args.file,
    title: runTitle(args.file, 'solve', args.run === undefined ? undefined : args.run - 1),
  };
  const progress = progressLine(args.quiet);
  const run = await runOnWorker('solve', { problem: p, specs, checks }, meta, (e) => {
    if (e.event !== 'progress' || e.kind !== 'solve') return;
    const spec = specs.find((s) => s.index === e.data.block);
    const last = e.data.points[e.data.points.length - 1];
    if (spec && last) progress?.show(pointLine(spec, last.k, e.data.maxSteps, last.loss));
  });
  progress?.clear();
  if ('failure' in run) {
    process.stderr.write(`${args.file}: ${run.failure}\n`);
    writeReport(args.out!, args.file, [...run.events, { event: 'failed', kind: 'solve', ...meta, message: run.failure }]);
    return 3;
  }
  const { result } = run;
  writeReport(args.out!, args.file, [...run.events, { event: 'finished', kind: 'solve', runId: meta.runId, result }]);
  process.stdout.write(`${solveText(args.file, result, checks)}\nreport written to ${args.out}\n`);
  return run.interrupted ? EXIT_INTERRUPTED : solveExitCode(result);
}

/** The summary table, then the bound tables and the tensor check when they ran. */
export function solveText(file: string, r: SolveResult, checks: Checks): string {
  const lines = [summaryTable(r), ...(checks.bounds ? [boundsText(r)] : [])];
  if (r.tensor) lines.push('', 'error' in r.tensor ? `tensor check: ${r.tensor.error}` : tensorTable(file, r.tensor));
  return lines.join('\n');
}

/** 3 when a run stopped on a failure, a bound that must hold failed, or the tensor check failed; else 0. */
export function solveExitCode(r: SolveResult): number {
  const tensorFailed = !!r.tensor && !('error' in r.tensor) && !r.tensor.pass;
  return r.runs.some((x) => isBadStop(x.final.stopReason)) || boundsFailed(r) || tensorFailed ? 3 : 0;
}

const pointLine = (spec: SolveSpec, k: number, steps: number, loss: number) =>
  `#${spec.index + 1} ${spec.method} k=${k}/${steps} loss=${num(loss)}`;
