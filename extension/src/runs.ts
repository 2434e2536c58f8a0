/**
 * Solve runs from the editor: each gets a runId, a progress notification with a working Cancel, and a place in
 * the results panel. Cancel (notification or panel button) cancels the LSP request; the server then answers
 * with the partial result, which the panel keeps.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import type { SolveProgressParams, SolveStartedParams } from '../../protocol/lsp';
import { SolveErrorCodes } from '../../protocol/lsp';
import type { SolveResult } from '../../protocol/results';
import type { RunStatus } from './api';
import { solveRequest } from './client';
import type { ResultsPanel } from './panel';

/** Statuses kept for the API (oldest dropped first). */
const MAX_TRACKED_RUNS = 200;

interface ActiveRun {
  cts: vscode.CancellationTokenSource;
  status: RunStatus;
  title: string;
  /** Per solve block: last k and its step limit, for the progress percentage. */
  blocks: Map<number, { k: number; max: number }>;
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
  reported: number;
}

export class Runs {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(
    private readonly client: () => LanguageClient,
    private readonly panel: ResultsPanel,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  status(runId: string): RunStatus | undefined {
    return this.runs.get(runId)?.status;
  }

  cancel(runId: string) {
    this.runs.get(runId)?.cts.cancel();
  }

  onStarted(p: SolveStartedParams) {
    const run = this.runs.get(p.runId);
    if (!run) return;
    for (const r of p.runs) run.blocks.set(r.index, { k: 0, max: r.options.steps ?? 0 });
    this.panel.post({ type: 'runStarted', runId: p.runId, title: run.title, source: p.uri, problem: p.problem, runs: p.runs, startedAt: Date.now() });
  }

  onProgress(p: SolveProgressParams) {
    const run = this.runs.get(p.runId);
    if (!run || p.points.length === 0) return;
    run.status.points += p.points.length;
    this.panel.post({ type: 'points', runId: p.runId, runIndex: p.runIndex, points: p.points, maxSteps: p.maxSteps });
    const last = p.points[p.points.length - 1];
    run.blocks.set(p.runIndex, { k: last.k, max: p.maxSteps });
    // Overall fraction = mean over blocks of k/max; report only the increase since the last report.
    const blocks = [...run.blocks.values()];
    const fraction = blocks.reduce((s, b) => s + (b.max ? Math.min(1, b.k / b.max) : 0), 0) / blocks.length;
    const increment = fraction * 100 - run.reported;
    run.reported = fraction * 100;
    run.progress?.report({ increment, message: `block ${p.runIndex + 1}: k = ${last.k}/${p.maxSteps}, loss = ${last.loss.toPrecision(4)}` });
  }

  /** `bounds`: also check the in-context-learning bounds on every step (▶ Check bounds). */
  async solve(uri: vscode.Uri, solveIndex?: number, options: { bounds?: boolean } = {}): Promise<SolveResult> {
    const runId = randomUUID();
    const title = `${path.basename(uri.fsPath || uri.path)}${solveIndex === undefined ? '' : ` #${solveIndex + 1}`}`;
    const bounds = options.bounds === true;
    const run: ActiveRun = { cts: new vscode.CancellationTokenSource(), status: { status: 'running', points: 0 }, title, blocks: new Map(), reported: 0 };
    this.runs.set(runId, run);
    while (this.runs.size > MAX_TRACKED_RUNS) this.runs.delete(this.runs.keys().next().value!);
    this.panel.reveal();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `${bounds ? 'Checking bounds of' : 'Solving'} ${title}`, cancellable: true },
        async (progress, token) => {
          run.progress = progress;
          const sub = token.onCancellationRequested(() => run.cts.cancel());
          try {
            return await this.client().sendRequest(solveRequest, { textDocument: { uri: uri.toString() }, runId, solveIndex, ...(bounds ? { bounds } : {}) }, run.cts.token);
          } finally {
            sub.dispose();
          }
        },
      );
      run.status.status = result.runs.some((r) => r.final.stopReason === 'cancelled') || run.cts.token.isCancellationRequested ? 'cancelled' : 'finished';
      this.panel.post({ type: 'runFinished', runId, result });
      const bad = result.runs.find((r) => ['nonFinite', 'overflow', 'error'].includes(r.final.stopReason));
      if (bad) void vscode.window.showWarningMessage(`Solve block ${bad.index + 1} (${bad.label}) stopped: ${bad.final.message ?? bad.final.stopReason}`);
      return result;
    } catch (e) {
      run.status.status = 'failed';
      const message = e instanceof Error ? e.message : String(e);
      this.panel.post({ type: 'runFailed', runId, message });
      this.log.error(`solve ${runId} failed: ${message}`);
      if (e instanceof ResponseError && e.code === SolveErrorCodes.invalidDocument) {
        void vscode.window.showErrorMessage(message.split('\n').slice(0, 2).join(' '), 'Show Problems').then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
      } else void vscode.window.showErrorMessage(`Solve failed: ${message}`);
      throw e;
    } finally {
      run.cts.dispose();
      run.progress = undefined;
    }
  }
}
