/**
 * The `regress/experiment` request: validate the experiment file, announce the run, stream each repeat's start and
 * checkpoints, answer with the full IclResult. Cancelling the request cancels the job; the partial result (stopReason
 * 'cancelled') is still returned, as for solves.
 */
import { ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IclResult } from '../../../protocol/experiment';
import { Methods, SolveErrorCodes, type ExperimentParams, type ExperimentProgressParams, type ExperimentStartedParams } from '../../../protocol/lsp';
import { WorkerFailure, type JobScheduler } from '../jobs/scheduler';
import { onCancel, unlessCancelled } from './cancel';
import type { Analyses } from './analyses';
import { analysisFor, refuseErrors } from './requestAnalysis';

export async function handleExperiment(
  params: ExperimentParams,
  token: CancellationToken,
  deps: { connection: Connection; documents: TextDocuments<TextDocument>; analyses: Analyses; scheduler: JobScheduler },
): Promise<IclResult> {
  const { connection, scheduler } = deps;
  const uri = params.textDocument.uri;
  const analysis = await unlessCancelled(analysisFor(uri, deps.documents, deps.analyses), token);
  if (!analysis.experiment && analysis.tree.statements.some((s) => s.type === 'problem')) {
    throw new ResponseError(SolveErrorCodes.wrongKind, 'This is a problem file, not an experiment: solve it with Attention Regression: Solve (▶ Solve)');
  }
  const settings = analysis.experiment?.settings;
  refuseErrors(analysis, 'experiment', settings);
  const started: ExperimentStartedParams = { runId: params.runId, uri, settings };
  await connection.sendNotification(Methods.experimentStarted, started);

  const job = scheduler.submitExperiment(settings, {
    onProgress(progress) {
      const p: ExperimentProgressParams = { runId: params.runId, ...progress };
      void connection.sendNotification(Methods.experimentProgress, p);
    },
  });
  const sub = onCancel(token, () => job.cancel());
  try {
    return { runId: params.runId, source: uri, ...(await job.done) };
  } catch (e) {
    if (e instanceof WorkerFailure) throw new ResponseError(SolveErrorCodes.workerFailed, e.message);
    throw e;
  } finally {
    sub.dispose();
  }
}
