/**
 * Messages that are not what they claim, beyond the requests' params: malformed document-sync notifications (which
 * have no answer to carry an error) never end the server, positional params of the custom requests are refused, and a
 * document too large to format is left as it is, quickly, instead of exhausting the server's memory.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Requests } from '../../protocol/lsp';
import { TestClient } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 0 });
});
after(() => client.close());

const alive = async () => {
  const uri = client.open(`alive-${Math.random().toString(36).slice(2)}.regress`, 'problem softmax normalized\nn = 3\nd = 2\n');
  await client.diagnosticsFor(uri, 1);
};

test('malformed didOpen, didChange and didClose notifications are dropped with a warning; the server lives on', async () => {
  const uri = 'file:///tmp/regress-tests/malformed.regress';
  const notes: [string, unknown][] = [
    ['textDocument/didOpen', { textDocument: { uri, languageId: 'regress', text: 'problem softmax normalized\n' } }],
    ['textDocument/didOpen', { textDocument: { uri: 5, languageId: 'regress', version: 1, text: 'x' } }],
    ['textDocument/didOpen', { textDocument: { uri, languageId: 'regress', version: 1 } }],
    ['textDocument/didOpen', null],
    ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 5 }] }],
    [
      'textDocument/didChange',
      { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'x', range: { start: { line: -1, character: 0 }, end: null } }] },
    ],
    ['textDocument/didChange', { textDocument: { uri }, contentChanges: 'x' }],
    ['textDocument/didClose', { textDocument: {} }],
  ];
  for (const [method, params] of notes) {
    await client.connection.sendNotification(method, params);
    await alive();
  }
  assert.equal((client.stderr.match(/TypeError/g) ?? []).length, 0, client.stderr);
  assert.ok(client.logged().filter((m) => /Ignored a malformed/.test(m)).length >= notes.length, 'each one logged');
});

test('positional params of regress/run are InvalidParams, and nothing runs', async () => {
  for (const kind of ['solve', 'experiment']) {
    await assert.rejects(
      client.connection.sendRequest(Requests.run.method, { kind, textDocument: { uri: 'file:///x.regress' }, runId: 'p' }, null),
      (e: { code: number }) => e.code === -32602,
    );
  }
  assert.equal(client.started().length, 0);
});

test('a document above the formatting limit (1 MiB) is left as it is, at once', async () => {
  const rows = Array.from({ length: 250_000 }, (_, i) => `${i % 7}   ${(i * 3) % 11}`).join('\n');
  const uri = client.open('huge-literal.regress', `problem softmax normalized\nd = 2\nA = [\n${rows}\n]\n`);
  const t0 = Date.now();
  const edits = await client.connection.sendRequest('textDocument/formatting', {
    textDocument: { uri },
    options: { tabSize: 2, insertSpaces: true },
  });
  assert.deepEqual(edits, []);
  assert.ok(Date.now() - t0 < 5000, `${Date.now() - t0} ms`);
  // The same text under the limit is formatted (its columns realigned): the limit, not a broken formatter, left it.
  const small = client.open(
    'small-literal.regress',
    `problem softmax normalized\nd = 2\nA = [\n${rows.split('\n').slice(0, 50).join('\n')}\n]\n`,
  );
  const smallEdits = (await client.connection.sendRequest('textDocument/formatting', {
    textDocument: { uri: small },
    options: { tabSize: 2, insertSpaces: true },
  })) as unknown[];
  assert.equal(smallEdits.length, 1);
});
