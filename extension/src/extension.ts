/**
 * Entry point: starts the language client, registers commands, the status bar and the results panel, and
 * returns the API used by other extensions and by the in-host tests.
 */
import * as vscode from 'vscode';
import { ResponseError, State, type LanguageClient } from 'vscode-languageclient/node';
import { SolveErrorCodes } from '../../protocol/lsp';
import type { ClientState, RegressLabApi } from './api';
import { createClient, experimentProgress, experimentStarted, runFinished, serverStatus, solveProgress, solveStarted } from './client';
import { Experiments } from './experiments';
import { ResultsPanel } from './panel';
import { Runs } from './runs';
import { Solves } from './solves';
import { StatusItem } from './status';
import { NEW_PROBLEM_TEMPLATE } from './template';
import { TrustGate } from './trust';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<RegressLabApi> {
  const log = vscode.window.createOutputChannel('Attention Regression Lab', { log: true });
  const status = new StatusItem();
  let state: ClientState = 'starting';
  const panel = new ResultsPanel(
    context.extensionUri,
    (m) => {
      if (m.type === 'cancel') runs.cancel(m.runId);
      else if (m.type === 'log') log[m.level](`panel: ${m.message}`);
    },
    log,
  );
  const runs = new Runs(panel, log);
  const solves = new Solves(() => client!, runs, panel);
  const experiments = new Experiments(() => client!, runs, panel);
  context.subscriptions.push(log, status, panel);

  /** Whether the running client was started in a trusted workspace (the server reads the flag once, at initialize). */
  let clientTrusted = false;
  const start = async () => {
    clientTrusted = vscode.workspace.isTrusted;
    status.clientReplaced();
    const c = createClient(context, log, { trusted: clientTrusted, onServerStopped: (restarting) => status.serverStopped(restarting) });
    client = c;
    c.onDidChangeState((e) => {
      state = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
      status.setClientState(state);
    });
    c.onNotification(solveStarted, (p) => solves.onStarted(p));
    c.onNotification(solveProgress, (p) => solves.onProgress(p));
    c.onNotification(experimentStarted, (p) => experiments.onStarted(p));
    c.onNotification(experimentProgress, (p) => experiments.onProgress(p));
    c.onNotification(runFinished, (p) => {
      if (p.message) log.info(`run ${p.runId} block ${p.runIndex + 1}: ${p.stopReason} — ${p.message}`);
    });
    c.onNotification(serverStatus, (p) => status.setServerStatus(p));
    await c.start();
  };
  const restart = async () => {
    const old = client;
    // stop() throws unless the client runs: let a start under way (e.g. after a crash) end first; a failed one left
    // nothing to stop.
    if (old?.state === State.Starting) await old.start().catch(() => undefined);
    if (old?.isRunning()) await old.stop();
    await start();
  };
  const trust = new TrustGate({
    isTrusted: () => vscode.workspace.isTrusted,
    clientTrusted: () => clientTrusted,
    restartClient: restart,
    askForTrust: async (what) => {
      const manage = 'Manage Workspace Trust';
      const detail =
        'A .regress file can make the solver read data files (CSV, NPY) and compute for a long time, so nothing runs in Restricted Mode; diagnostics and hovers on the open file still work. Trust this folder, then run again.';
      if ((await vscode.window.showInformationMessage(`${what} needs a trusted workspace.`, { modal: true, detail }, manage)) === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    },
  });
  // Runs show their own failures; a command that rejected would make VS Code show it again (a second toast, or a
  // modal from the palette), so commands resolve to undefined then. The API still rejects.
  const quiet = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (e) {
      if (runs.wasReported(e)) return undefined;
      throw e;
    }
  };

  // Commands get (uri, solveIndex) from a CodeLens, a Uri from the editor title menu, nothing from the palette.
  const targetUri = (target?: vscode.Uri | string) => (typeof target === 'string' ? vscode.Uri.parse(target) : (target ?? vscode.window.activeTextEditor?.document.uri));
  const command = (bounds: boolean) => async (target?: vscode.Uri | string, solveIndex?: number) => {
    const uri = targetUri(target);
    if (!uri) {
      void vscode.window.showInformationMessage(`Open a .regress file to ${bounds ? 'check its bounds' : 'solve it'}.`);
      return undefined;
    }
    if (!(await trust.allow(bounds ? 'Checking bounds' : 'Solving'))) return undefined;
    const index = typeof solveIndex === 'number' ? solveIndex : undefined;
    if (bounds) return quiet(() => solves.solve(uri, index, { bounds }));
    return quiet(async () => {
      try {
        return await solves.solve(uri, index, { passWrongKind: true });
      } catch (e) {
        // Solve (and its key binding) on an experiment file runs the experiment. The server's wrongKind refusal decides,
        // not a look at the text here: only the server parses the language, and it refuses before starting anything.
        if (e instanceof ResponseError && e.code === SolveErrorCodes.wrongKind) return experiments.run(uri);
        throw e;
      }
    });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('regressLab.solve', command(false)),
    vscode.commands.registerCommand('regressLab.checkBounds', command(true)),
    vscode.commands.registerCommand('regressLab.runExperiment', async (target?: vscode.Uri | string) => {
      const uri = targetUri(target);
      if (!uri) {
        void vscode.window.showInformationMessage('Open a .regress experiment file to run it.');
        return undefined;
      }
      if (!(await trust.allow('Running the experiment'))) return undefined;
      return quiet(() => experiments.run(uri));
    }),
    vscode.commands.registerCommand('regressLab.newProblem', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'regress', content: NEW_PROBLEM_TEMPLATE });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('regressLab.showResults', () => panel.reveal()),
    vscode.commands.registerCommand('regressLab.showLogs', () => log.show()),
    vscode.commands.registerCommand('regressLab.restartServer', restart),
    vscode.workspace.onDidGrantWorkspaceTrust(() => trust.granted().catch((e) => log.error(`restarting the language server with trust failed: ${e instanceof Error ? e.message : String(e)}`))),
    { dispose: () => void client?.stop() },
  );

  await start();
  return {
    clientState: () => state,
    solve: (uri, solveIndex, options) => solves.solve(uri, solveIndex, options),
    runExperiment: (uri) => experiments.run(uri),
    panelStatus: async (runId) => runs.status(runId),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
