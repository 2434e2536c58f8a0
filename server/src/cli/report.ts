/**
 * The standalone HTML report: the results panel's bundle with the messages the live panel would have received,
 * embedded and replayed (protocol/webview.ts), for solves and experiments alike.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SolveResult } from '../../../protocol/results';
import type { ToPanel } from '../../../protocol/webview';
import { makeNonce, renderPanelHtml } from '../../../webview/page';

/** An output file that cannot be written: the CLI says so and exits 2 (a usage problem), never with a stack trace. */
export class OutputError extends Error {}

/** Why `out` cannot be an output file, checked before any work is done; undefined when it looks writable. */
export function outputProblem(out: string): string | undefined {
  try {
    if (statSync(out).isDirectory()) return `cannot write ${out}: it is a directory (give a file name, e.g. ${join(out, 'report.html')})`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return `cannot write ${out}: ${code ?? String(e)}`;
  }
  return undefined;
}

export function writeReport(out: string, source: string, messages: ToPanel[]) {
  const problem = outputProblem(out);
  if (problem) throw new OutputError(problem);
  const dist = __dirname;
  const html = renderPanelHtml({
    title: `Attention Regression Lab — ${source}`,
    cspSource: '',
    nonce: makeNonce(),
    script: { inline: readFileSync(join(dist, 'webview.js'), 'utf8') },
    style: { inline: readFileSync(join(dist, 'webview.css'), 'utf8') },
    report: { version: 1, generatedAt: new Date().toISOString(), messages },
  });
  try {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, html);
  } catch (e) {
    throw new OutputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** A finished solve as the panel's message sequence: started, each block's points, finished. */
export function solveMessages(r: SolveResult): ToPanel[] {
  return [
    { type: 'runStarted', runId: r.runId, title: r.source, source: r.source, problem: r.problem, runs: r.runs.map((x) => ({ index: x.index, method: x.method, options: x.options, line: 0, label: x.label })), startedAt: Date.now() },
    ...r.runs.map((x): ToPanel => ({ type: 'points', runId: r.runId, runIndex: x.index, points: x.iterations, maxSteps: x.options.steps ?? x.iterations.length })),
    { type: 'runFinished', runId: r.runId, result: r },
  ];
}
