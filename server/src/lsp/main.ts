/**
 * The .regress language server: diagnostics while typing, hover, CodeLens, and solver and experiment runs on worker
 * threads.
 * Started by the extension (IPC) or by any LSP client with --stdio.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type WorkspaceFolder } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Notifications, Requests } from '../../../protocol/lsp';
import { RUN_KINDS } from '../../../protocol/runs';
import { JobScheduler, type SchedulerStatus } from '../jobs/scheduler';
import { Analyses } from './analyses';
import { formatDocument } from '../language/format';
import { codeLenses } from './codelens';
import { completions } from './completion';
import { toLspDiagnostic } from './convert';
import { LastBounds } from './boundsHover';
import { hoverAt } from './hover';
import { documentSymbols, foldingRanges } from './outline';
import { handleRun } from './run';
import { incomingRequest, notificationType } from './signatures';
import {
  checkDocument,
  checkedSync,
  checkPosition,
  DIAGNOSTICS_DELAY_MS,
  integerSetting,
  MAX_CONCURRENT_RUNS,
  runParams,
} from './validate';
import { WorkspaceAnalyses } from './workspaceAnalyses';

/** Options the client may pass in initializationOptions, checked before use. */
interface InitOptions {
  maxConcurrentRuns?: unknown;
  diagnosticsDelayMs?: unknown;
  /** Workspace Trust; absent (editors other than VS Code) means trusted. */
  trusted?: unknown;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let analyses!: Analyses;
let scheduler!: JobScheduler;
let roots: string[] = [];
/** Whether the client sends workspace-folder changes; registering for them otherwise fails (editors other than VS Code). */
let folderEvents = false;
const lastBounds = new LastBounds();
const warn = (message: string) => connection.console.warn(message);
const serverStatus = notificationType(Notifications.serverStatus);
const runEvent = notificationType(Notifications.runEvent);

function setRoots(folders: WorkspaceFolder[] | null | undefined, rootUri?: string | null) {
  const uris = folders?.length ? folders.map((f) => f.uri) : rootUri ? [rootUri] : [];
  roots = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
}

/** The scheduler's state for the status bar, e.g. "1 solve and 1 experiment running, 2 queued". */
function sendStatus({ running, queued }: SchedulerStatus) {
  const counts = RUN_KINDS.flatMap((kind) => {
    const k = running[kind] ?? 0;
    return k ? [{ k, text: `${k} ${kind}${k === 1 ? '' : 's'}` }] : [];
  });
  const total = counts.reduce((n, c) => n + c.k, 0);
  const quiescent = total === 0 && queued === 0;
  const message = quiescent
    ? 'Idle'
    : `${counts.map((c) => c.text).join(' and ') || 'nothing'} running${queued ? `, ${queued} queued` : ''}`;
  void connection.sendNotification(serverStatus, { quiescent, running: total, queued, message });
}

connection.onInitialize((params) => {
  const opts = (params.initializationOptions ?? {}) as InitOptions;
  setRoots(params.workspaceFolders, params.rootUri);
  folderEvents = !!params.capabilities.workspace?.workspaceFolders;
  analyses = new WorkspaceAnalyses(
    (doc, a) => void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.diagnostics.map(toLspDiagnostic) }),
    integerSetting(DIAGNOSTICS_DELAY_MS, opts.diagnosticsDelayMs, warn),
    () => roots,
    opts.trusted !== false,
  );
  scheduler = new JobScheduler(
    join(__dirname, 'solverWorker.js'),
    integerSetting(MAX_CONCURRENT_RUNS, opts.maxConcurrentRuns, warn),
    sendStatus,
  );
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: ['=', '(', ' ', ','] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'regress-lab', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  sendStatus({ running: {}, queued: 0 });
  if (folderEvents)
    connection.workspace.onDidChangeWorkspaceFolders(async () => setRoots(await connection.workspace.getWorkspaceFolders()));
});

documents.onDidOpen((e) => analyses.changed(e.document, true));
documents.onDidChangeContent((e) => analyses.changed(e.document));
// The client watches data files (CSV/NPY) so load() diagnostics follow edits made outside the .regress file.
connection.onDidChangeWatchedFiles(() => analyses.dataFilesChanged(documents.all()));
documents.onDidClose((e) => {
  analyses.closed(e.document.uri);
  lastBounds.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((p) => {
  checkPosition(p);
  const doc = documents.get(p.textDocument.uri);
  return doc
    ? hoverAt(analyses.get(doc), p.position.line, p.position.character, { digest: lastBounds.get(doc.uri), version: doc.version })
    : null;
});

connection.onCompletion((p) => {
  checkPosition(p);
  const doc = documents.get(p.textDocument.uri);
  if (!doc) return [];
  const line = doc.getText({ start: { line: p.position.line, character: 0 }, end: p.position });
  return completions(analyses.get(doc), line);
});

connection.onDocumentSymbol((p) => {
  checkDocument(p);
  const doc = documents.get(p.textDocument.uri);
  return doc ? documentSymbols(analyses.get(doc)) : [];
});

connection.onFoldingRanges((p) => {
  checkDocument(p);
  const doc = documents.get(p.textDocument.uri);
  return doc ? foldingRanges(analyses.get(doc), doc.getText()) : [];
});

connection.onDocumentFormatting((p) => {
  checkDocument(p);
  const doc = documents.get(p.textDocument.uri);
  if (!doc) return [];
  const text = doc.getText();
  const formatted = formatDocument(text);
  return formatted === text ? [] : [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
});

connection.onCodeLens((p) => {
  checkDocument(p);
  const doc = documents.get(p.textDocument.uri);
  return doc ? codeLenses(doc.uri, analyses.get(doc)) : [];
});

const activeRuns = new Set<string>();
connection.onRequest(incomingRequest(Requests.run), (params, token) =>
  handleRun(runParams(params), token, {
    connection,
    notify: (e) => void connection.sendNotification(runEvent, e),
    documents,
    analyses,
    scheduler,
    lastBounds,
    active: activeRuns,
  }),
);

connection.onDidChangeConfiguration((change) => {
  const max = (change.settings as { regressLab?: { solver?: { maxConcurrentRuns?: unknown } } } | null | undefined)?.regressLab?.solver
    ?.maxConcurrentRuns;
  if (max !== undefined) scheduler.setMaxConcurrent(integerSetting(MAX_CONCURRENT_RUNS, max, warn));
});

documents.listen(checkedSync(connection, warn));
connection.listen();
