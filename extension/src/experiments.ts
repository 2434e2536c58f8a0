/**
 * Experiment runs: the experiment request, its notifications turned into panel messages and a "repeat r/R · step
 * s/S" progress, its result.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { IclResult } from '../../protocol/experiment';
import type { ExperimentProgressParams, ExperimentStartedParams } from '../../protocol/lsp';
import { experimentRequest } from './client';
import type { ResultsPanel } from './panel';
import type { Runs } from './runs';

export class Experiments {
  /** Each running experiment's settings, for the progress message. */
  private readonly sizes = new Map<string, { repeats: number; steps: number }>();

  constructor(
    private readonly client: () => LanguageClient,
    private readonly runs: Runs,
    private readonly panel: ResultsPanel,
  ) {}

  onStarted(p: ExperimentStartedParams) {
    const run = this.runs.get(p.runId);
    if (!run) return;
    const { repeats, steps } = p.settings;
    this.sizes.set(p.runId, { repeats, steps });
    // Every repeat is one part of the percentage, so a finished repeat counts 1/R.
    for (let r = 0; r < repeats; r++) run.parts.set(r, { done: 0, total: steps });
    this.panel.post({ type: 'experimentStarted', runId: p.runId, title: run.title, source: p.uri, settings: p.settings, startedAt: Date.now() });
  }

  onProgress(p: ExperimentProgressParams) {
    const run = this.runs.get(p.runId);
    const size = this.sizes.get(p.runId);
    if (!run || !size) return;
    run.status.points += p.checkpoints.length;
    this.panel.post({ type: 'experimentProgress', runId: p.runId, repeat: p.repeat, ...(p.start ? { start: p.start } : {}), checkpoints: p.checkpoints });
    const step = p.checkpoints.at(-1)?.step ?? 0;
    const loss = p.checkpoints.at(-1)?.tfLoss;
    const detail = loss === undefined ? (p.start ? `, GD loss = ${p.start.gdLoss.toPrecision(4)}` : '') : `, TF loss = ${loss.toPrecision(4)}`;
    this.runs.advance(run, p.repeat, step, size.steps, `repeat ${p.repeat + 1}/${size.repeats} · step ${step}/${size.steps}${detail}`);
  }

  run(uri: vscode.Uri): Promise<IclResult> {
    const title = path.basename(uri.fsPath || uri.path);
    return this.runs.track({
      title,
      progressTitle: `Running experiment ${title}`,
      noun: 'Experiment',
      send: async (runId, token) => {
        try {
          return await this.client().sendRequest(experimentRequest, { textDocument: { uri: uri.toString() }, runId }, token);
        } finally {
          this.sizes.delete(runId);
        }
      },
      finished: (runId, run, result) => {
        run.status.status = result.stopReason === 'cancelled' || run.cts.token.isCancellationRequested ? 'cancelled' : 'finished';
        this.panel.post({ type: 'experimentFinished', runId, result });
        if (result.stopReason === 'nonFinite' || result.stopReason === 'error') void vscode.window.showWarningMessage(`Experiment ${title} stopped: ${result.message ?? result.stopReason}`);
      },
    });
  }
}
