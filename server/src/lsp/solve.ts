/**
 * The `regress/solve` request: validate the document, announce the runs, stream their points, answer with the
 * full result. Cancellation of the request cancels the job; the partial result (stopReason 'cancelled') is still
 * returned so the user keeps what ran. Bounds are checked when the request asks (▶ Check bounds) or the file has
 * `check bounds`; the tensor trick when it has `check tensor`.
 */
import { ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, SolveErrorCodes, type SolveParams, type SolveProgressParams, type SolveStartedParams, type RunFinishedParams } from '../../../protocol/lsp';
import type { SolveResult } from '../../../protocol/results';
import { WorkerFailure, type JobScheduler } from '../jobs/scheduler';
import { onCancel, unlessCancelled } from './cancel';
import type { Analyses } from './analyses';
import type { LastBounds } from './boundsHover';
import { analysisFor, refuseErrors } from './requestAnalysis';
import { requestedChecks } from '../solver/checks';

export async function handleSolve(
  params: SolveParams,
  token: CancellationToken,
  deps: { connection: Connection; documents: TextDocuments<TextDocument>; analyses: Analyses; scheduler: JobScheduler; lastBounds: LastBounds },
): Promise<SolveResult> {
  const { connection, scheduler } = deps;
  const uri = params.textDocument.uri;
  const doc = deps.documents.get(uri);
  const analysis = await unlessCancelled(analysisFor(uri, deps.documents, deps.analyses), token);
  // Before the errors: a client that sent Solve for an experiment file learns to run the experiment instead.
  if (analysis.experiment) throw new ResponseError(SolveErrorCodes.wrongKind, 'This is an experiment file: run it with Attention Regression: Run Experiment (▶ Run experiment)');
  refuseErrors(analysis, 'problem', analysis.problem);
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
  const job = scheduler.submitSolve(problem, specs, checks, {
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
  const sub = onCancel(token, () => job.cancel());
  try {
    const result: SolveResult = { runId: params.runId, source: uri, problem: summary, ...(await job.done) };
    if (token.isCancellationRequested) result.cancelled = true;
    deps.lastBounds.record(uri, doc?.version ?? -1, result);
    return result;
  } catch (e) {
    if (e instanceof WorkerFailure) throw new ResponseError(SolveErrorCodes.workerFailed, e.message);
    throw e;
  } finally {
    sub.dispose();
  }
}
