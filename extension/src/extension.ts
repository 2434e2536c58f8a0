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

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<RegressLabApi> {
  const log = vscode.window.createOutputChannel('Attention Regression Lab', { log: true });
  const status = new StatusItem();
  let state: ClientState = 'starting';
  const panel = new ResultsPanel(context.extensionUri, (m) => {
    if (m.type === 'cancel') runs.cancel(m.runId);
    else if (m.type === 'log') log[m.level](`panel: ${m.message}`);
  });
  const runs = new Runs(panel, log);
  const solves = new Solves(() => client!, runs, panel);
  const experiments = new Experiments(() => client!, runs, panel);
  context.subscriptions.push(log, status, panel);

  const start = async () => {
    const c = createClient(context, log);
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

  // Commands get (uri, solveIndex) from a CodeLens, a Uri from the editor title menu, nothing from the palette.
  const targetUri = (target?: vscode.Uri | string) => (typeof target === 'string' ? vscode.Uri.parse(target) : (target ?? vscode.window.activeTextEditor?.document.uri));
  const command = (bounds: boolean) => async (target?: vscode.Uri | string, solveIndex?: number) => {
    const uri = targetUri(target);
    if (!uri) {
      void vscode.window.showInformationMessage(`Open a .regress file to ${bounds ? 'check its bounds' : 'solve it'}.`);
      return undefined;
    }
    const index = typeof solveIndex === 'number' ? solveIndex : undefined;
    if (bounds) return solves.solve(uri, index, { bounds });
    try {
      return await solves.solve(uri, index, { passWrongKind: true });
    } catch (e) {
      // Solve (and its key binding) on an experiment file runs the experiment. The server's wrongKind refusal decides,
      // not a look at the text here: only the server parses the language, and it refuses before starting anything.
      if (e instanceof ResponseError && e.code === SolveErrorCodes.wrongKind) return experiments.run(uri);
      throw e;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('regressLab.solve', command(false)),
    vscode.commands.registerCommand('regressLab.checkBounds', command(true)),
    vscode.commands.registerCommand('regressLab.runExperiment', (target?: vscode.Uri | string) => {
      const uri = targetUri(target);
      if (!uri) {
        void vscode.window.showInformationMessage('Open a .regress experiment file to run it.');
        return undefined;
      }
      return experiments.run(uri);
    }),
    vscode.commands.registerCommand('regressLab.newProblem', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'regress', content: NEW_PROBLEM_TEMPLATE });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('regressLab.showResults', () => panel.reveal()),
    vscode.commands.registerCommand('regressLab.showLogs', () => log.show()),
    vscode.commands.registerCommand('regressLab.restartServer', async () => {
      await client?.stop();
      await start();
    }),
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
