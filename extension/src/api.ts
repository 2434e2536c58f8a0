/** What the extension exports to other extensions and to its own tests inside the extension host. */
import type * as vscode from 'vscode';
import type { IclResult } from '../../protocol/experiment';
import type { SolveResult } from '../../protocol/results';

export type ClientState = 'starting' | 'running' | 'stopped';

export interface RunStatus {
  /** `interrupted`: the language server stopped during the run. */
  status: 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';
  /** Points received so far across the run's solve blocks, or an experiment's checkpoints across its repeats. */
  points: number;
}

export interface RegressLabApi {
  clientState(): ClientState;
  /**
   * Solve all blocks of the document (or block `solveIndex`, 0-based) and show the run in the panel; `bounds` also
   * checks the in-context-learning bounds on every step.
   */
  solve(uri: vscode.Uri, solveIndex?: number, options?: { bounds?: boolean }): Promise<SolveResult>;
  /** Run the experiment of an `experiment icl` document and show it in the panel. */
  runExperiment(uri: vscode.Uri): Promise<IclResult>;
  panelStatus(runId: string): Promise<RunStatus | undefined>;
}
