/**
 * The standalone HTML report: the results panel's bundle with the messages the live panel would have received,
 * embedded and replayed (protocol/webview.ts), for solves and experiments alike.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SolveResult } from '../../../protocol/results';
import type { ToPanel } from '../../../protocol/webview';
import { makeNonce, renderPanelHtml } from '../../../webview/page';

export function writeReport(out: string, source: string, messages: ToPanel[]) {
  const dist = __dirname;
  const html = renderPanelHtml({
    title: `Attention Regression Lab — ${source}`,
    cspSource: '',
    nonce: makeNonce(),
    script: { inline: readFileSync(join(dist, 'webview.js'), 'utf8') },
    style: { inline: readFileSync(join(dist, 'webview.css'), 'utf8') },
    report: { version: 1, generatedAt: new Date().toISOString(), messages },
  });
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, html);
}

/** A finished solve as the panel's message sequence: started, each block's points, finished. */
export function solveMessages(r: SolveResult): ToPanel[] {
  return [
    { type: 'runStarted', runId: r.runId, title: r.source, source: r.source, problem: r.problem, runs: r.runs.map((x) => ({ index: x.index, method: x.method, options: x.options, line: 0, label: x.label })), startedAt: Date.now() },
    ...r.runs.map((x): ToPanel => ({ type: 'points', runId: r.runId, runIndex: x.index, points: x.iterations, maxSteps: x.options.steps ?? x.iterations.length })),
    { type: 'runFinished', runId: r.runId, result: r },
  ];
}
