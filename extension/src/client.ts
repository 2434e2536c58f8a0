/**
 * Starts the language server from the bundle: one LanguageClient per start, with the file watcher it owns; both are
 * released together when the client is replaced (restart command, trust granted) or the extension deactivates.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SETTINGS_SECTION, Settings } from '../../protocol/names';
import { firstLine } from './errorText';

/**
 * Restarts of the server after its process stopped unexpectedly (crash, out of memory, killed); a further stop within
 * three minutes of the first of them ends the client. vscode-languageclient's default, stated so the bound is ours.
 */
export const MAX_RESTARTS = 4;

export interface ClientOptions {
  /** Workspace Trust when the client starts: an untrusted server reads no data files and refuses runs. */
  trusted: boolean;
  /** The server's own log (window/logMessage, stderr) and the LSP trace, each its own channel, kept across restarts. */
  serverLog: vscode.LogOutputChannel;
  trace: vscode.LogOutputChannel;
  /** The server process stopped unexpectedly; `restarting` unless the client gave up. */
  onServerStopped(restarting: boolean): void;
}

/** A started (or starting) client and what it owns. */
export interface ServerClient {
  readonly client: LanguageClient;
  /** Stops the server if it runs, and releases the client and its watcher. */
  dispose(): Promise<void>;
}

/**
 * The library shows some of its errors itself, with the stack of the error in the notification; here the server's log
 * keeps all of it and the notification shows the message and the error's first line.
 */
class RegressLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, false);
    // `true` means "if revealOutputChannelOn allows", which is Never here; 'force' is for the client's own failures.
    if (showNotification !== 'force') return;
    const detail = data instanceof Error ? `: ${firstLine(data.message)}` : '';
    void vscode.window.showErrorMessage(`${firstLine(message)}${detail}`, 'Show Server Log').then((c) => {
      if (c) this.outputChannel.show(true);
    });
  }
}

export function createClient(context: vscode.ExtensionContext, options: ClientOptions): ServerClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  // Read at each start: the server takes these at initialize (settings.ts says which it also applies live).
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  // Data files a .regress file loads: their diagnostics follow edits made outside the .regress file.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{csv,tsv,txt,npy}');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'regress' }],
    outputChannel: options.serverLog,
    traceOutputChannel: options.trace,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: {
      trusted: options.trusted,
      maxConcurrentRuns: config.get<number>(Settings.maxConcurrentRuns),
      diagnosticsDelayMs: config.get<number>(Settings.diagnosticsDelayMs),
    },
    synchronize: { configurationSection: SETTINGS_SECTION, fileEvents: watcher },
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
  // The id is the settings section: the client reads `<id>.trace.server` (Settings.traceServer) itself.
  const client = new RegressLanguageClient(SETTINGS_SECTION, 'Regress Language Server', serverOptions, clientOptions);
  const policy: ErrorHandler = client.createDefaultErrorHandler(MAX_RESTARTS);
  return {
    client,
    dispose: async () => {
      try {
        // stop() throws unless the client runs: let a start under way (e.g. after a crash) end first; a failed one
        // left nothing to stop.
        if (client.state === State.Starting) await client.start().catch(() => undefined);
        if (client.isRunning()) await client.dispose();
      } finally {
        watcher.dispose();
      }
    },
  };
}
