/**
 * Exports from the results panel, saved where the user chooses: a save dialog with the format's filters, opened in the
 * workspace folder with a name from the run, the part and the time (common/exportName.ts), then the bytes written
 * through the workspace file system (`workspace.fs`), so in a remote window the file lands on the remote side beside
 * the user's work. Three ways in: a card's Export menu (the page sends the content), a chart's or table's context menu
 * (the command asks the page for the part), and Export Results (the whole panel as the standalone HTML report: the
 * history's events replayed by the panel's own bundle, as the CLI's `report` writes it). A failure is logged in full
 * and shown once.
 */
import * as vscode from 'vscode';
import { exportFileName } from '../../common/exportName';
import { makeNonce, renderPanelHtml } from '../../common/panelPage';
import type { ExportFormat, FromPanel } from '../../protocol/webview';
import { dialogFilters, exportBytes, formatOfPath, type SaveFormat } from './exportFiles';
import type { RunHistory } from './history';
import type { ResultsPanel } from './panel';
import { parseExportContext } from './panelMessages';

export class ResultsExporter {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly history: RunHistory,
    private readonly panel: () => ResultsPanel,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** A part chosen in a card's Export menu, its content rendered by the page. */
  saveFromPanel(m: Extract<FromPanel, { type: 'export' }>): Promise<vscode.Uri | undefined> {
    return this.guard(async () => {
      const target = await this.ask(exportFileName(m.runTitle, m.part, m.format, new Date()), [m.format], `Export ${m.part}`);
      return target && this.write(target, exportBytes(m.format, m.content), true);
    });
  }

  /**
   * The context menu's command: `context` is the part's data-vscode-context (protocol/webview.ts ExportContext);
   * `target` skips the dialog, its extension choosing the format.
   */
  exportPart(context: unknown, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    return this.guard(async () => {
      const c = parseExportContext(context);
      if (!c) throw new Error('right-click a chart or a table in the results panel to export it');
      const formats = c.formats.split(' ') as ExportFormat[];
      const uri = target ?? (await this.ask(exportFileName(c.runTitle, c.part, formats[0], new Date()), formats, `Export ${c.part}`));
      if (!uri) return undefined;
      const format = formatOfPath(uri.path, formats);
      const content = await this.panel().requestExport(c.runId, c.part, format);
      return this.write(uri, exportBytes(format, content), !target);
    });
  }

  /** Every run the panel holds as one standalone HTML report; `target` skips the dialog. */
  exportResults(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    return this.guard(async () => {
      const messages = this.history.events();
      if (!messages.length) {
        void vscode.window.showInformationMessage('There are no results to export yet: solve a problem or run an experiment first.');
        return undefined;
      }
      const uri = target ?? (await this.ask(exportFileName('regress', 'results', 'html', new Date()), ['html'], 'Export Results'));
      if (!uri) return undefined;
      const html = renderPanelHtml({
        title: 'Attention Regression Lab — results',
        cspSource: '',
        nonce: makeNonce(),
        script: { inline: await this.bundle('webview.js') },
        style: { inline: await this.bundle('webview.css') },
        report: { version: 2, generatedAt: new Date().toISOString(), messages },
      });
      return this.write(uri, new TextEncoder().encode(html), !target);
    });
  }

  /** The panel's bundle as installed with the extension (its dist/), read through the file system API. */
  private async bundle(name: string): Promise<string> {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'dist', name)));
  }

  private ask(name: string, formats: readonly SaveFormat[], title: string): Thenable<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({
      title,
      saveLabel: 'Export',
      filters: dialogFilters(formats),
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
  }

  /** Writes the file; `tell`: offers to open or reveal it (not for a target given by a key binding or a test). */
  private async write(uri: vscode.Uri, bytes: Uint8Array, tell: boolean): Promise<vscode.Uri> {
    await vscode.workspace.fs.writeFile(uri, bytes);
    this.log.info(`exported ${uri.toString(true)} (${bytes.length} bytes)`);
    if (tell) void this.offer(uri);
    return uri;
  }

  private async offer(uri: vscode.Uri) {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const choice = await vscode.window.showInformationMessage(`Exported ${name}.`, 'Open', 'Reveal');
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
    // Inside the workspace, the Explorer shows it (also in a remote window); elsewhere, the OS's file manager.
    else if (choice === 'Reveal')
      await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
  }

  /** Runs an export; a failure is logged in full and shown once, never thrown (a command's rejection is shown again). */
  private async guard<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (e) {
      this.log.error(`export failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      void vscode.window.showErrorMessage(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
}
