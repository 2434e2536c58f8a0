import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Methods } from '../../protocol/lsp';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';
import { failure, within } from './workspace';
import { TINY_EXPERIMENT } from '../tinyExperiment';

const QUICK = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8').replace('steps = 2000', 'steps = 20');
const INVALID_PARAMS = -32602;

let client: TestClient;
let uri: string;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 20 });
  uri = client.open('valid.regress', QUICK);
});
after(() => client.close());

/** Each malformed request is answered InvalidParams naming what is wrong; then a valid hover is still answered. */
async function refused(method: string, cases: [params: unknown, message: RegExp][]) {
  for (const [params, message] of cases) {
    const e = await failure(client.connection.sendRequest(method, params), `${method} ${JSON.stringify(params)}`);
    assert.equal(e.code, INVALID_PARAMS, `${method} ${JSON.stringify(params)}: ${e.code} ${e.message}`);
    assert.match(e.message, message);
    const h = await within(client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 2 } }), 'hover after a malformed request');
    assert.ok(h);
  }
}

const noDocument: [unknown, RegExp][] = [
  [{}, /textDocument\.uri must be a string/],
  [{ textDocument: 5 }, /textDocument\.uri must be a string/],
  [{ textDocument: { uri: 7 } }, /textDocument\.uri must be a string/],
];

test('hover and completion: a missing or invalid textDocument or position is InvalidParams', async () => {
  for (const method of ['textDocument/hover', 'textDocument/completion']) {
    await refused(method, [
      ...noDocument.map(([p, m]): [unknown, RegExp] => [{ ...(p as object), position: { line: 0, character: 0 } }, m]),
      [{ textDocument: { uri } }, /position must be/],
      [{ textDocument: { uri }, position: { line: 'two', character: 0 } }, /position must be/],
      [{ textDocument: { uri }, position: { line: 1, character: -1 } }, /position must be/],
      [{ textDocument: { uri }, position: { line: 1.5, character: 0 } }, /position must be/],
    ]);
  }
});

test('codeLens, documentSymbol, foldingRange and formatting: a missing or invalid textDocument is InvalidParams', async () => {
  for (const method of ['textDocument/codeLens', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/formatting']) {
    await refused(method, noDocument);
  }
});

test('regress/solve: textDocument, runId, solveIndex and bounds are checked before anything runs', async () => {
  const ok = { textDocument: { uri }, runId: 'r' };
  await refused(Methods.solve, [
    ...noDocument.map(([p, m]): [unknown, RegExp] => [{ ...(p as object), runId: 'r' }, m]),
    [{ textDocument: { uri } }, /runId must be a non-empty string of at most 256 characters/],
    [{ ...ok, runId: '' }, /runId must be/],
    [{ ...ok, runId: 42 }, /runId must be/],
    [{ ...ok, runId: 'x'.repeat(257) }, /runId must be/],
    [{ ...ok, solveIndex: -1 }, /solveIndex must be a whole number ≥ 0/],
    [{ ...ok, solveIndex: 0.5 }, /solveIndex must be/],
    [{ ...ok, solveIndex: '0' }, /solveIndex must be/],
    [{ ...ok, bounds: 'yes' }, /bounds must be true or false/],
  ]);
  // Nothing was announced for the refused requests, and a valid one still runs.
  assert.equal(client.of(Methods.solveStarted).length, 0);
  const result = (await within(client.connection.sendRequest(Methods.solve, { ...ok, runId: 'x'.repeat(256), solveIndex: 0, bounds: false }), 'a valid solve')) as { runs: unknown[] };
  assert.equal(result.runs.length, 1);
});

test('regress/experiment: textDocument and runId are checked before anything runs', async () => {
  const experiment = client.open('tiny.regress', TINY_EXPERIMENT);
  await refused(Methods.experiment, [
    ...noDocument.map(([p, m]): [unknown, RegExp] => [{ ...(p as object), runId: 'e' }, m]),
    [{ textDocument: { uri: experiment } }, /runId must be/],
    [{ textDocument: { uri: experiment }, runId: '' }, /runId must be/],
  ]);
  assert.equal(client.of(Methods.experimentStarted).length, 0);
});
