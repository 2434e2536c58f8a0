import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { RunErrorCodes } from '../../protocol/lsp';
import { EXAMPLES } from '../paths';
import { TestClient, type PublishedDiagnostics } from './lsp-client';
import { failure, initializeIn, openPath, within } from './workspace';

const QUICK = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8').replace('steps = 2000', 'steps = 20');
/** Above the 256 MiB cap on files the server reads; sparse, so it costs no disk. */
const HUGE = 300 * 2 ** 20;

let ws: string;
let outside: string;
let client: TestClient;
before(async () => {
  ws = mkdtempSync(join(tmpdir(), 'regress-closed-ws-'));
  outside = mkdtempSync(join(tmpdir(), 'regress-closed-out-'));
  writeFileSync(join(ws, 'quick.regress'), QUICK);
  writeFileSync(join(outside, 'secret.regress'), QUICK.replace('seed = 7', 'seed = 7 # secret-content-42'));
  symlinkSync(join(outside, 'secret.regress'), join(ws, 'link.regress'));
  execFileSync('mkfifo', [join(ws, 'pipe.regress'), join(ws, 'pipe.csv')]);
  mkdirSync(join(ws, 'dir.regress'));
  writeFileSync(join(ws, 'huge.regress'), '');
  truncateSync(join(ws, 'huge.regress'), HUGE);
  writeFileSync(join(ws, 'huge.csv'), '');
  truncateSync(join(ws, 'huge.csv'), HUGE);
  client = new TestClient();
  await initializeIn(client, ws);
});
after(async () => {
  await client.close();
  rmSync(ws, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const uriOf = (path: string) => pathToFileURL(path).toString();
const solve = (uri: string, runId: string) => client.solve({ textDocument: { uri }, runId });
/** The server still answers: a hover on an open document. */
async function stillAnswers() {
  const uri = client.open('alive.regress', QUICK);
  const h = await within(
    client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 2 } }),
    'a hover after the refused request',
  );
  assert.ok(h, 'the hover has contents');
}

test('closed documents: a regular file inside the workspace folder is solved from disk', async () => {
  const result = await within(solve(uriOf(join(ws, 'quick.regress')), 'closed-ok'), 'solve of a closed file in the workspace');
  assert.equal(result.runs[0].final.iterations, 20);
});

test('closed documents: the server never reads its own stdin (/proc/self/fd/0) and answers the next request', async () => {
  const e = await failure(solve('file:///proc/self/fd/0', 'stdin'), 'solve of /proc/self/fd/0', 5000);
  assert.equal(e.code, RunErrorCodes.invalidDocument);
  assert.equal(e.message, 'Cannot read a file outside the workspace folders: open it in the editor first');
  await stillAnswers();
});

test('closed documents: files outside the workspace, directly or through a symbolic link, are refused without naming them', async () => {
  for (const uri of [uriOf(join(outside, 'secret.regress')), uriOf(join(ws, 'link.regress')), uriOf(join(ws, '..', 'elsewhere.regress'))]) {
    const e = await failure(solve(uri, 'outside'), `solve of ${uri}`);
    assert.equal(e.code, RunErrorCodes.invalidDocument);
    assert.equal(e.message, 'Cannot read a file outside the workspace folders: open it in the editor first');
  }
});

test('closed documents: a FIFO, a directory and a file above the size cap are refused at once', async () => {
  const cases: [string, RegExp][] = [
    ['pipe.regress', /^Cannot read the document: not a regular file$/],
    ['dir.regress', /^Cannot read the document: not a regular file$/],
    ['huge.regress', /^Cannot read the document: larger than 256 MiB, the limit for files the server reads$/],
    ['missing.regress', /^Cannot read the document: no such file in the workspace folders$/],
  ];
  for (const [name, message] of cases) {
    const e = await failure(solve(uriOf(join(ws, name)), name), `solve of ${name}`, 5000);
    assert.equal(e.code, RunErrorCodes.invalidDocument, `${name}: ${e.message}`);
    assert.match(e.message, message);
    assert.ok(!e.message.includes(ws), `${name}: the message names no path`);
  }
  await stillAnswers();
});

test('closed documents: without a workspace folder no closed file is read', async () => {
  const bare = new TestClient();
  try {
    await initializeIn(bare, undefined);
    const e = await failure(
      bare.solve({ textDocument: { uri: uriOf(join(ws, 'quick.regress')) }, runId: 'bare' }),
      'solve without folders',
    );
    assert.equal(e.code, RunErrorCodes.invalidDocument);
    assert.equal(e.message, 'Cannot read a closed document without a workspace folder: open it in the editor first');
  } finally {
    await bare.close();
  }
});

test('load(): a FIFO and a file above the size cap are diagnostics, and the server keeps answering', async () => {
  const text = (file: string) => `problem attention normalized\nn = 3\nd = 2\nA1 = load("${file}")\nA2 = A1\nB = simplex()\n`;
  const errors = async (file: string) => {
    const uri = openPath(client, join(ws, `load-${file}.regress`), text(file));
    const published: PublishedDiagnostics = await client.diagnosticsFor(uri, 1);
    return published.diagnostics.filter((d) => d.severity === 1).map((d) => [d.range.start.line, d.message]);
  };
  assert.deepEqual(await errors('pipe.csv'), [[3, 'Cannot read pipe.csv: not a regular file']]);
  assert.deepEqual(await errors('huge.csv'), [[3, 'Cannot read huge.csv: larger than 256 MiB, the limit for files the server reads']]);
  await stillAnswers();
});
