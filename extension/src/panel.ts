/**
 * The results panel (host side): one webview beside the editor that shows every run, of any kind, by runId. Run
 * events are queued until the page says `ready` (a hidden or reloading webview drops messages). A new page (the
 * panel reopened after being closed, or brought back by VS Code after a window reload through the serializer that
 * extension.ts registers) replays the history's runs (history.ts): those of this session, and the ended ones saved
 * before the reload.
 */
import * as vscode from 'vscode';
import { RESULTS_VIEW_TYPE } from '../../protocol/names';
import type { RunEvent } from '../../protocol/runs';
import type { ExportFormat, FromPanel, PanelRunSnapshot, ToPanel } from '../../protocol/webview';
import { makeNonce, renderPanelHtml } from '../../common/panelPage';
import type { RunHistory } from './history';
import { describeRefused, parseFromPanel } from './panelMessages';

export interface PanelHost {
  /** A cancel or a log line from the page. */
  onMessage(m: Extract<FromPanel, { type: 'cancel' | 'log' }>): void;
  /** A run ended and the history changed: time to save it. */
  onRunEnded(): void;
  /** The panel was shown, hidden, opened or closed. */
  onVisibility(visible: boolean): void;
  /** A part the user exported from a card's Export menu: to be saved where they choose. */
  onExport(m: Extract<FromPanel, { type: 'export' }>): void;
}

/** How long the page may take to render one export (a PNG of a large chart), in milliseconds. */
export const EXPORT_TIMEOUT_MS = 60_000;

export class ResultsPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private queue: ToPanel[] = [];
  /** Whether a refused message was logged at warning level: later ones go to debug, so a flood stays out of sight. */
  private warnedRefused = false;
  private lastRequestId = 0;
  /** Snapshot requests the page has not answered yet, by requestId. */
  private readonly snapshots = new Map<number, { resolve(runs: PanelRunSnapshot[]): void; reject(e: Error): void }>();
  /** Export requests the page has not answered yet, by requestId. */
  /** Export requests the page has not answered yet, by requestId, with what was asked (an answer must match it). */
  private readonly exports = new Map<
    number,
    { asked: { runId: string; part: string; format: ExportFormat }; resolve(content: string): void; reject(e: Error): void }
  >();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly history: RunHistory,
    private readonly host: PanelHost,
    private readonly channel: vscode.LogOutputChannel,
  ) {}

  post(e: RunEvent) {
    const ended = this.history.record(e);
    if (ended === 'tooLarge') this.channel.warn(`run ${e.runId} is too large for the results history even thinned: it is not saved`);
    if (ended) this.host.onRunEnded();
    this.send(e);
  }

  /** What the page's own model holds, as it answers a snapshot request; empty while no panel is open. */
  snapshot(): Promise<PanelRunSnapshot[]> {
    if (!this.panel) return Promise.resolve([]);
    const requestId = ++this.lastRequestId;
    const answer = new Promise<PanelRunSnapshot[]>((resolve, reject) => this.snapshots.set(requestId, { resolve, reject }));
    this.send({ event: 'snapshot', requestId });
    return answer;
  }

  /** One part of a run's card in one format, as the page renders it (the context menu's export). */
  requestExport(runId: string, part: string, format: ExportFormat): Promise<string> {
    if (!this.panel) return Promise.reject(new Error('the results panel is not open'));
    const requestId = ++this.lastRequestId;
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exports.delete(requestId);
        reject(new Error(`the results panel did not render “${part}” within ${EXPORT_TIMEOUT_MS / 1000} s`));
      }, EXPORT_TIMEOUT_MS);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      this.exports.set(requestId, { asked: { runId, part, format }, resolve: settle(resolve), reject: settle(reject) });
    });
    this.send({ event: 'export', requestId, runId, part, format });
    return answer;
  }

  /** Show the panel beside the active editor, creating it (and replaying the history) if needed. */
  reveal() {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const options = { ...this.webviewOptions(), retainContextWhenHidden: true };
    this.adopt(
      vscode.window.createWebviewPanel(
        RESULTS_VIEW_TYPE,
        'Regression Results',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        options,
      ),
    );
  }

  /** The panel VS Code brought back after a window reload (the serializer's): it shows the history like a new one. */
  restore(panel: vscode.WebviewPanel) {
    // Only one results panel: a run may have opened one before VS Code restored the old.
    if (this.panel) panel.dispose();
    else this.adopt(panel);
  }

  /** Forgets the ended runs and shows the panel afresh with the runs still going, which keep streaming into it. */
  clear() {
    this.history.clearEnded();
    if (this.panel) this.load(this.panel);
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
  }

  private send(m: ToPanel) {
    if (!this.panel) return;
    if (this.ready) void this.panel.webview.postMessage(m);
    else this.queue.push(m);
  }

  private adopt(panel: vscode.WebviewPanel) {
    this.panel = panel;
    panel.webview.options = this.webviewOptions();
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
      } else if (m.type === 'snapshot') {
        this.snapshots.get(m.requestId)?.resolve(m.runs);
        this.snapshots.delete(m.requestId);
      } else if (m.type === 'export' && m.requestId !== undefined) {
        const pending = this.exports.get(m.requestId);
        this.exports.delete(m.requestId);
        const { runId, part, format } = pending?.asked ?? {};
        if (m.runId === runId && m.part === part && m.format === format) pending?.resolve(m.content);
        else pending?.reject(new Error(`the results panel answered with ${m.part} as ${m.format}, not ${part} as ${format}`));
      } else if (m.type === 'exportFailed') {
        this.exports.get(m.requestId)?.reject(new Error(m.message));
        this.exports.delete(m.requestId);
      } else if (m.type === 'export') this.host.onExport(m);
      else this.host.onMessage(m);
    });
    panel.onDidChangeViewState((e) => this.host.onVisibility(e.webviewPanel.visible));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.dropSnapshots('the results panel closed before it answered');
      this.host.onVisibility(false);
    });
    this.load(panel);
    this.host.onVisibility(panel.visible);
  }

  /** A new page in `panel` that replays the history once it is ready. */
  private load(panel: vscode.WebviewPanel) {
    this.ready = false;
    this.dropSnapshots('the results panel was reloaded before it answered');
    this.queue = this.history.events();
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    // A fresh nonce makes the HTML differ from the last, so the page reloads even when nothing else changed.
    panel.webview.html = renderPanelHtml({
      title: 'Regression Results',
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      script: { uri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString() },
      style: { uri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString() },
    });
  }

  private dropSnapshots(why: string) {
    for (const s of [...this.snapshots.values(), ...this.exports.values()]) s.reject(new Error(why));
    this.snapshots.clear();
    this.exports.clear();
  }

  dispose() {
    this.panel?.dispose();
  }
}
