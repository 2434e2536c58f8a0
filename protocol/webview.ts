/**
 * Messages between the extension host (or the standalone HTML report) and the results panel. The host forwards the
 * run events (protocol/runs.ts) unchanged; the panel keys all state by runId.
 */
import type { RunEvent, RunKind, RunStatus } from './runs';

/** Run events, and the host's request for a snapshot of what the panel holds (answered with FromPanel `snapshot`). */
export type ToPanel = RunEvent | { event: 'snapshot'; requestId: number };

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
  | { type: 'snapshot'; requestId: number; runs: PanelRunSnapshot[] };

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
