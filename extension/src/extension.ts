/**
 * Entry point: reads the results history, starts the language client, registers commands, the status bar and the
 * results panel (with the serializer that brings it back after a window reload), and returns the API used by other
 * extensions and by the in-host tests.
 */
import * as vscode from 'vscode';
import { ResponseError, State } from 'vscode-languageclient/node';
import { Notifications, RunErrorCodes, type WrongKindData } from '../../protocol/lsp';
import { Commands, RESULTS_VIEW_TYPE } from '../../protocol/names';
import type { ClientState, RegressLabApi } from './api';
import { createClient, type ServerClient } from './client';
import { firstLine } from './errorText';
import { ResultsExporter } from './export';
import { RunHistory } from './history';
import { historyFileName, HistoryStore } from './historyStore';
import { notificationType } from './lspTypes';
import { ResultsPanel } from './panel';
import { RunRelay } from './runs';
import { changedNeedingRestart } from './settings';
import { StatusItem } from './status';
import { storageFs } from './storageFs';
import { NEW_PROBLEM_TEMPLATE } from './template';
import { TrustGate } from './trust';

let current: ServerClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<RegressLabApi> {
  // Three channels: the extension's own log, the server's log, and the LSP trace (shown when its level is Trace).
  const log = vscode.window.createOutputChannel('Attention Regression Lab', { log: true });
  const serverLog = vscode.window.createOutputChannel('Regress Language Server', { log: true });
  const trace = vscode.window.createOutputChannel('Regress Language Server Trace', { log: true });
  const status = new StatusItem();
  let state: ClientState = 'starting';
  // The history of this workspace (of the window, when no folder is open); reading it never fails activation.
  const history = new RunHistory();
  const workspace =
    vscode.workspace.workspaceFile?.toString() ?? vscode.workspace.workspaceFolders?.map((f) => f.uri.toString()).join('\n');
  const store = new HistoryStore(storageFs(context.globalStorageUri), historyFileName(workspace), {
    info: (m) => void vscode.window.showInformationMessage(m),
    error: (m) => log.error(m),
  });
  const panel = new ResultsPanel(
    context.extensionUri,
    history,
    {
      onMessage: (m) => {
        if (m.type === 'cancel') relay.cancel(m.runId);
        else log[m.level](`panel: ${m.message}`);
      },
      onRunEnded: () => void store.save(history.serialize(new Date())),
      onVisibility: (visible) => status.setPanelVisible(visible),
      onExport: (m) => void exporter.saveFromPanel(m),
    },
    log,
  );
  const exporter = new ResultsExporter(context.extensionUri, history, () => panel, log);
  const relay = new RunRelay(
    () => current!.client,
    panel,
    log,
    (runs) => status.setRuns(runs),
  );
  context.subscriptions.push(log, serverLog, trace, status, panel);
  // Before any run or panel, so both see the saved runs; the serializer waits for them too.
  const loaded = store.load().then((runs) => history.restore(runs));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (restored) => {
        await loaded;
        panel.restore(restored);
      },
    }),
  );
  await loaded;

  /** Whether the running client was started in a trusted workspace (the server reads the flag once, at initialize). */
  let clientTrusted = false;
  const start = async () => {
    clientTrusted = vscode.workspace.isTrusted;
    status.clientReplaced();
    const s = createClient(context, {
      trusted: clientTrusted,
      serverLog,
      trace,
      onServerStopped: (restarting) => status.serverStopped(restarting),
    });
    current = s;
    const c = s.client;
    c.onDidChangeState((e) => {
      state = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
      status.setClientState(state);
    });
    c.onNotification(notificationType(Notifications.runEvent), (e) => relay.onEvent(e));
    c.onNotification(notificationType(Notifications.serverStatus), (p) => status.setServerStatus(p));
    await c.start();
  };
  const restart = async () => {
    await current?.dispose();
    await start();
  };
  /** Logs an error in full and shows its first line (a stack belongs in the log, not in a notification). */
  const report = (what: string, e: unknown) => {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    log.error(`${what}: ${message}`);
    void vscode.window.showErrorMessage(`${what}: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  };
  const safeRestart = () => restart().catch((e) => report('Restarting the language server failed', e));
  const trust = new TrustGate({
    isTrusted: () => vscode.workspace.isTrusted,
    clientTrusted: () => clientTrusted,
    restartClient: restart,
    askForTrust: async (what) => {
      const manage = 'Manage Workspace Trust';
      const detail =
        'A .regress file can make the solver read data files (CSV, NPY) and compute for a long time, so nothing runs in Restricted Mode; diagnostics and hovers on the open file still work. Trust this folder, then run again.';
      if ((await vscode.window.showInformationMessage(`${what} needs a trusted workspace.`, { modal: true, detail }, manage)) === manage)
        await vscode.commands.executeCommand('workbench.trust.manage');
    },
  });
  /**
   * A command's run: commands never reject, because VS Code shows a rejected command's error again (a modal from the
   * palette, a toast from a key binding) beside the run's own message. An error the relay did not show is shown here.
   */
  const fromCommand = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (e) {
      if (!relay.wasShown(e)) report(what, e);
      return undefined;
    }
  };

  // Commands get (uri, solveIndex) from a CodeLens, a Uri from the editor title menu, nothing from the palette.
  const targetUri = (target?: vscode.Uri | string) =>
    typeof target === 'string' ? vscode.Uri.parse(target) : (target ?? vscode.window.activeTextEditor?.document.uri);
  const solveCommand = (bounds: boolean) => (target?: vscode.Uri | string, solveIndex?: number) =>
    fromCommand(bounds ? 'Check Bounds failed' : 'Solve failed', async () => {
      const uri = targetUri(target);
      if (!uri) {
        void vscode.window.showInformationMessage(`Open a .regress file to ${bounds ? 'check its bounds' : 'solve it'}.`);
        return undefined;
      }
      if (!(await trust.allow(bounds ? 'Checking bounds' : 'Solving'))) return undefined;
      const options = { ...(typeof solveIndex === 'number' ? { solveIndex } : {}), ...(bounds ? { bounds } : {}) };
      if (bounds) return relay.run({ kind: 'solve', uri, options });
      // Solve (and its key binding) on an experiment file runs the experiment, or its sweep.
      return runOrRedirect(relay.run({ kind: 'solve', uri, options, passWrongKind: true }), uri);
    });
  /**
   * A run, or when the server refuses it as the wrong kind (its error's data names the kind the file needs), that kind
   * of experiment run instead. The server's refusal decides, not a look at the text here: only the server parses the
   * language, and it refuses before starting anything. A problem file stays refused (Run Experiment does not solve).
   */
  const runOrRedirect = async <T>(run: Promise<T>, uri: vscode.Uri) => {
    try {
      return await run;
    } catch (e) {
      const kind =
        e instanceof ResponseError && e.code === RunErrorCodes.wrongKind ? (e.data as WrongKindData | undefined)?.kind : undefined;
      if (kind === 'experiment' || kind === 'sweep') return relay.run({ kind, uri, options: {} });
      throw e;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.solve, solveCommand(false)),
    vscode.commands.registerCommand(Commands.checkBounds, solveCommand(true)),
    // The CodeLens of a sweep file passes 'sweep'; otherwise a sweep file's wrongKind refusal redirects to its sweep.
    vscode.commands.registerCommand(Commands.runExperiment, (target?: vscode.Uri | string, kind?: 'experiment' | 'sweep') =>
      fromCommand('Run Experiment failed', async () => {
        const uri = targetUri(target);
        if (!uri) {
          void vscode.window.showInformationMessage('Open a .regress experiment file to run it.');
          return undefined;
        }
        if (!(await trust.allow('Running the experiment'))) return undefined;
        return runOrRedirect(relay.run({ kind: kind === 'sweep' ? 'sweep' : 'experiment', uri, options: {}, passWrongKind: true }), uri);
      }),
    ),
    vscode.commands.registerCommand(Commands.newProblem, async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'regress', content: NEW_PROBLEM_TEMPLATE });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand(Commands.showResults, () => panel.reveal()),
    vscode.commands.registerCommand(Commands.clearHistory, async () => {
      panel.clear();
      await store.clear();
    }),
    vscode.commands.registerCommand(Commands.showLogs, () => log.show()),
    // A Uri argument (a key binding's, a test's) saves there without asking; the editor title button passes none.
    vscode.commands.registerCommand(Commands.exportResults, (target?: unknown) =>
      exporter.exportResults(target instanceof vscode.Uri ? target : undefined),
    ),
    vscode.commands.registerCommand(Commands.exportPart, (context: unknown, target?: unknown) =>
      exporter.exportPart(context, target instanceof vscode.Uri ? target : undefined),
    ),
    vscode.commands.registerCommand(Commands.restartServer, safeRestart),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      const keys = changedNeedingRestart((key) => e.affectsConfiguration(key));
      if (
        keys.length &&
        (await vscode.window.showInformationMessage(
          `${keys.join(', ')}: takes effect when the language server restarts.`,
          'Restart server',
        ))
      )
        await safeRestart();
    }),
    // A run waiting for this restart shows its failure; the event itself only logs it.
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      trust
        .granted()
        .catch((e) =>
          log.error(`restarting the language server with trust failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
        ),
    ),
    { dispose: () => void current?.dispose() },
  );

  await start();
  return {
    clientState: () => state,
    solve: (uri, solveIndex, options = {}) =>
      relay.run({
        kind: 'solve',
        uri,
        options: { ...(solveIndex === undefined ? {} : { solveIndex }), ...(options.bounds ? { bounds: true } : {}) },
        token: options.token,
      }),
    runExperiment: (uri, options = {}) => relay.run({ kind: 'experiment', uri, options: {}, token: options.token }),
    panelStatus: async (runId) => relay.status(runId),
    panelSnapshot: () => panel.snapshot(),
  };
}

export async function deactivate(): Promise<void> {
  await current?.dispose();
  current = undefined;
}
