/**
 * Runs from the editor, solves and experiments alike: each gets a runId, a progress notification with a working
 * Cancel, and a place in the results panel. Cancel (notification or panel button) cancels the LSP request; the
 * server then answers with the partial result, which the panel keeps. solves.ts and experiments.ts add what differs.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { SolveErrorCodes } from '../../protocol/lsp';
import type { RunStatus } from './api';
import { firstLine } from './errorText';
import type { ResultsPanel } from './panel';

/** Statuses kept for the API (oldest dropped first). */
const MAX_TRACKED_RUNS = 200;

export interface TrackedRun {
  readonly cts: vscode.CancellationTokenSource;
  readonly status: RunStatus;
  readonly title: string;
  /** Per part (solve block or repeat): progress and its total, for the percentage. */
  readonly parts: Map<number, { done: number; total: number }>;
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
  /** Percent reported so far. */
  reported: number;
}

export interface TrackOptions<R> {
  /** The run's name in the panel and the notifications. */
  title: string;
  /** The progress notification's title. */
  progressTitle: string;
  /** What failed, for the error message ("Solve", "Experiment"). */
  noun: string;
  send(runId: string, token: vscode.CancellationToken): Promise<R>;
  finished(runId: string, run: TrackedRun, result: R): void;
  /** Leave a wrongKind refusal to the caller (it runs the other kind instead): no message, no panel entry. */
  passWrongKind?: boolean;
}

export class Runs {
  private readonly runs = new Map<string, TrackedRun>();
  /** Errors of failed runs already shown to the user, so commands need not pass them on to VS Code to show again. */
  private readonly reported = new WeakSet<object>();

  constructor(
    private readonly panel: ResultsPanel,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get(runId: string): TrackedRun | undefined {
    return this.runs.get(runId);
  }

  status(runId: string): RunStatus | undefined {
    return this.runs.get(runId)?.status;
  }

  cancel(runId: string) {
    this.runs.get(runId)?.cts.cancel();
  }

  /** Whether `e`, from track(), was already shown in a notification. */
  wasReported(e: unknown): boolean {
    return typeof e === 'object' && e !== null && this.reported.has(e);
  }

  /** Part `part` has reached `done` of `total`; the notification shows the mean over parts and `message`. */
  advance(run: TrackedRun, part: number, done: number, total: number, message: string) {
    run.parts.set(part, { done, total });
    const parts = [...run.parts.values()];
    const fraction = parts.reduce((s, p) => s + (p.total ? Math.min(1, p.done / p.total) : 0), 0) / parts.length;
    // Progress takes increments: report only the increase since the last report.
    const increment = fraction * 100 - run.reported;
    run.reported = fraction * 100;
    run.progress?.report({ increment, message });
  }

  async track<R>(o: TrackOptions<R>): Promise<R> {
    const runId = randomUUID();
    const run: TrackedRun = { cts: new vscode.CancellationTokenSource(), status: { status: 'running', points: 0 }, title: o.title, parts: new Map(), reported: 0 };
    this.runs.set(runId, run);
    while (this.runs.size > MAX_TRACKED_RUNS) this.runs.delete(this.runs.keys().next().value!);
    this.panel.reveal();
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: o.progressTitle, cancellable: true }, async (progress, token) => {
        run.progress = progress;
        const sub = token.onCancellationRequested(() => run.cts.cancel());
        try {
          return await o.send(runId, run.cts.token);
        } finally {
          sub.dispose();
        }
      });
      o.finished(runId, run, result);
      return result;
    } catch (e) {
      if (o.passWrongKind && e instanceof ResponseError && e.code === SolveErrorCodes.wrongKind) {
        this.runs.delete(runId);
        throw e;
      }
      const message = e instanceof Error ? e.message : String(e);
      if (typeof e === 'object' && e !== null) this.reported.add(e);
      // Cancelled while the server was still building the document: nothing ran, so there is nothing to show.
      if (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled && run.cts.token.isCancellationRequested) {
        run.status.status = 'cancelled';
        this.log.info(`${o.noun.toLowerCase()} ${runId} cancelled before it started`);
        throw e;
      }
      // Only the API reaches an untrusted server (commands ask for trust first): say why, but show no run.
      if (e instanceof ResponseError && e.code === SolveErrorCodes.untrusted) {
        this.runs.delete(runId);
        void vscode.window.showInformationMessage(firstLine(message));
        throw e;
      }
      // The connection to the server closed while the request was pending: the process stopped (crash, kill).
      const interrupted = e instanceof ResponseError && e.code === ErrorCodes.PendingResponseRejected;
      run.status.status = interrupted ? 'interrupted' : 'failed';
      this.panel.post({ type: 'runFailed', runId, message, ...(interrupted ? { interrupted } : {}) });
      this.log.error(`${o.noun.toLowerCase()} ${runId} ${interrupted ? 'interrupted' : 'failed'}: ${message}`);
      if (interrupted) void vscode.window.showWarningMessage(`${o.noun} interrupted: the language server stopped. The panel keeps what arrived.`);
      else if (e instanceof ResponseError && e.code === SolveErrorCodes.invalidDocument) {
        void vscode.window.showErrorMessage(message.split('\n').slice(0, 2).join(' '), 'Show Problems').then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
      } else void vscode.window.showErrorMessage(`${o.noun} failed: ${firstLine(message)}`);
      throw e;
    } finally {
      run.cts.dispose();
      run.progress = undefined;
    }
  }
}
