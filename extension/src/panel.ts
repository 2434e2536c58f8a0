/**
 * The results panel (host side): one webview beside the editor that shows every run, solve or experiment, by runId.
 * Messages are queued until the page says `ready` (a hidden or reloading webview drops messages), and the recent
 * runs' messages, of either kind, are replayed when the panel is reopened after being closed.
 */
import * as vscode from 'vscode';
import type { FromPanel, ToPanel } from '../../protocol/webview';
import { makeNonce, renderPanelHtml } from '../../webview/page';
import { describeRefused, parseFromPanel } from './panelMessages';

/** Runs kept for replay into a reopened panel (bounded, like vscode-R's plot history). */
const MAX_REPLAY_RUNS = 20;

export class ResultsPanel implements vscode.Disposable {
  static readonly viewType = 'regressLab.results';
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private queue: ToPanel[] = [];
  /** Messages per runId in arrival order, oldest run first. */
  private readonly log = new Map<string, ToPanel[]>();
  /** Whether a refused message was logged at warning level: later ones go to debug, so a flood stays out of sight. */
  private warnedRefused = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: (m: FromPanel) => void,
    private readonly channel: vscode.LogOutputChannel,
  ) {}

  post(m: ToPanel) {
    const runLog = this.log.get(m.runId) ?? [];
    if (!this.log.has(m.runId)) {
      this.log.set(m.runId, runLog);
      while (this.log.size > MAX_REPLAY_RUNS) this.log.delete(this.log.keys().next().value!);
    }
    runLog.push(m);
    if (!this.panel) return;
    if (this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  /** Show the panel beside the active editor, creating it (and replaying recent runs) if needed. */
  reveal() {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(ResultsPanel.viewType, 'Regression Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    this.panel = panel;
    this.ready = false;
    this.queue = [...this.log.values()].flat();
    panel.webview.html = renderPanelHtml({
      title: 'Regression Results',
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      script: { uri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString() },
      style: { uri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString() },
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = parseFromPanel(raw);
      if (!m) {
        this.channel[this.warnedRefused ? 'debug' : 'warn'](`panel: ignored ${describeRefused(raw)}`);
        this.warnedRefused = true;
      } else if (m.type === 'ready') {
        this.ready = true;
        const pending = this.queue;
        this.queue = [];
        for (const q of pending) void panel.webview.postMessage(q);
      } else this.onMessage(m);
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
  }

  dispose() {
    this.panel?.dispose();
  }
}
