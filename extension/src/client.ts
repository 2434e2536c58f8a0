/** Starts the language server from the bundle and exposes typed wrappers of the custom protocol. */
import * as vscode from 'vscode';
import { CloseAction, LanguageClient, NotificationType, RequestType, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { IclResult } from '../../protocol/experiment';
import {
  Methods,
  type ExperimentParams,
  type ExperimentProgressParams,
  type ExperimentStartedParams,
  type RunFinishedParams,
  type ServerStatusParams,
  type SolveParams,
  type SolveProgressParams,
  type SolveStartedParams,
} from '../../protocol/lsp';
import type { SolveResult } from '../../protocol/results';

export const solveRequest = new RequestType<SolveParams, SolveResult, void>(Methods.solve);
export const solveStarted = new NotificationType<SolveStartedParams>(Methods.solveStarted);
export const solveProgress = new NotificationType<SolveProgressParams>(Methods.solveProgress);
export const runFinished = new NotificationType<RunFinishedParams>(Methods.runFinished);
export const serverStatus = new NotificationType<ServerStatusParams>(Methods.serverStatus);
export const experimentRequest = new RequestType<ExperimentParams, IclResult, void>(Methods.experiment);
export const experimentStarted = new NotificationType<ExperimentStartedParams>(Methods.experimentStarted);
export const experimentProgress = new NotificationType<ExperimentProgressParams>(Methods.experimentProgress);

/**
 * Restarts of the server after its process stopped unexpectedly (crash, out of memory, killed); a further stop within
 * three minutes of the first of them ends the client. vscode-languageclient's default, stated so the bound is ours.
 */
export const MAX_RESTARTS = 4;

export interface ClientOptions {
  /** Workspace Trust when the client starts: an untrusted server reads no data files and refuses runs. */
  trusted: boolean;
  /** The server process stopped unexpectedly; `restarting` unless the client gave up. */
  onServerStopped(restarting: boolean): void;
}

export function createClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, options: ClientOptions): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const config = vscode.workspace.getConfiguration('regressLab');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'regress' }],
    outputChannel: log,
    initializationOptions: {
      trusted: options.trusted,
      maxConcurrentRuns: config.get<number>('solver.maxConcurrentRuns', 1),
      diagnosticsDelayMs: config.get<number>('diagnostics.delayMs', 200),
    },
    synchronize: { configurationSection: 'regressLab', fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{csv,tsv,txt,npy}') },
    // The library's policy, bounded by MAX_RESTARTS, with the outcome of each stop reported for the status bar.
    errorHandler: {
      error: (error, message, count) => policy.error(error, message, count),
      closed: async () => {
        const result = await policy.closed();
        options.onServerStopped(result.action === CloseAction.Restart);
        return result;
      },
    },
  };
  const client = new LanguageClient('regressLab', 'Attention Regression Lab', serverOptions, clientOptions);
  const policy: ErrorHandler = client.createDefaultErrorHandler(MAX_RESTARTS);
  return client;
}
