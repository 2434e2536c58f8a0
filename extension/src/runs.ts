/**
 * The relay of every run, of any kind: it picks the runId, sends `regress/run`, shows a progress notification with a
 * working Cancel, forwards each `regress/runEvent` to the results panel unchanged, and ends the panel's stream with
 * `finished` (from the answer) or `failed` (from the error). Cancel (notification, panel, or the caller's token)
 * cancels the request; the server then answers with what ran, which the panel keeps. What differs per kind is the
 * table in runKinds.ts.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ErrorCodes, LSPErrorCodes, ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import { estimateEta, etaText, stepsOverParts, updateEta, type EtaState } from '../../common/eta';
import { finishedStatus } from '../../common/verdicts';
import { Requests, RunErrorCodes } from '../../protocol/lsp';
import type { RunKind, RunKinds, RunParams, RunResponse, RunStatus, ServerRunEvent } from '../../protocol/runs';
import type { RunInfo } from './api';
import { firstLine } from './errorText';
import { requestType } from './lspTypes';
import type { ResultsPanel } from './panel';
import { runKindUi, type ProgressUpdate, type RunKindUi } from './runKinds';
import type { RunsGoing } from './status';

/** Runs whose status the API keeps (oldest dropped first). */
const MAX_TRACKED_RUNS = 200;

export interface RunRequest<K extends RunKind> {
  kind: K;
  uri: vscode.Uri;
  options: RunKinds[K]['options'];
  /** Leave a wrongKind refusal to the caller (it runs the other kind instead): no message, no panel entry. */
  passWrongKind?: boolean;
  /** The caller's cancel, like the notification's Cancel button. */
  token?: vscode.CancellationToken;
}

interface TrackedRun<K extends RunKind = RunKind> {
  readonly kind: K;
  readonly ui: RunKindUi<K>;
  readonly cts: vscode.CancellationTokenSource;
  readonly info: { status: RunStatus; points: number };
  readonly title: string;
  /** The `started` event's data, once it came. */
  started?: RunKinds[K]['started'];
  /** Per part (solve block, repeat): progress and its total, for the percentage. */
  readonly parts: Map<number, { done: number; total: number }>;
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
  /** Percent reported so far. */
  reported: number;
  /** The last progress text, and the speed and time left (common/eta.ts) from the steps done over all parts. */
  message?: string;
  eta?: EtaState;
}

const hasCode = (e: unknown, code: number): e is ResponseError<unknown> => e instanceof ResponseError && e.code === code;

export class RunRelay {
  private readonly runs = new Map<string, TrackedRun>();
  /** Errors already shown to the user, so commands need not pass them on to VS Code to show again. */
  private readonly shown = new WeakSet<object>();
  private readonly runType = requestType(Requests.run);

  constructor(
    private readonly client: () => LanguageClient,
    private readonly panel: ResultsPanel,
    private readonly log: vscode.LogOutputChannel,
    /** The runs going changed (one started, moved or ended): for the status bar. */
    private readonly onRunsGoing: (runs: RunsGoing) => void,
  ) {}

  status(runId: string): RunInfo | undefined {
    const info = this.runs.get(runId)?.info;
    return info && { ...info };
  }

  cancel(runId: string) {
    this.runs.get(runId)?.cts.cancel();
  }

  /** Whether `e`, from run(), was already shown (or needs no showing: a cancel before the run started). */
  wasShown(e: unknown): boolean {
    return typeof e === 'object' && e !== null && this.shown.has(e);
  }

  /** A `regress/runEvent`: forwarded to the panel unchanged, and counted for the API and the notification. */
  onEvent(e: ServerRunEvent) {
    const run = this.runs.get(e.runId);
    // Not a run of this window (or its status was dropped): the panel would not know it either.
    if (!run || run.kind !== e.kind) return;
    this.panel.post(e);
    if (e.event === 'started') {
      run.started = e.data;
      for (const [part, total] of run.ui.parts(e.data)) run.parts.set(part, { done: 0, total });
      run.eta = updateEta(undefined, { atMs: Date.now(), ...this.steps(run) });
      return;
    }
    run.info.points += run.ui.points(e.data);
    const note = run.ui.note(e.data);
    if (note) this.log.info(`run ${e.runId} ${note}`);
    const update = run.started && run.ui.progress(e.data, run.started);
    if (update) this.advance(run, update);
  }

  /** Runs `req` and answers its result; rejects with the server's error, which it has shown unless wasShown() says not. */
  async run<K extends RunKind>(req: RunRequest<K>): Promise<RunKinds[K]['result']> {
    const runId = randomUUID();
    const ui = runKindUi(req.kind);
    const uri = req.uri.toString();
    const title = ui.title(uri, req.options);
    // RunParams<K> is a union indexed by the generic K, which an object literal cannot be checked against.
    const params = { ...req.options, kind: req.kind, runId, textDocument: { uri } } as RunParams;
    const run: TrackedRun<K> = {
      kind: req.kind,
      ui,
      title,
      cts: new vscode.CancellationTokenSource(),
      info: { status: 'running', points: 0 },
      parts: new Map(),
      reported: 0,
    };
    this.runs.set(runId, run as TrackedRun);
    while (this.runs.size > MAX_TRACKED_RUNS) this.runs.delete(this.runs.keys().next().value!);
    const external = req.token?.onCancellationRequested(() => run.cts.cancel());
    this.panel.reveal();
    this.reportGoing();
    try {
      const response = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: ui.progressTitle(title, req.options), cancellable: true },
        async (progress, token) => {
          run.progress = progress;
          const sub = token.onCancellationRequested(() => run.cts.cancel());
          try {
            return await this.client().sendRequest(this.runType, params, run.cts.token);
          } finally {
            sub.dispose();
          }
        },
      );
      return this.finished(runId, run as TrackedRun, title, response) as RunKinds[K]['result'];
    } catch (e) {
      if (req.passWrongKind && hasCode(e, RunErrorCodes.wrongKind)) {
        this.runs.delete(runId);
        throw e;
      }
      this.failed(runId, run as TrackedRun, uri, title, e);
      throw e;
    } finally {
      external?.dispose();
      run.cts.dispose();
      run.progress = undefined;
      this.reportGoing();
    }
  }

  private finished(runId: string, run: TrackedRun, title: string, response: RunResponse): RunResponse['result'] {
    if (response.kind !== run.kind) throw new Error(`the server answered a ${run.kind} run with a ${response.kind} result`);
    run.info.status = finishedStatus(response);
    this.panel.post({ event: 'finished', runId, ...response });
    const warning = run.ui.badStop(response.result, title);
    if (warning) void vscode.window.showWarningMessage(warning);
    return response.result;
  }

  private failed(runId: string, run: TrackedRun, uri: string, title: string, e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    if (typeof e === 'object' && e !== null) this.shown.add(e);
    const noun = run.ui.noun;
    // Cancelled while the server was still building the document: nothing ran, so there is nothing to show.
    if (hasCode(e, LSPErrorCodes.RequestCancelled) && run.cts.token.isCancellationRequested) {
      run.info.status = 'cancelled';
      this.log.info(`${noun.toLowerCase()} ${runId} cancelled before it started`);
      return;
    }
    // Only the API reaches an untrusted server (commands ask for trust first): say why, but show no run.
    if (hasCode(e, RunErrorCodes.untrusted)) {
      this.runs.delete(runId);
      void vscode.window.showInformationMessage(firstLine(message));
      return;
    }
    // The connection to the server closed while the request was pending: the process stopped (crash, kill).
    const interrupted = hasCode(e, ErrorCodes.PendingResponseRejected);
    run.info.status = interrupted ? 'interrupted' : 'failed';
    this.panel.post({ event: 'failed', kind: run.kind, runId, uri, title, message, ...(interrupted ? { interrupted } : {}) });
    this.log.error(`${noun.toLowerCase()} ${runId} ${interrupted ? 'interrupted' : 'failed'}: ${message}`);
    if (interrupted)
      void vscode.window.showWarningMessage(`${noun} interrupted: the language server stopped. The panel keeps what arrived.`);
    else if (hasCode(e, RunErrorCodes.invalidDocument)) {
      // The message's first line says how many errors, the second names the first one with its line:col.
      void vscode.window.showErrorMessage(message.split('\n').slice(0, 2).join(' '), 'Show Problems').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    } else void vscode.window.showErrorMessage(`${noun} failed: ${firstLine(message)}`);
  }

  /** An event moved part `u.part`: the notification shows the mean over parts, the text, the speed and time left. */
  private advance(run: TrackedRun, u: ProgressUpdate) {
    const part = run.parts.get(u.part) ?? { done: 0, total: 0 };
    run.parts.set(u.part, part);
    if (u.at) {
      part.done = u.at.done;
      part.total = u.at.total;
      run.message = u.at.message;
    }
    if (u.ended) part.total = part.done;
    const fraction = this.fraction(run);
    run.eta = updateEta(run.eta, { atMs: Date.now(), ...this.steps(run) });
    // Progress takes increments: report only the increase since the last report.
    const increment = fraction * 100 - run.reported;
    run.reported = fraction * 100;
    run.progress?.report({ increment, message: [run.message, etaText(estimateEta(run.eta))].filter(Boolean).join(' · ') });
    this.reportGoing();
  }

  /** The mean over parts of each one's fraction done, so a part done counts 1/parts. */
  private fraction(run: TrackedRun): number {
    const parts = [...run.parts.values()];
    return parts.length ? parts.reduce((s, p) => s + (p.total ? Math.min(1, p.done / p.total) : 0), 0) / parts.length : 0;
  }

  /** Steps done and planned over all parts; the total is unknown (0) while a part's is. */
  private steps(run: TrackedRun): { done: number; total: number } {
    return stepsOverParts(run.parts.values());
  }

  private reportGoing() {
    const going = [...this.runs.values()].filter((r) => r.info.status === 'running');
    this.onRunsGoing({
      count: going.length,
      percent: going.length ? (going.reduce((s, r) => s + this.fraction(r), 0) / going.length) * 100 : 0,
      lines: going.map((r) => `${r.title}: ${Math.floor(this.fraction(r) * 100)}% · ${etaText(estimateEta(r.eta, Date.now()))}`),
    });
  }
}
