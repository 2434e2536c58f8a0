/**
 * Messages between the extension host (or the standalone HTML report) and the results panel.
 * Every message about a run (a solve or an experiment) carries its runId; the panel keys all state by it;
 * `runFailed` serves both.
 */
import type { IclCheckpoint, IclRepeatStart, IclResult, IclSettings } from './experiment';
import type { IterationPoint, ProblemSummary, RunSpec, SolveResult } from './results';

export type ToPanel =
  | { type: 'runStarted'; runId: string; title: string; source: string; problem: ProblemSummary; runs: RunSpec[]; startedAt: number }
  | { type: 'points'; runId: string; runIndex: number; points: IterationPoint[]; maxSteps: number }
  | { type: 'runFinished'; runId: string; result: SolveResult }
  /** `interrupted`: the language server stopped during the run (crash or kill); what arrived is kept, not a failure of the run. */
  | { type: 'runFailed'; runId: string; message: string; interrupted?: boolean }
  | { type: 'experimentStarted'; runId: string; title: string; source: string; settings: IclSettings; startedAt: number }
  | { type: 'experimentProgress'; runId: string; repeat: number; start?: IclRepeatStart; checkpoints: IclCheckpoint[] }
  | { type: 'experimentFinished'; runId: string; result: IclResult };

export type FromPanel =
  | { type: 'ready' }
  | { type: 'cancel'; runId: string }
  | { type: 'log'; level: 'info' | 'error'; message: string };

/**
 * The standalone HTML report embeds the same messages the live panel received, in order, as JSON in
 * `<script type="application/json" id="regress-report">`. The panel replays them, so report and panel cannot drift.
 */
export interface ReportPayload {
  version: 1;
  generatedAt: string;
  messages: ToPanel[];
}

export const REPORT_ELEMENT_ID = 'regress-report';
