/**
 * The card of one run, whatever its kind: the header (title, start time, what ran, status, Cancel), the error list,
 * then the kind's own content (registry.ts `card`). A run that failed before it started has no content: the card
 * names its file and says why.
 *
 * The status line tells how the run ended, not only that it answered: a run stopped by an overflow, a non-finite
 * value, a divergence or an error reads "stopped: exp overflow at k = 12" in the error colour; a cancelled run
 * "cancelled at k = 57" (a sweep: "cancelled after point 2/4"); an interrupted one says the server stopped, in the
 * warning colour.
 *
 * DOM hooks for tests and tools: section.run[data-run-id][data-kind][data-status][data-points] (points held over all
 * blocks, or checkpoints over all repeats and sweep points) and the kind's own (KindCard.data); header h2 (title, the file's URI as
 * tooltip), time[datetime], .status (class: the status, or `stopped`), button.cancel (live panel only), .error;
 * button.collapse[aria-expanded] (the disclosure of .card-body, everything below the header) and data-collapsed on the root;
 * the Export menu (export/menu.ts), and data-vscode-context on each exportable chart or table (VS Code's context menu).
 */
import type { ExportContext, ExportFormat } from '../../protocol/webview';
import { el } from './dom';
import { ExportMenu } from './export/menu';
import type { ExportedFile } from './export/save';
import type { Exportable } from './exportable';
import type { PanelRuns } from './panelRuns';
import type { Prefs } from './prefs';
import type { Run } from './run';

/** What a card may use of the page. */
export interface CardContext {
  /** False in the standalone report: nothing to cancel. */
  live: boolean;
  prefs: Prefs;
  /** Where an export from the card's menu goes (export/save.ts): the host's save dialog, or a download. */
  save(file: ExportedFile): void;
  /** The other runs of the panel, for comparing with them (compare.ts). */
  runs: PanelRuns;
}

/** A kind's part of the card. */
export interface KindCard {
  /** What ran, beside the title ("attention normalized · n = 8 · d = 4"). */
  readonly subtitle: string;
  /** More header items (an experiment's live progress). */
  readonly header: HTMLElement[];
  /** Below the header: charts, tables. */
  readonly body: HTMLElement[];
  /** What the run receives, for the interrupted text and Cancel's tooltip: "points", "checkpoints". */
  readonly unit: string;
  /** Reflects the state; called on every event, so cheap. */
  update(): void;
  destroy(): void;
  /** A stop the user must look at, as "exp overflow at k = 12"; undefined when the run ended normally. */
  badStop(): string | undefined;
  /** Where a cancelled run stopped, as "at k = 57" or "after point 2/4"; undefined when it stopped before anything ran. */
  cancelledWhere(): string | undefined;
  /** Messages for the error list beside the run's own error (a block's overflow message). */
  errors(): string[];
  /** The kind's own data-* attributes of the card's root, for tests and tools. */
  data(): Record<string, string>;
  /**
   * What the card can export now, each part once (its charts, tables, trajectory): the Export menu and the context
   * menu list them. A part that holds numbers implements Exportable and is listed here.
   */
  exports(): Exportable[];
}

export class Card {
  readonly root: HTMLElement;
  /** The one live region of the card: how the run stands is announced, chart and table updates are not. */
  private readonly status = el('span', { className: 'status', attrs: { 'aria-live': 'polite' } });
  private readonly cancel?: HTMLButtonElement;
  private readonly error = el('pre', { className: 'error', attrs: { role: 'alert' } });
  private readonly toggle: HTMLButtonElement;
  private readonly body: HTMLElement;
  private readonly exportMenu?: ExportMenu;
  /**
   * `content`: the kind's part (registry.ts), none for a run that failed before it started; `points`: what the run
   * holds, for data-points.
   */
  constructor(
    readonly run: Run,
    ctx: CardContext,
    onCancel: (runId: string) => void,
    private readonly content: KindCard | undefined,
    private readonly points: () => number,
  ) {
    const unit = this.content?.unit ?? 'results';
    this.body = el('div', { className: 'card-body', attrs: { id: `body-${run.runId}` } }, [this.error, ...(this.content?.body ?? [])]);
    // A button, so Tab reaches it and Enter or Space toggles it.
    this.toggle = el('button', {
      className: 'collapse',
      title: 'Show or hide this run’s charts and tables',
      attrs: { 'aria-expanded': 'true', 'aria-controls': this.body.id, 'aria-label': `Details of ${run.title || run.uri}` },
    });
    const header = el('header', {}, [this.toggle, el('h2', { text: run.title || run.uri, title: run.uri })]);
    if (run.startedAt !== undefined) {
      const at = new Date(run.startedAt);
      header.append(
        el('time', { text: at.toLocaleTimeString(), title: `started ${at.toLocaleString()}`, attrs: { datetime: at.toISOString() } }),
      );
    }
    if (this.content?.subtitle) header.append(el('span', { className: 'problem', text: this.content.subtitle }));
    header.append(this.status, ...(this.content?.header ?? []));
    const parts = this.content;
    if (parts) {
      this.exportMenu = new ExportMenu(
        run.runId,
        () => parts.exports(),
        async (part, format) =>
          ctx.save({ runId: run.runId, runTitle: run.title || run.uri, part: part.label, format, content: await part.render(format) }),
      );
      header.append(this.exportMenu.root);
    }
    if (ctx.live) {
      this.cancel = el('button', { className: 'cancel', text: 'Cancel', title: `Stop this run; the ${unit} so far are kept` });
      this.cancel.addEventListener('click', () => {
        run.cancelRequested = true;
        onCancel(run.runId);
        this.update();
      });
      header.append(this.cancel);
    }
    this.root = el('section', { className: `run ${run.kind}`, data: { runId: run.runId, kind: run.kind } }, [header, this.body]);
    this.update();
  }

  get collapsed(): boolean {
    return this.body.hidden === true;
  }

  /** Shows only the header, or everything. */
  setCollapsed(collapsed: boolean) {
    this.body.hidden = collapsed;
    this.root.dataset.collapsed = String(collapsed);
    this.toggle.setAttribute('aria-expanded', String(!collapsed));
  }

  /** Called when the user toggles the card (main.ts remembers the choice). */
  onToggle(listener: (collapsed: boolean) => void) {
    this.toggle.addEventListener('click', () => {
      this.setCollapsed(!this.collapsed);
      listener(this.collapsed);
    });
  }

  /** Reflects the run's current state. */
  update() {
    const run = this.run;
    this.root.dataset.status = run.status;
    this.root.dataset.points = String(this.points());
    this.content?.update();
    Object.assign(this.root.dataset, this.content?.data());
    const { text, tone } = this.statusLine();
    this.status.textContent = text;
    this.status.className = `status ${tone}`;
    if (this.cancel) {
      this.cancel.hidden = run.status !== 'running';
      this.cancel.disabled = !!run.cancelRequested;
    }
    this.error.textContent = [run.error, ...(this.content?.errors() ?? [])].filter(Boolean).join('\n');
    this.error.hidden = !this.error.textContent;
    this.markExports();
  }

  /** One part's file, as the host asks for it from the context menu (ToPanel `export`). */
  async exportPart(part: string, format: ExportFormat): Promise<string> {
    const found = this.content?.exports().find((p) => p.label === part);
    if (!found) throw new Error(`this run has no part “${part}” to export`);
    if (!found.formats.includes(format)) throw new Error(`“${part}” does not export as ${format}`);
    return found.render(format);
  }

  /** The context VS Code's context menu passes to the export command, on each part's element. */
  private markExports() {
    this.exportMenu?.update();
    for (const p of this.content?.exports() ?? []) {
      if (!p.element) continue;
      const context: ExportContext & { preventDefaultContextMenuItems: boolean } = {
        webviewSection: p.formats.includes('png') ? 'chart' : 'table',
        runId: this.run.runId,
        runTitle: this.run.title || this.run.uri,
        part: p.label,
        formats: p.formats.join(' '),
        preventDefaultContextMenuItems: true,
      };
      p.element.dataset.vscodeContext = JSON.stringify(context);
    }
  }

  destroy() {
    this.exportMenu?.destroy();
    this.content?.destroy();
    this.root.remove();
  }

  private statusLine(): { text: string; tone: string } {
    const run = this.run;
    switch (run.status) {
      case 'running':
        return { text: run.cancelRequested ? 'cancelling…' : 'running', tone: 'running' };
      case 'finished': {
        const stop = this.content?.badStop();
        return stop ? { text: `stopped: ${stop}`, tone: 'stopped' } : { text: 'finished', tone: 'finished' };
      }
      case 'cancelled': {
        const where = this.content?.cancelledWhere();
        return { text: where ? `cancelled ${where}` : 'cancelled', tone: 'cancelled' };
      }
      case 'interrupted':
        return {
          text: `interrupted: the language server stopped; the ${this.content?.unit ?? 'results'} received are kept`,
          tone: 'interrupted',
        };
      case 'failed':
        return { text: 'failed', tone: 'failed' };
    }
  }
}
