/**
 * regress-lab: the solver without VS Code. The same language analysis and solver as the language server; solves run
 * in-process (a CLI run has no event loop to keep responsive), experiments on a worker thread (experiment.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SolveResult, TensorCheckResult, TensorComparison, TensorPoint } from '../../../protocol/results';
import { analyze, type Analysis } from '../language/analyze';
import { cachedReader } from '../language/datafiles';
import { group, humanBytes, tensorCheck, TensorTooLarge } from '../math/tensor';
import { withDefaults } from '../solver/methods';
import { evaluate, EvaluationError, runSolve } from '../solver/run';
import { checksAfterRuns, requestedChecks, type Checks } from '../solver/checks';
import { MAX_ALL_POINTS_STEPS, parseArgs, UsageError, USAGE, type CliArgs } from './args';
import { BOUND_STEP_LIMIT } from '../bounds/weightShift';
import { boundsFailed, boundsJson, boundsText, problemData } from './checkBounds';
import { experimentCommand } from './experiment';
import { formatDiagnostic, num, summaryTable, table } from './format';
import { OutputError, outputProblem, solveMessages, writeReport } from './report';

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
  const outProblem = args.out === undefined ? undefined : outputProblem(args.out);
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
  const analysis = analyze(text, { documentPath, roots: [process.cwd(), dirname(documentPath)], read: cachedReader() });
  const shown = analysis.diagnostics.filter((d) => d.severity !== 'info');
  const hasErrors = shown.some((d) => d.severity === 'error');
  if (args.command === 'check') {
    for (const d of shown) process.stdout.write(`${formatDiagnostic(args.file, d)}\n`);
    return hasErrors ? 1 : 0;
  }
  // Other commands print problems to stderr so stdout stays clean (JSON).
  for (const d of shown) process.stderr.write(`${formatDiagnostic(args.file, d)}\n`);
  if (hasErrors) return 1;
  if (analysis.experiment) return runExperimentFile(args, analysis);
  if (args.command === 'experiment') {
    process.stderr.write(`${args.file}: this is a problem file, not an experiment: solve it with \`regress-lab solve FILE\`\n`);
    return 1;
  }
  if (!analysis.problem) return 1;
  // Every kept point of every selected block goes into one JSON string, so the limit is on their sum.
  const selected = analysis.solves.filter((s) => args.run === undefined || s.index === args.run - 1);
  const total = selected.reduce((sum, s) => sum + withDefaults(s.method, s.options).steps, 0);
  if (args.allPoints && total > MAX_ALL_POINTS_STEPS) {
    process.stderr.write(`regress-lab: --all-points keeps every iteration of at most ${MAX_ALL_POINTS_STEPS.toLocaleString('en')} steps in all; the selected blocks ask for ${total.toLocaleString('en')} (select one with --run, or leave out --all-points for the thinned trajectory)\n`);
    return 2;
  }
  if (args.command === 'eval') return evalCommand(args, analysis);
  if (args.command === 'tensor') return tensorCommand(args, analysis);
  if (args.command === 'check-bounds') return checkBoundsCommand(args, analysis);
  // Like the editor, solve and report run the file's `check` statements too.
  const checks = requestedChecks(analysis.checks, analysis.problem);
  const result = solve(args, analysis, checks);
  if (!result) return 1;
  const lines = [summaryTable(result), ...(checks.bounds ? [boundsText(result)] : [])];
  if (result.tensor) lines.push('', 'error' in result.tensor ? `tensor check: ${result.tensor.error}` : tensorTable(args.file, result.tensor));
  if (args.command === 'solve') {
    process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : `${lines.join('\n')}\n`);
  } else {
    writeReport(args.out!, result.source, solveMessages(result));
    process.stdout.write(`${lines.join('\n')}\nreport written to ${args.out}\n`);
  }
  const tensorFailed = !!result.tensor && !('error' in result.tensor) && !result.tensor.pass;
  return numericalFailure(result) || boundsFailed(result) || tensorFailed ? 3 : 0;
}

/** An experiment file: `experiment`, and `solve` / `report` so the generic commands work on any .regress file. */
function runExperimentFile(args: CliArgs, a: Analysis): number | Promise<number> {
  const settings = a.experiment?.settings;
  if (!settings) return 1;
  if (args.command === 'eval' || args.command === 'tensor' || args.command === 'check-bounds') {
    process.stderr.write(`${args.file}: ${args.command} applies to problem files; this is an experiment: run it with \`regress-lab experiment FILE\`\n`);
    return 1;
  }
  if (args.run !== undefined) {
    process.stderr.write(`${args.file}: --run selects a solve block; an experiment file has none\n`);
    return 2;
  }
  return experimentCommand(args, settings);
}

function evalCommand(args: CliArgs, a: Analysis): number {
  const p = a.problem!;
  let loss: number, gradient: number[] | number[][];
  try {
    ({ loss, gradient } = evaluate(p));
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    process.stderr.write(`${args.file}: ${e.message}\n`);
    return 3;
  }
  const data = problemData(p);
  const out = { problem: { kind: p.kind, variant: p.variant, n: p.n, d: p.d, reg: p.reg }, data, loss, gradient };
  if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    const g = (gradient as (number | number[])[]).flat();
    const gn = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    process.stdout.write(`${args.file}: ${p.kind} ${p.variant}, n = ${p.n}, d = ${p.d}\nloss at the initial point = ${num(loss)} (0.5·‖·‖²)\n‖∇L‖ = ${num(gn)}\n`);
  }
  return 0;
}

/** `tensor`: the tensor trick checked at the initial point (math spec §4.2–§4.5); exit 3 when a difference exceeds the tolerance. */
function tensorCommand(args: CliArgs, a: Analysis): number {
  const p = a.problem!;
  if (p.kind !== 'attention') {
    process.stderr.write(
      `${args.file}: the tensor check applies to attention problems (matrix form, X ∈ R^{d×d}, math spec §4.2); ` +
        `this is a softmax problem in vector form: softmax(A·x) already is a single regression in x, so there is no A1⊗A2 to build\n`,
    );
    return 1;
  }
  try {
    evaluate(p); // the same overflow / non-finite diagnosis as `eval`, before building anything
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    process.stderr.write(`${args.file}: ${e.message}\n`);
    return 3;
  }
  let r: TensorCheckResult;
  try {
    r = tensorCheck(p);
  } catch (e) {
    if (!(e instanceof TensorTooLarge)) throw e;
    process.stderr.write(`${args.file}: ${e.message}; the matrix form never builds it (use \`eval\` or \`solve\`)\n`);
    return 1;
  }
  if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${tensorTable(args.file, r)}\n`);
  return r.pass ? 0 : 3;
}

function tensorTable(file: string, r: TensorCheckResult): string {
  const { n, d, reg, variant } = r.problem;
  const s = r.sizes;
  const head = ['quantity', 'matrix form', 'vectorized', 'max abs diff', 'rel diff', 'diff/terms'];
  const cells = (label: string, c: TensorComparison, a = c.matrixMax, b = c.vectorizedMax) => [label, num(a), num(b), num(c.maxAbsDiff), num(c.relDiff), num(c.scaledDiff)];
  const point = (at: string, pt: TensorPoint) => [
    cells(`${at}: predictions 𝖠x vs S (max |·|)`, pt.predictions),
    cells(`${at}: loss`, pt.loss, pt.loss.matrix, pt.loss.vectorized),
    cells(`${at}: gradient (max |·|)`, pt.gradient),
  ];
  const rows = [...point('X0', r), ...point('probe', r.probe)];
  const t = r.timing;
  const ms = (v: number) => (v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  return [
    `${file}: attention ${variant}, n = ${n}, d = ${d}${reg ? `, reg = ${reg}` : ''}; 𝖠 = A1⊗A2 is ${group(s.rows)} × ${group(s.cols)} (${humanBytes(s.bytes)}), x = vec(X0) row-major`,
    ...table(head, rows),
    `probe: a seeded random X scaled so max |A1·X·A2ᵀ| = 1 (X0 = 0 makes 𝖠x = S = 0 for any 𝖠)`,
    `gradient time: matrix form ${ms(t.matrixGradMs)} ms, Kronecker form ${ms(t.kroneckerGradMs)} ms (mean of ${t.matrixRepeats} / ${t.kroneckerRepeats} runs; building 𝖠 took ${ms(t.buildMs)} ms)`,
    `diff/terms: the difference relative to the size of the terms summed, for values that cancel (a stationary point)`,
    r.pass
      ? `ok: every difference ≤ ${r.tolerance} relative to the value or to its terms`
      : `FAILED: a difference exceeds ${r.tolerance} relative to both the value and its terms`,
  ].join('\n');
}

function checkBoundsCommand(args: CliArgs, a: Analysis): number {
  const iterates = new Map<number, number[][]>();
  const result = solve(args, a, { bounds: true, tensor: false }, iterates);
  if (!result) return 1;
  const p = a.problem!;
  if (args.json) process.stdout.write(`${JSON.stringify(boundsJson(p, result, iterates))}\n`);
  else process.stdout.write(`${summaryTable(result)}\n${boundsText(result)}\n`);
  return boundsFailed(result) || numericalFailure(result) ? 3 : 0;
}

function numericalFailure(r: SolveResult): boolean {
  return r.runs.some((x) => x.final.stopReason === 'nonFinite' || x.final.stopReason === 'overflow' || x.final.stopReason === 'error' || x.final.stopReason === 'diverged');
}

/** The runs and then the checks after them, as the editor's solver worker does (server/src/solver/checks.ts). */
function solve(args: CliArgs, a: Analysis, checks: Checks, iterates?: Map<number, number[][]>): SolveResult | undefined {
  const specs = args.run === undefined ? a.solves : a.solves.filter((s) => s.index === args.run! - 1);
  if (specs.length === 0) {
    process.stderr.write(args.run === undefined ? `${args.file}: no solve block to run\n` : `${args.file}: there is no valid solve block #${args.run}\n`);
    return undefined;
  }
  const p = a.problem!;
  const progress = process.stderr.isTTY && !args.quiet ? new TtyProgress() : undefined;
  const runs = specs.map((spec) =>
    runSolve(p, spec, {
      onPoint: (pt) => progress?.show(`#${spec.index + 1} ${spec.method} k=${pt.k}/${spec.options.steps} loss=${num(pt.loss)}`),
      cancelled: () => false,
      allPoints: args.allPoints,
      bounds: checks.bounds,
      // The iterates of the checked steps only (the bound check stops after BOUND_STEP_LIMIT steps).
      onIterate: iterates && ((k, x) => (k === 0 ? iterates.set(spec.index, [Array.from(x)]) : k <= BOUND_STEP_LIMIT && iterates.get(spec.index)!.push(Array.from(x)))),
    }),
  );
  progress?.clear();
  return { runId: `cli-${Date.now().toString(36)}`, source: args.file, problem: { kind: p.kind, variant: p.variant, n: p.n, d: p.d, reg: p.reg }, runs, ...checksAfterRuns(p, runs, checks) };
}

/** A single self-overwriting progress line on stderr, at most 10 updates a second. */
class TtyProgress {
  private last = 0;
  show(text: string) {
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    process.stderr.write(`\r\x1b[K${text}`);
  }
  clear() {
    process.stderr.write('\r\x1b[K');
  }
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
