/**
 * Status bar item: the runs of this window going ("$(pulse) 2 runs · 42%", their time left in the tooltip), the
 * server's state otherwise, and after the server process stopped unexpectedly, that it restarted (or that the client
 * gave up). Its icon and the words "Regress Lab" keep it apart from VS Code's language-mode item ("Regress"). Shown
 * while a .regress editor or the results panel is visible, a run is going, or the server has stopped. Click: show
 * logs.
 */
import * as vscode from 'vscode';
import type { ServerStatusParams } from '../../protocol/lsp';
import { Commands } from '../../protocol/names';
import type { ClientState } from './api';
import { MAX_RESTARTS } from './client';

/** The runs of this window going, as the relay sees them. */
export interface RunsGoing {
  count: number;
  /** Mean progress over them, 0…100. */
  percent: number;
  /** One line per run: its title, its speed and time left. */
  lines: string[];
}

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('regressLab.status', vscode.StatusBarAlignment.Left, 10);
  private client: ClientState = 'starting';
  private server?: ServerStatusParams;
  private runs: RunsGoing = { count: 0, percent: 0, lines: [] };
  private panelVisible = false;
  /** Unexpected stops of the current client's server, and whether the client gave up after the last one. */
  private stops = 0;
  private gaveUp = false;
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.item.name = 'Attention Regression Lab';
    this.item.command = Commands.showLogs;
    this.subs = [
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
    ];
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

  setRuns(r: RunsGoing) {
    this.runs = r;
    this.render();
  }

  setPanelVisible(visible: boolean) {
    this.panelVisible = visible;
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
    const busy = this.server !== undefined && !this.server.quiescent;
    if (this.client !== 'running' && restarting) i.text = '$(loading~spin) Regress Lab: restarting the server';
    else if (this.client === 'starting') i.text = '$(loading~spin) Regress Lab: starting';
    else if (this.client === 'stopped') {
      i.text = this.gaveUp ? `$(error) Regress Lab: server stopped ${this.stops} times` : '$(error) Regress Lab: stopped';
      i.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (this.runs.count)
      i.text = `$(pulse) ${this.runs.count} run${this.runs.count === 1 ? '' : 's'} · ${Math.floor(this.runs.percent)}%`;
    else if (busy) i.text = `$(loading~spin) Regress Lab: ${this.server?.message ?? 'running'}`;
    else i.text = this.stops ? `$(warning) Regress Lab: server restarted ×${this.stops}` : '$(graph-line) Regress Lab';
    const stops = this.stops
      ? `The server process stopped unexpectedly ${this.stops === 1 ? 'once' : `${this.stops} times`}; ${this.gaveUp ? 'it is not restarted again' : `it is restarted up to ${MAX_RESTARTS} times in 3 minutes`}.`
      : '';
    // Titles are file names: appended as text, and only the two commands below may be run from the tooltip.
    const md = new vscode.MarkdownString('**Attention Regression Lab** — ');
    md.appendText(`server ${this.client}${this.server?.message ? `, ${this.server.message}` : ''}`);
    for (const line of this.runs.lines) md.appendMarkdown('\n\n').appendText(line);
    if (stops) md.appendMarkdown('\n\n').appendText(stops);
    md.appendMarkdown(`\n\n[Show logs](command:${Commands.showLogs}) · [Restart server](command:${Commands.restartServer})`);
    md.isTrusted = { enabledCommands: [Commands.showLogs, Commands.restartServer] };
    i.tooltip = md;
    const regressShown = vscode.window.visibleTextEditors.some((e) => e.document.languageId === 'regress');
    if (regressShown || this.panelVisible || this.runs.count || busy || this.client === 'stopped' || restarting) i.show();
    else i.hide();
  }

  dispose() {
    this.subs.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
