/** What the run requests (`regress/solve`, `regress/experiment`) share: the document's analysis and their refusals. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ResponseError, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SolveErrorCodes } from '../../../protocol/lsp';
import { analyze, type Analysis } from '../language/analyze';
import type { Analyses } from './analyses';

/** The analysis of an open document (memoized), or of the file on disk when the client asks about a closed one. */
export async function analysisFor(uri: string, documents: TextDocuments<TextDocument>, analyses: Analyses): Promise<Analysis> {
  const doc = documents.get(uri);
  return doc ? analyses.get(doc) : analyze(await readClosed(uri), analyses.files(uri));
}

/** Refuses a run of a document with errors (or without `runnable`, what the run needs), listing the first errors as line:col: message. */
export function refuseErrors<T>(analysis: Analysis, what: 'problem' | 'experiment', runnable: T | undefined): asserts runnable is T {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0 && runnable !== undefined) return;
  const list = errors.slice(0, 5).map((d) => `${d.span.start.line + 1}:${d.span.start.col + 1}: ${d.message}`);
  throw new ResponseError(SolveErrorCodes.invalidDocument, `The ${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${list.join('\n')}`);
}

async function readClosed(uri: string): Promise<string> {
  if (!uri.startsWith('file:')) throw new ResponseError(SolveErrorCodes.invalidDocument, `Cannot read ${uri}: open it in the editor first`);
  return readFile(fileURLToPath(uri), 'utf8');
}
