/**
 * The `regress/solve` request: validate the document, announce the runs, stream their points, answer with the
 * full result. Cancellation of the request cancels the job; the partial result (stopReason 'cancelled') is still
 * returned so the user keeps what ran. Bounds are checked when the request asks (▶ Check bounds) or the file has
 * `check bounds`; the tensor trick when it has `check tensor`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, SolveErrorCodes, type SolveParams, type SolveProgressParams, type SolveStartedParams, type RunFinishedParams } from '../../../protocol/lsp';
import type { SolveResult } from '../../../protocol/results';
import { analyze, type Analysis } from '../language/analyze';
import { WorkerFailure, type SolveScheduler } from '../jobs/scheduler';
import type { Analyses } from './analyses';
import type { LastBounds } from './boundsHover';
import { requestedChecks } from '../solver/checks';

export async function handleSolve(
  params: SolveParams,
  token: CancellationToken,
  deps: { connection: Connection; documents: TextDocuments<TextDocument>; analyses: Analyses; scheduler: SolveScheduler; lastBounds: LastBounds },
): Promise<SolveResult> {
  const { connection, scheduler } = deps;
  const uri = params.textDocument.uri;
  const doc = deps.documents.get(uri);
  const analysis: Analysis = doc ? deps.analyses.get(doc) : analyze(await readClosed(uri), deps.analyses.files(uri));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !analysis.problem) {
    const list = errors.slice(0, 5).map((d) => `${d.span.start.line + 1}:${d.span.start.col + 1}: ${d.message}`);
    throw new ResponseError(SolveErrorCodes.invalidDocument, `The problem has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${list.join('\n')}`);
  }
  const specs = params.solveIndex === undefined ? analysis.solves : analysis.solves.filter((s) => s.index === params.solveIndex);
  if (specs.length === 0) {
    const message = params.solveIndex === undefined ? 'The file has no solve block: add e.g. `solve gd lr = 0.5`' : `There is no valid solve block #${params.solveIndex + 1}`;
    throw new ResponseError(SolveErrorCodes.noSuchSolve, message);
  }
  const problem = analysis.problem;
  const summary = { kind: problem.kind, variant: problem.variant, n: problem.n, d: problem.d, reg: problem.reg };
  const started: SolveStartedParams = { runId: params.runId, uri, problem: summary, runs: specs };
  await connection.sendNotification(Methods.solveStarted, started);

  const checks = requestedChecks(analysis.checks, problem, params.bounds === true);
  const job = scheduler.submit(problem, specs, checks, {
    onPoints(runIndex, points) {
      const maxSteps = specs.find((s) => s.index === runIndex)?.options.steps ?? 0;
      const p: SolveProgressParams = { runId: params.runId, runIndex, points, maxSteps };
      void connection.sendNotification(Methods.solveProgress, p);
    },
    onRunDone(result) {
      const p: RunFinishedParams = { runId: params.runId, runIndex: result.index, stopReason: result.final.stopReason, message: result.final.message };
      void connection.sendNotification(Methods.runFinished, p);
    },
  });
  const sub = token.onCancellationRequested(() => job.cancel());
  try {
    const result: SolveResult = { runId: params.runId, source: uri, problem: summary, ...(await job.done) };
    deps.lastBounds.record(uri, doc?.version ?? -1, result);
    return result;
  } catch (e) {
    if (e instanceof WorkerFailure) throw new ResponseError(SolveErrorCodes.workerFailed, e.message);
    throw e;
  } finally {
    sub.dispose();
  }
}

async function readClosed(uri: string): Promise<string> {
  if (!uri.startsWith('file:')) throw new ResponseError(SolveErrorCodes.invalidDocument, `Cannot read ${uri}: open it in the editor first`);
  return readFile(fileURLToPath(uri), 'utf8');
}
