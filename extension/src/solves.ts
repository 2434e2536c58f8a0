/** Solve runs: the solve request, its notifications turned into panel messages and progress, its result. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SolveProgressParams, SolveStartedParams } from '../../protocol/lsp';
import type { SolveResult } from '../../protocol/results';
import { solveRequest } from './client';
import type { ResultsPanel } from './panel';
import type { Runs } from './runs';

export class Solves {
  constructor(
    private readonly client: () => LanguageClient,
    private readonly runs: Runs,
    private readonly panel: ResultsPanel,
  ) {}

  onStarted(p: SolveStartedParams) {
    const run = this.runs.get(p.runId);
    if (!run) return;
    for (const r of p.runs) run.parts.set(r.index, { done: 0, total: r.options.steps ?? 0 });
    this.panel.post({ type: 'runStarted', runId: p.runId, title: run.title, source: p.uri, problem: p.problem, runs: p.runs, startedAt: Date.now() });
  }

  onProgress(p: SolveProgressParams) {
    const run = this.runs.get(p.runId);
    if (!run || p.points.length === 0) return;
    run.status.points += p.points.length;
    this.panel.post({ type: 'points', runId: p.runId, runIndex: p.runIndex, points: p.points, maxSteps: p.maxSteps });
    const last = p.points[p.points.length - 1];
    this.runs.advance(run, p.runIndex, last.k, p.maxSteps, `block ${p.runIndex + 1}: k = ${last.k}/${p.maxSteps}, loss = ${last.loss.toPrecision(4)}`);
  }

  /**
   * `bounds`: also check the in-context-learning bounds on every step (▶ Check bounds). `passWrongKind`: on an
   * experiment file, reject with the server's wrongKind error without showing it (the caller runs the experiment).
   */
  solve(uri: vscode.Uri, solveIndex?: number, options: { bounds?: boolean; passWrongKind?: boolean } = {}): Promise<SolveResult> {
    const title = `${path.basename(uri.fsPath || uri.path)}${solveIndex === undefined ? '' : ` #${solveIndex + 1}`}`;
    const bounds = options.bounds === true;
    return this.runs.track({
      title,
      progressTitle: `${bounds ? 'Checking bounds of' : 'Solving'} ${title}`,
      noun: 'Solve',
      passWrongKind: options.passWrongKind,
      send: (runId, token) => this.client().sendRequest(solveRequest, { textDocument: { uri: uri.toString() }, runId, solveIndex, ...(bounds ? { bounds } : {}) }, token),
      finished: (runId, run, result) => {
        run.status.status = result.runs.some((r) => r.final.stopReason === 'cancelled') || run.cts.token.isCancellationRequested ? 'cancelled' : 'finished';
        this.panel.post({ type: 'runFinished', runId, result });
        const bad = result.runs.find((r) => ['nonFinite', 'overflow', 'error', 'diverged'].includes(r.final.stopReason));
        if (bad) void vscode.window.showWarningMessage(`Solve block ${bad.index + 1} (${bad.label}) stopped: ${bad.final.message ?? bad.final.stopReason}`);
      },
    });
  }
}
