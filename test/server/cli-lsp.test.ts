/**
 * The language server as any editor starts it: `regress-lab lsp --stdio`, driven by a plain JSON-RPC client (not
 * vscode-languageclient) that sends what a generic LSP client sends: no initializationOptions, no VS Code settings.
 * docs/editors.md documents this command.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
const lineOf = (prefix: string) => QUICKSTART.split('\n').findIndex((l) => l.startsWith(prefix));

let client: TestClient;
let exited = false;
let initialize: { capabilities: Record<string, unknown>; serverInfo?: { name: string } };
before(async () => {
  client = new TestClient('cli');
  initialize = await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await client.connection.sendNotification('initialized', {});
});
after(async () => {
  if (!exited) await client.close();
});

test('`regress-lab lsp` without --stdio is a usage error (exit 2), not a server waiting on no transport', () => {
  const r = spawnSync(process.execPath, [join(DIST, 'cli.js'), 'lsp'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /lsp takes exactly --stdio/);
});

test('initialize names the server and the features an editor can use', () => {
  assert.equal(initialize.serverInfo?.name, 'regress-lab');
  for (const c of ['hoverProvider', 'completionProvider', 'documentFormattingProvider', 'documentSymbolProvider', 'textDocumentSync'])
    assert.ok(c in initialize.capabilities, c);
});

test('diagnostics: a misspelt generator is an error at its range; the fix clears it', async () => {
  const broken = QUICKSTART.replace('A2 = normal(scale = 0.5)', 'A2 = nromal(scale = 0.5)');
  const uri = client.open('any-editor.regress', broken, 1);
  const errors = (await client.diagnosticsFor(uri, 1)).diagnostics.filter((d) => d.severity === 1);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].message, /'nromal'/);
  assert.deepEqual(errors[0].range.start, { line: lineOf('A2 ='), character: 5 });
  client.change(uri, QUICKSTART, 2);
  assert.deepEqual((await client.diagnosticsFor(uri, 2)).diagnostics, []);
});

test('hover, completion and formatting answer as in VS Code', async () => {
  const uri = client.open('features.regress', QUICKSTART);
  const hover = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: lineOf('B ='), character: 0 },
  })) as { contents: { value: string } };
  assert.match(hover.contents.value, /\| shape \| 8×8 \|/);
  const c = client.open('complete.regress', 'problem ');
  const items = (await client.connection.sendRequest('textDocument/completion', {
    textDocument: { uri: c },
    position: { line: 0, character: 8 },
  })) as { label: string }[];
  assert.deepEqual(
    items.map((i) => i.label),
    ['attention', 'softmax'],
  );
  const f = client.open('format.regress', 'problem attention normalized\nA1 = [\n1 2.5\n-10 3\n]\n');
  const edits = (await client.connection.sendRequest('textDocument/formatting', {
    textDocument: { uri: f },
    options: { tabSize: 2, insertSpaces: true },
  })) as { newText: string }[];
  assert.equal(edits.length, 1);
  assert.equal(edits[0].newText, 'problem attention normalized\nA1 = [\n    1  2.5\n  -10  3\n]\n');
});

test('regress/run of a solve streams progress and stops on $/cancelRequest with its partial trajectory', async () => {
  const long = QUICKSTART.replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 100000000 gradtol = 0');
  const uri = client.open('long.regress', long);
  const runId = 'any-editor-long';
  const cts = client.newToken();
  const pending = client.solve({ textDocument: { uri }, runId }, cts.token);
  await client.waitFor(() => client.solveProgress(runId).some((p) => p.points.some((q) => q.k >= 1)), 'progress past k = 0');
  cts.cancel();
  const run = (await pending).runs[0];
  assert.equal(run.final.stopReason, 'cancelled');
  assert.ok(run.final.iterations > 0 && run.final.iterations < 100_000_000, `stopped at k = ${run.final.iterations}`);
});

test('the session logged no error, and shutdown then exit ends the process with code 0', async () => {
  // E.g. registering for workspace-folder events that this client never declared it sends.
  assert.deepEqual(client.logged(1), []);
  await client.connection.sendRequest('shutdown');
  await client.connection.sendNotification('exit');
  assert.equal(await client.exited, 0, client.stderr);
  exited = true;
});
