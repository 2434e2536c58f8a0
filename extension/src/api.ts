/** What the extension exports to other extensions and to its own tests inside the extension host. */
import type * as vscode from 'vscode';
import type { IclResult } from '../../protocol/experiment';
import type { SolveResult } from '../../protocol/results';
import type { RunStatus } from '../../protocol/runs';
import type { PanelRunSnapshot } from '../../protocol/webview';

export type ClientState = 'starting' | 'running' | 'stopped';

/** A run as the extension relayed it. */
export interface RunInfo {
  status: RunStatus;
  /** Points forwarded to the panel across the run's solve blocks, or an experiment's checkpoints across its repeats. */
  points: number;
}

export interface RegressLabApi {
  clientState(): ClientState;
  /**
   * Solve all blocks of the document (or block `solveIndex`, 0-based) and show the run in the panel; `bounds` also
   * checks the in-context-learning bounds on every step. `token` cancels the run, which still answers with what ran.
   */
  solve(uri: vscode.Uri, solveIndex?: number, options?: { bounds?: boolean; token?: vscode.CancellationToken }): Promise<SolveResult>;
  /** Run the experiment of an `experiment icl` document and show it in the panel. */
  runExperiment(uri: vscode.Uri, options?: { token?: vscode.CancellationToken }): Promise<IclResult>;
  panelStatus(runId: string): Promise<RunInfo | undefined>;
  /**
   * The runs as the panel's own model holds them (the panel answers a snapshot request), for tests that must check
   * what the panel shows rather than what was posted to it; empty while no panel is open.
   */
  panelSnapshot(): Promise<PanelRunSnapshot[]>;
}
