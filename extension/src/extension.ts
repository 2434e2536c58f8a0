/**
 * Entry point: starts the language client, registers commands, the status bar and the results panel, and
 * returns the API used by other extensions and by the in-host tests.
 */
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import type { ClientState, RegressLabApi } from './api';
import { createClient, runFinished, serverStatus, solveProgress, solveStarted } from './client';
import { ResultsPanel } from './panel';
import { Runs } from './runs';
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
  const runs = new Runs(() => client!, panel, log);
  context.subscriptions.push(log, status, panel);

  const start = async () => {
    const c = createClient(context, log);
    client = c;
    c.onDidChangeState((e) => {
      state = e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped';
      status.setClientState(state);
    });
    c.onNotification(solveStarted, (p) => runs.onStarted(p));
    c.onNotification(solveProgress, (p) => runs.onProgress(p));
    c.onNotification(runFinished, (p) => {
      if (p.message) log.info(`run ${p.runId} block ${p.runIndex + 1}: ${p.stopReason} — ${p.message}`);
    });
    c.onNotification(serverStatus, (p) => status.setServerStatus(p));
    await c.start();
  };

  // Commands get (uri, solveIndex) from a CodeLens, a Uri from the editor title menu, nothing from the palette.
  const command = (bounds: boolean) => async (target?: vscode.Uri | string, solveIndex?: number) => {
    const uri = typeof target === 'string' ? vscode.Uri.parse(target) : (target ?? vscode.window.activeTextEditor?.document.uri);
    if (!uri) {
      void vscode.window.showInformationMessage(`Open a .regress file to ${bounds ? 'check its bounds' : 'solve it'}.`);
      return undefined;
    }
    return runs.solve(uri, typeof solveIndex === 'number' ? solveIndex : undefined, { bounds });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('regressLab.solve', command(false)),
    vscode.commands.registerCommand('regressLab.checkBounds', command(true)),
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
    solve: (uri, solveIndex, options) => runs.solve(uri, solveIndex, options),
    panelStatus: async (runId) => runs.status(runId),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
