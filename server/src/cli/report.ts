/**
 * The standalone HTML report: the results panel's bundle with the run events the live panel would have received (the
 * same events, from jobs/run.ts, and the `finished` or `failed` the extension adds), embedded and replayed
 * (protocol/webview.ts), for every kind of run.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ToPanel } from '../../../protocol/webview';
import { makeNonce, renderPanelHtml } from '../../../common/panelPage';

/** An output file that cannot be written: the CLI says so and exits 2 (a usage problem), never with a stack trace. */
export class OutputError extends Error {}

/**
 * Why `out` cannot be an output file, checked before any work is done; undefined when it looks writable. `example`:
 * the file name to suggest inside a directory given instead of a file.
 */
export function outputProblem(out: string, example = 'report.html'): string | undefined {
  try {
    if (statSync(out).isDirectory()) return `cannot write ${out}: it is a directory (give a file name, e.g. ${join(out, example)})`;
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
    report: { version: 2, generatedAt: new Date().toISOString(), messages },
  });
  writeOutput(out, html);
}

/** Writes an output file, creating its folder as needed (a missing folder must not fail a run at its very end). */
export function writeOutput(out: string, text: string) {
  try {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, text);
  } catch (e) {
    throw new OutputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
