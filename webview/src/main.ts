/**
 * Results panel entry. Every state change comes from a run event: live from the extension host, or replayed from
 * the report's embedded payload, so the live panel and the HTML report render identically. Messages are checked
 * first (messages.ts); what the panel cannot read is ignored and logged to the host.
 */
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import { REPORT_ELEMENT_ID, type ReportPayload, type ToPanel } from '../../protocol/webview';
import { Card, type CardContext } from './card';
import { el } from './dom';
import { exportSink } from './export/save';
import { connectHost } from './host';
import { readToPanel } from '../../common/toPanel';
import { PanelModel } from './model';
import { kindCard, pointsOf } from './registry';
import { PanelRuns } from './panelRuns';
import { Prefs } from './prefs';
import type { Run } from './run';

/** The report format this bundle replays (protocol/webview.ts). */
const REPORT_VERSION: ReportPayload['version'] = 2;

const host = connectHost();
const model = new PanelModel();
const cards = new Map<string, Card>();
/** Finished cards beyond this many (newest first) start collapsed to their header. */
const OPEN_CARDS = 3;
/** The user's own collapse choices, by run, kept while the panel lives (across a card rebuilt by a restart). */
const chosen = new Map<string, boolean>();
const runs = new PanelRuns(model.runs);
const ctx: CardContext = { live: host.live, prefs: new Prefs(host), save: exportSink(host), runs };
const cancel = (runId: string) => host.post({ type: 'cancel', runId });

const app = document.getElementById('app')!;
const empty = el(
  'p',
  { className: 'empty' },
  host.live
    ? [
        'No runs yet. Open a ',
        el('code', { text: '.regress' }),
        ' file and run ',
        el('strong', { text: 'Attention Regression: Solve' }),
        ' (Ctrl+Shift+Enter) or click ▶ Solve above a solve block; in an experiment file, click ▶ Run experiment.',
      ]
    : ['This report contains no runs.'],
);
const list = el('div', { className: 'runs' });
app.append(empty, list);

function receive(message: unknown) {
  const m = readToPanel(message);
  if ('ignored' in m) host.post({ type: 'log', level: 'info', message: `The panel ignored a message: ${m.ignored}` });
  else if (m.event === 'snapshot') host.post({ type: 'snapshot', requestId: m.requestId, runs: model.snapshot() });
  else if (m.event === 'export') answerExport(m);
  else {
    const run = model.apply(m);
    if (run) show(run);
    // A run started, ended or left: the cards' comparisons list the runs as they are now.
    if (run && m.event !== 'progress') runs.changed();
  }
}

/** The host's request for one part of a card (the context menu's export command): its content, or why not. */
function answerExport({ requestId, runId, part, format }: Extract<ToPanel, { event: 'export' }>) {
  const card = cards.get(runId);
  const answer = card ? card.exportPart(part, format) : Promise.reject(new Error('the run is no longer in the panel'));
  answer.then(
    (content) => host.post({ type: 'export', requestId, runId, runTitle: card!.run.title || card!.run.uri, part, format, content }),
    // Cut to what the host accepts (extension/src/panelMessages.ts), so the request fails at once rather than timing out.
    (e: unknown) =>
      host.post({ type: 'exportFailed', requestId, message: (e instanceof Error ? e.message : String(e)).slice(0, 500) || 'failed' }),
  );
}

function show(run: Run) {
  const card = cards.get(run.runId);
  // A (re)started run is a new object in the model: it gets a new card.
  if (card?.run === run) card.update();
  else {
    card?.destroy();
    const fresh = new Card(run, ctx, cancel, kindCard(run, ctx), () => pointsOf(run));
    cards.set(run.runId, fresh);
    fresh.onToggle((collapsed) => chosen.set(run.runId, collapsed));
    list.prepend(fresh.root);
    // A run the user just started is shown even when they had scrolled down to an older one.
    // Its header, not the whole card: a card taller than the panel would be aligned by its bottom edge.
    if (host.live && run.status === 'running') (fresh.root.querySelector('header') ?? fresh.root).scrollIntoView({ block: 'nearest' });
  }
  collapseOld();
  // Runs the model dropped (beyond PANEL_RUNS) leave the page too.
  for (const [id, c] of cards) {
    if (!model.runs.has(id)) {
      c.destroy();
      cards.delete(id);
    }
  }
  empty.hidden = model.runs.size > 0;
  document.body.dataset.panelState = model.state();
}

/** The newest few cards and running ones stay open; older finished ones show their header, unless the user chose. */
function collapseOld() {
  [...list.children].forEach((root, i) => {
    const card = cards.get((root as HTMLElement).dataset.runId ?? '');
    if (!card) return;
    const choice = chosen.get(card.run.runId);
    card.setCollapsed(choice ?? (i >= OPEN_CARDS && card.run.status !== 'running'));
  });
}

window.addEventListener('error', (e) => host.post({ type: 'log', level: 'error', message: `${e.message} (${e.filename}:${e.lineno})` }));

const report = document.getElementById(REPORT_ELEMENT_ID);
if (report?.textContent) {
  // Read as unknown: the payload is the report's, written by whichever version made it.
  const payload = JSON.parse(report.textContent) as { [K in keyof ReportPayload]?: unknown };
  document.body.dataset.generatedAt = String(payload.generatedAt);
  if (payload.version === REPORT_VERSION && Array.isArray(payload.messages)) payload.messages.forEach(receive);
  else
    empty.textContent = `This report was written in format version ${String(payload.version)}; this panel reads version ${REPORT_VERSION}.`;
} else {
  window.addEventListener('message', (e: MessageEvent<unknown>) => receive(e.data));
  host.post({ type: 'ready' });
}
