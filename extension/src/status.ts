/**
 * Status bar item: server state and running solves and experiments (the server's message says which), shown while a
 * .regress editor is active or a run is going; after the server process stopped unexpectedly, that it restarted (or
 * that the client gave up). Click: show logs.
 */
import * as vscode from 'vscode';
import type { ServerStatusParams } from '../../protocol/lsp';
import type { ClientState } from './api';
import { MAX_RESTARTS } from './client';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('regressLab.status', vscode.StatusBarAlignment.Left, 10);
  private client: ClientState = 'starting';
  private server?: ServerStatusParams;
  /** Unexpected stops of the current client's server, and whether the client gave up after the last one. */
  private stops = 0;
  private gaveUp = false;
  private readonly sub: vscode.Disposable;

  constructor() {
    this.item.name = 'Attention Regression Lab';
    this.item.command = 'regressLab.showLogs';
    this.sub = vscode.window.onDidChangeActiveTextEditor(() => this.render());
    this.render();
  }

  setClientState(s: ClientState) {
    this.client = s;
    this.render();
  }

  setServerStatus(s: ServerStatusParams) {
    this.server = s;
    this.render();
  }

  /** The server process stopped unexpectedly; what it last reported (runs going) died with it. */
  serverStopped(restarting: boolean) {
    this.stops++;
    this.gaveUp = !restarting;
    this.server = undefined;
    this.render();
  }

  /** A new client (restart command, trust granted): earlier stops are history. */
  clientReplaced() {
    this.stops = 0;
    this.gaveUp = false;
    this.render();
  }

  private render() {
    const i = this.item;
    i.backgroundColor = undefined;
    const restarting = this.stops > 0 && !this.gaveUp;
    if (this.client !== 'running' && restarting) i.text = '$(loading~spin) Regress: restarting the server';
    else if (this.client === 'starting') i.text = '$(loading~spin) Regress';
    else if (this.client === 'stopped') {
      i.text = this.gaveUp ? `$(error) Regress: server stopped ${this.stops} times` : '$(error) Regress: stopped';
      i.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (this.server && !this.server.quiescent) i.text = `$(loading~spin) Regress: ${this.server.message ?? 'running'}`;
    else i.text = this.stops ? `$(warning) Regress: server restarted ×${this.stops}` : '$(pulse) Regress';
    const stops = this.stops
      ? `\n\nThe server process stopped unexpectedly ${this.stops === 1 ? 'once' : `${this.stops} times`}; ${this.gaveUp ? 'it is not restarted again' : `it is restarted up to ${MAX_RESTARTS} times in 3 minutes`}.`
      : '';
    const md = new vscode.MarkdownString(
      `**Attention Regression Lab** — server ${this.client}${this.server?.message ? `, ${this.server.message}` : ''}${stops}\n\n[Show logs](command:regressLab.showLogs) · [Restart server](command:regressLab.restartServer)`,
    );
    md.isTrusted = true;
    i.tooltip = md;
    const active = vscode.window.activeTextEditor?.document.languageId === 'regress';
    if (active || (this.server && !this.server.quiescent)) i.show();
    else i.hide();
  }

  dispose() {
    this.sub.dispose();
    this.item.dispose();
  }
}
