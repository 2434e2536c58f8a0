/**
 * The .regress language server: diagnostics while typing, hover, CodeLens, and solver runs on worker threads.
 * Started by the extension (IPC) or by any LSP client with --stdio.
 */
import { join } from 'node:path';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, type ServerStatusParams, type SolveParams } from '../../../protocol/lsp';
import { SolveScheduler } from '../jobs/scheduler';
import { Analyses } from './analyses';
import { codeLenses } from './codelens';
import { toLspDiagnostic } from './convert';
import { hoverAt } from './hover';
import { handleSolve } from './solve';

/** Options the client may pass in initializationOptions. */
interface InitOptions {
  maxConcurrentRuns?: number;
  diagnosticsDelayMs?: number;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let analyses!: Analyses;
let scheduler!: SolveScheduler;

function sendStatus(running: number, queued: number) {
  const quiescent = running === 0 && queued === 0;
  const status: ServerStatusParams = {
    health: 'ok',
    quiescent,
    running,
    queued,
    message: quiescent ? 'Idle' : `${running} solve${running === 1 ? '' : 's'} running${queued ? `, ${queued} queued` : ''}`,
  };
  void connection.sendNotification(Methods.serverStatus, status);
}

connection.onInitialize((params) => {
  const opts = (params.initializationOptions ?? {}) as InitOptions;
  analyses = new Analyses(
    (doc, a) => void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.diagnostics.map(toLspDiagnostic) }),
    opts.diagnosticsDelayMs ?? 200,
  );
  scheduler = new SolveScheduler(join(__dirname, 'solverWorker.js'), opts.maxConcurrentRuns ?? 1, (s) => sendStatus(s.running, s.queued));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'regress-lab', version: '0.1.0' },
  };
});

connection.onInitialized(() => sendStatus(0, 0));

documents.onDidOpen((e) => analyses.changed(e.document, true));
documents.onDidChangeContent((e) => analyses.changed(e.document));
documents.onDidClose((e) => {
  analyses.closed(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((p) => {
  const doc = documents.get(p.textDocument.uri);
  return doc ? hoverAt(analyses.get(doc), p.position.line, p.position.character) : null;
});

connection.onCodeLens((p) => {
  const doc = documents.get(p.textDocument.uri);
  return doc ? codeLenses(doc.uri, analyses.get(doc)) : [];
});

connection.onRequest(Methods.solve, (params: SolveParams, token) => handleSolve(params, token, { connection, documents, analyses, scheduler }));

connection.onDidChangeConfiguration((change) => {
  const max = (change.settings as { regressLab?: { solver?: { maxConcurrentRuns?: number } } } | undefined)?.regressLab?.solver?.maxConcurrentRuns;
  if (typeof max === 'number') scheduler.setMaxConcurrent(max);
});

documents.listen(connection);
connection.listen();
