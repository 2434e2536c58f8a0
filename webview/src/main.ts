/**
 * Results panel entry. Every state change comes from a ToPanel message: live from the extension host, or
 * replayed from the report's embedded payload. So the live panel and the HTML report render identically.
 */
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import { REPORT_ELEMENT_ID, type ReportPayload, type ToPanel } from '../../protocol/webview';
import { el } from './dom';
import { ExperimentCard } from './experimentCard';
import { connectHost } from './host';
import { METRICS, PanelModel, type Metric } from './model';
import { RunCard } from './runCard';
import { watchTheme } from './theme';

interface SavedState {
  metric: Metric;
  /** Spec index of the solve block whose bounds are charted. */
  boundsBlock?: number;
}

const host = connectHost();
const model = new PanelModel();
const cards = new Map<string, RunCard | ExperimentCard>();
const saved = host.getState<SavedState>();
let metric: Metric = saved?.metric ?? 'loss';
if (!METRICS.includes(metric)) metric = 'loss';
let boundsBlock = Number.isInteger(saved?.boundsBlock) ? saved?.boundsBlock : undefined;

function save() {
  host.setState({ metric, ...(boundsBlock === undefined ? {} : { boundsBlock }) } satisfies SavedState);
}

const app = document.getElementById('app')!;
const empty = el('p', { className: 'empty' }, host.live ? ['No runs yet. Open a ', el('code', { text: '.regress' }), ' file and run ', el('strong', { text: 'Attention Regression: Solve' }), ' (Ctrl+Shift+Enter) or click ▶ Solve above a solve block; in an experiment file, click ▶ Run experiment.'] : ['This report contains no runs.']);
const list = el('div', { className: 'runs' });
app.append(empty, list);

function apply(m: ToPanel) {
  const run = model.apply(m);
  if (!run) return;
  let card = cards.get(run.runId);
  // A (re)started run is a new object in the model: it gets a new card, of its kind.
  if (card?.run !== run) {
    card?.destroy();
    const onCancel = (runId: string) => host.post({ type: 'cancel', runId });
    card = run.kind === 'experiment' ? new ExperimentCard(run, { live: host.live, onCancel }) : new RunCard(run, {
      live: host.live,
      metric,
      // Read when the bounds arrive: the choice may change on another card while this run is going.
      boundsBlock: () => boundsBlock,
      onCancel,
      onMetric: (m) => {
        metric = m;
        save();
      },
      onBoundsBlock: (index) => {
        boundsBlock = index;
        save();
      },
    });
    cards.set(run.runId, card);
    list.prepend(card.root);
  } else card.update();
  // Runs the model dropped (beyond MAX_RUNS) leave the page too.
  for (const [id, c] of cards) {
    if (!model.runs.has(id)) {
      c.destroy();
      cards.delete(id);
    }
  }
  empty.hidden = model.runs.size > 0;
  document.body.dataset.panelState = model.state();
}

function isToPanel(m: unknown): m is ToPanel {
  return typeof m === 'object' && m !== null && typeof (m as ToPanel).type === 'string' && typeof (m as ToPanel).runId === 'string';
}

window.addEventListener('error', (e) => host.post({ type: 'log', level: 'error', message: `${e.message} (${e.filename}:${e.lineno})` }));
watchTheme(() => cards.forEach((c) => c.rethemed()));

const report = document.getElementById(REPORT_ELEMENT_ID);
if (report?.textContent) {
  const payload = JSON.parse(report.textContent) as ReportPayload;
  for (const m of payload.messages) apply(m);
  document.body.dataset.generatedAt = payload.generatedAt;
} else {
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (isToPanel(e.data)) apply(e.data);
  });
  host.post({ type: 'ready' });
}
