/**
 * regress-lab: the solver without VS Code. The same language analysis and solver as the language server; `solve` and
 * `check-bounds` run in-process (a CLI run has no event loop to keep responsive), experiments and reports on worker
 * threads through the language server's scheduler (workerRun.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { requestedChecks } from '../bounds/checks';
import { problemSummary } from '../jobs/runKinds';
import { analyze, type ExperimentAnalysis } from '../language/analyze';
import { cachedReader } from '../language/datafiles';
import { withDefaults } from '../language/methods';
import type { Problem } from '../problem';
import { evaluate, EvaluationError } from '../solver/run';
import { MAX_ALL_POINTS_STEPS, parseArgs, UsageError, USAGE, type CliArgs } from './args';
import { boundsJson, boundsText, problemData } from './checkBounds';
import { experimentCommand, withOverrides } from './experiment';
import { formatDiagnostic, num, summaryTable } from './format';
import { OutputError, outputProblem } from './report';
import { reportSolve, selectedBlocks, solveExitCode, solveInProcess, solveText } from './solve';
import { tensorCommand } from './tensor';

const VERSION = '0.1.0';

async function main(argv: string[]): Promise<number> {
  let args: CliArgs | 'help' | 'version' | 'lsp';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`regress-lab: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (args === 'lsp') {
    // The bundled server beside this bundle reads --stdio from process.argv and ends the process on `exit`.
    await import(pathToFileURL(join(__dirname, 'server.js')).href);
    return new Promise<number>(() => undefined);
  }
  // Refuse an unwritable output before solving, not after.
  const outputs: [string | undefined, string][] = [
    [args.out, 'report.html'],
    [args.csv, 'summary.csv'],
  ];
  const outProblem = outputs
    .flatMap(([out, example]) => (out === undefined ? [] : [outputProblem(out, example)]))
    .find((p) => p !== undefined);
  if (outProblem) {
    process.stderr.write(`regress-lab: ${outProblem}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (e) {
    process.stderr.write(`regress-lab: cannot read ${args.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 2;
  }
  // The CLI's workspace: the current directory and the problem file's folder.
  const documentPath = resolve(args.file);
  let analysis = analyze(text, { documentPath, roots: [process.cwd(), dirname(documentPath)], read: cachedReader() });
  if (args.set.length) {
    const overridden = withOverrides(args, analysis);
    if (typeof overridden === 'string') {
      process.stderr.write(`${overridden}\n`);
      return 2;
    }
    analysis = overridden;
  }
  const shown = analysis.diagnostics.filter((d) => d.severity !== 'info');
  const hasErrors = shown.some((d) => d.severity === 'error');
  if (args.command === 'check') {
    for (const d of shown) process.stdout.write(`${formatDiagnostic(args.file, d)}\n`);
    return hasErrors ? 1 : 0;
  }
  // Other commands print problems to stderr so stdout stays clean (JSON).
  for (const d of shown) process.stderr.write(`${formatDiagnostic(args.file, d)}\n`);
  if (hasErrors) return 1;
  if (analysis.file === 'experiment') return runExperimentFile(args, analysis);
  if (args.command === 'experiment') {
    process.stderr.write(`${args.file}: this is a problem file, not an experiment: solve it with \`regress-lab solve FILE\`\n`);
    return 1;
  }
  if (args.csv !== undefined) {
    process.stderr.write(`${args.file}: --csv writes an experiment's summary; this is a problem file (use --json)\n`);
    return 2;
  }
  const p = analysis.problem;
  if (!p) return 1;
  // Every kept point of every selected block goes into one JSON string, so the limit is on their sum.
  const selected = analysis.solves.filter((s) => args.run === undefined || s.index === args.run - 1);
  const total = selected.reduce((sum, s) => sum + withDefaults(s.method, s.options).steps, 0);
  if (args.allPoints && total > MAX_ALL_POINTS_STEPS) {
    process.stderr.write(
      `regress-lab: --all-points keeps every iteration of at most ${MAX_ALL_POINTS_STEPS.toLocaleString('en')} steps in all; the selected blocks ask for ${total.toLocaleString('en')} (select one with --run, or leave out --all-points for the thinned trajectory)\n`,
    );
    return 2;
  }
  if (args.command === 'eval') return evalCommand(args, p);
  if (args.command === 'tensor') return tensorCommand(args, p);
  const specs = selectedBlocks(args, analysis);
  if (!specs) return 1;
  if (args.command === 'check-bounds') {
    const iterates = new Map<number, number[][]>();
    const result = solveInProcess(args, p, specs, { bounds: true, tensor: false }, iterates);
    if (args.json) process.stdout.write(`${JSON.stringify(boundsJson(p, result, iterates))}\n`);
    else process.stdout.write(`${summaryTable(result)}\n${boundsText(result)}\n`);
    return solveExitCode(result);
  }
  // Like the editor, solve and report run the file's `check` statements too.
  const checks = requestedChecks(analysis.checks, p);
  if (args.command === 'report') return reportSolve(args, p, specs, checks);
  const result = solveInProcess(args, p, specs, checks);
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${solveText(args.file, result, checks)}\n`);
  return solveExitCode(result);
}

/** An experiment file: `experiment`, and `solve` / `report` so the generic commands work on any .regress file. */
function runExperimentFile(args: CliArgs, a: ExperimentAnalysis): number | Promise<number> {
  if (!a.settings) return 1;
  if (args.command === 'eval' || args.command === 'tensor' || args.command === 'check-bounds') {
    process.stderr.write(
      `${args.file}: ${args.command} applies to problem files; this is an experiment: run it with \`regress-lab experiment FILE\`\n`,
    );
    return 1;
  }
  if (args.run !== undefined) {
    process.stderr.write(`${args.file}: --run selects a solve block; an experiment file has none\n`);
    return 2;
  }
  return experimentCommand(args, a);
}

function evalCommand(args: CliArgs, p: Problem): number {
  let loss: number, gradient: number[] | number[][];
  try {
    ({ loss, gradient } = evaluate(p));
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    process.stderr.write(`${args.file}: ${e.message}\n`);
    return 3;
  }
  const out = { problem: problemSummary(p), data: problemData(p), loss, gradient };
  if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    const g = (gradient as (number | number[])[]).flat();
    const gn = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    process.stdout.write(
      `${args.file}: ${p.kind} ${p.variant}, n = ${p.n}, d = ${p.d}\nloss at the initial point = ${num(loss)} (0.5·‖·‖²)\n‖∇L‖ = ${num(gn)}\n`,
    );
  }
  return 0;
}

// A reader that stops early (`| head`) closes the pipe: that is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
void main(process.argv.slice(2))
  .catch((e: unknown) => {
    // The output went away or became unwritable while solving.
    if (!(e instanceof OutputError)) throw e;
    process.stderr.write(`regress-lab: ${e.message}\n`);
    return 2;
  })
  .then((code) => (process.exitCode = code));
