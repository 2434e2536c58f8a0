/**
 * Status bar item: server state and running solves and experiments (the server's message says which), shown while a
 * .regress editor is active or a run is going. Click: show logs.
 */
import * as vscode from 'vscode';
import type { ServerStatusParams } from '../../protocol/lsp';
import type { ClientState } from './api';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('regressLab.status', vscode.StatusBarAlignment.Left, 10);
  private client: ClientState = 'starting';
  private server?: ServerStatusParams;
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

  private render() {
    const i = this.item;
    i.backgroundColor = undefined;
    if (this.client === 'starting') i.text = '$(loading~spin) Regress';
    else if (this.client === 'stopped') {
      i.text = '$(error) Regress: stopped';
      i.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (this.server && !this.server.quiescent) i.text = `$(loading~spin) Regress: ${this.server.message ?? 'running'}`;
    else i.text = '$(pulse) Regress';
    const md = new vscode.MarkdownString(
      `**Attention Regression Lab** — server ${this.client}${this.server?.message ? `, ${this.server.message}` : ''}\n\n[Show logs](command:regressLab.showLogs) · [Restart server](command:regressLab.restartServer)`,
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
