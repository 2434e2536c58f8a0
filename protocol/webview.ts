/**
 * Messages between the extension host (or the standalone HTML report) and the results panel. The host forwards the
 * run events (protocol/runs.ts) unchanged; the panel keys all state by runId.
 */
import type { RunEvent, RunKind, RunStatus } from './runs';

/** What a part of a card exports to: a chart as PNG or SVG, a table or trajectory as CSV or JSON. */
export type ExportFormat = 'png' | 'svg' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'svg', 'csv', 'json'];

/**
 * The `data-vscode-context` of an exportable chart or table: VS Code passes it (with `webview`, its view type) to the
 * command of the webview's context menu, which asks the page for that part (ToPanel `export`).
 */
export interface ExportContext {
  webviewSection: 'chart' | 'table';
  runId: string;
  /** The run's title, for the suggested file name. */
  runTitle: string;
  /** The part's label within its card (Exportable.label). */
  part: string;
  /** Its formats, space-separated ("png svg"). */
  formats: string;
}

/**
 * Run events; the host's request for a snapshot of what the panel holds (answered with FromPanel `snapshot`); its
 * request for one part of a card in one format (answered with FromPanel `export` carrying the requestId, or
 * `exportFailed`).
 */
export type ToPanel =
  | RunEvent
  | { event: 'snapshot'; requestId: number }
  | { event: 'export'; requestId: number; runId: string; part: string; format: ExportFormat };

/** One run as the panel's own model holds it: what tests check instead of counting what the host posted. */
export interface PanelRunSnapshot {
  runId: string;
  kind: RunKind;
  status: RunStatus;
  /** Points (solve: over all blocks) or checkpoints (experiment: over all repeats) held. */
  points: number;
}

export type FromPanel =
  | { type: 'ready' }
  | { type: 'cancel'; runId: string }
  | { type: 'log'; level: 'info' | 'error'; message: string }
  | { type: 'snapshot'; requestId: number; runs: PanelRunSnapshot[] }
  /**
   * A part's file content (text; a `data:image/png;base64,` URL for png), chosen from a card's Export menu or asked
   * for by the host (`requestId`); the host saves it through a save dialog.
   */
  | { type: 'export'; requestId?: number; runId: string; runTitle: string; part: string; format: ExportFormat; content: string }
  | { type: 'exportFailed'; requestId: number; message: string };

/**
 * The standalone HTML report embeds the same events the live panel received, in order, as JSON in
 * `<script type="application/json" id="regress-report">`. The panel replays them, so report and panel cannot drift.
 * Version 2: the messages are RunEvents (version 1 had one message family per kind of run).
 */
export interface ReportPayload {
  version: 2;
  generatedAt: string;
  messages: ToPanel[];
}

export const REPORT_ELEMENT_ID = 'regress-report';
