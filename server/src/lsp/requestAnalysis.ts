/** What runs of every kind need before they start: the document's analysis, and the refusals every kind shares. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ResponseError, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { RunErrorCodes } from '../../../protocol/lsp';
import type { Analysis } from '../language/analyze';
import { isInside, readRegularFile, realFolders } from '../language/datafiles';
import type { Analyses } from './analyses';
import { WorkspaceAnalyses } from './workspaceAnalyses';

/**
 * The full analysis of an open document (built on the analysis worker, memoized), or of the file on disk when the client
 * asks about a closed one. In an untrusted workspace nothing runs, so the request is refused before anything is read.
 */
export async function analysisFor(uri: string, documents: TextDocuments<TextDocument>, analyses: Analyses): Promise<Analysis> {
  // A plain Analyses knows no workspace: trusted, but with no folder to read closed documents from.
  const workspace = analyses instanceof WorkspaceAnalyses ? analyses : undefined;
  if (workspace?.trusted === false) {
    throw new ResponseError(
      RunErrorCodes.untrusted,
      'This folder is not trusted: to run solves and experiments, trust the folder (Workspaces: Manage Workspace Trust)',
    );
  }
  const doc = documents.get(uri);
  return doc ? analyses.full(doc) : analyses.fullOfText(uri, readClosed(uri, workspace?.folders() ?? []));
}

/** Refuses a run of a document with errors (or without `runnable`, what the run needs), listing the first errors as line:col: message. */
export function refuseErrors<T>(analysis: Analysis, what: 'problem' | 'experiment', runnable: T | undefined): asserts runnable is T {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0 && runnable !== undefined) return;
  const list = errors.slice(0, 5).map((d) => `${d.span.start.line + 1}:${d.span.start.col + 1}: ${d.message}`);
  throw new ResponseError(
    RunErrorCodes.invalidDocument,
    `The ${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${list.join('\n')}`,
  );
}

/**
 * The text of a document the client has not opened: a regular file inside a workspace folder (symbolic links
 * resolved), read only up to MAX_FILE_BYTES. Refusals name no path: the client knows which document it asked for, and
 * a path outside the workspace is refused as written, before the file system is asked anything about it.
 */
function readClosed(uri: string, folders: string[]): string {
  const refuse = (message: string) => new ResponseError(RunErrorCodes.invalidDocument, message);
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
  let path: string;
  try {
    path = fileURLToPath(uri);
  } catch {
    throw refuse('Cannot read this document: it is not a file on disk; open it in the editor first');
  }
  if (folders.length === 0) throw refuse('Cannot read a closed document without a workspace folder: open it in the editor first');
  const outside = refuse('Cannot read a file outside the workspace folders: open it in the editor first');
  const real = realFolders(folders);
  if (!isInside(path, [...folders, ...real])) throw outside;
  let target: string;
  try {
    target = realpathSync(path);
  } catch (e) {
    throw refuse(`Cannot read the document: ${code(e) === 'ENOENT' ? 'no such file in the workspace folders' : code(e)}`);
  }
  if (!isInside(target, real)) throw outside;
  try {
    return new TextDecoder().decode(readRegularFile(target));
  } catch (e) {
    throw refuse(`Cannot read the document: ${code(e)}`);
  }
}
