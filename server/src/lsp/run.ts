/**
 * The `regress/run` request, for every kind of run: analyse the document, let the kind's entry (runKinds.ts) refuse it
 * or say what to run, announce the run and stream its progress as `regress/runEvent` notifications, and answer with
 * its result. Cancelling the request cancels the run; the answer is then what ran (stop reason 'cancelled'), so the
 * user keeps it. Each run's start, end, cancel and failure go to the server log.
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { RunErrorCodes } from '../../../protocol/lsp';
import type { RunKind, RunParams, RunResponse, ServerRunEvent } from '../../../protocol/runs';
import { duration } from '../../../common/format';
import { runTitle } from '../../../common/runTitle';
import { startRun } from '../jobs/run';
import { WorkerFailure, type JobScheduler } from '../jobs/scheduler';
import type { Analyses } from './analyses';
import type { LastBounds } from './boundsHover';
import { onCancel, unlessCancelled } from './cancel';
import { analysisFor } from './requestAnalysis';
import { LSP_RUN_KINDS } from './runKinds';

export interface RunDeps {
  connection: Connection;
  /** Sends a `regress/runEvent` notification. */
  notify(event: ServerRunEvent): void;
  documents: TextDocuments<TextDocument>;
  analyses: Analyses;
  scheduler: JobScheduler;
  lastBounds: LastBounds;
  /** The runIds of the requests not yet answered: the client tells runs apart by their id, so no two may share one. */
  active: Set<string>;
}

export async function handleRun(params: RunParams, token: CancellationToken, deps: RunDeps): Promise<RunResponse> {
  const { runId } = params;
  if (deps.active.has(runId))
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `runId ${runId} is already in use by a run that has not ended: give each run its own id`,
    );
  deps.active.add(runId);
  try {
    return await run(params.kind, params, token, deps);
  } finally {
    deps.active.delete(runId);
  }
}

async function run<K extends RunKind>(kind: K, params: RunParams<K>, token: CancellationToken, deps: RunDeps): Promise<RunResponse<K>> {
  const entry = LSP_RUN_KINDS[kind];
  const { connection } = deps;
  const log = connection.console;
  const { runId } = params;
  const uri = params.textDocument.uri;
  const title = runTitle(uri, kind, entry.block?.(params));
  const name = `${kind} ${runId} (${title})`;
  const version = deps.documents.get(uri)?.version ?? -1;

  let input;
  try {
    input = entry.input(await unlessCancelled(analysisFor(uri, deps.documents, deps.analyses), token), params);
  } catch (e) {
    const cancelled = e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled;
    if (cancelled) log.info(`${name}: cancelled before it started`);
    else log.warn(`${name} refused: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }

  const startedAt = Date.now();
  log.info(`${name} started`);
  const job = startRun(deps.scheduler, kind, input, { runId, uri, title }, (event) => deps.notify(event));
  const sub = onCancel(token, () => {
    log.info(`${name}: cancel requested`);
    job.cancel();
  });
  try {
    const result = await job.done;
    log.info(`${name} ended after ${duration(Date.now() - startedAt)}: ${entry.outcome(result)}`);
    entry.keep?.(result, { uri, version }, deps.lastBounds);
    return { kind, result };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(`${name} failed after ${duration(Date.now() - startedAt)}: ${message}`);
    if (e instanceof WorkerFailure) throw new ResponseError(RunErrorCodes.workerFailed, message);
    throw e;
  } finally {
    sub.dispose();
  }
}
