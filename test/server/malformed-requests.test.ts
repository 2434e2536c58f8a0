import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Requests } from '../../protocol/lsp';
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
    const h = await within(
      client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 2 } }),
      'hover after a malformed request',
    );
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

test('regress/run: textDocument, kind and runId are checked before anything runs', async () => {
  await refused(Requests.run.method, [
    ...noDocument.map(([p, m]): [unknown, RegExp] => [{ ...(p as object), kind: 'solve', runId: 'r' }, m]),
    [{ textDocument: { uri }, runId: 'r' }, /^kind must be one of solve, experiment, sweep$/],
    [{ textDocument: { uri }, runId: 'r', kind: 'optimize' }, /^kind must be one of solve, experiment, sweep$/],
    [{ textDocument: { uri }, runId: 'r', kind: 7 }, /^kind must be one of solve, experiment, sweep$/],
    [{ textDocument: { uri }, runId: 'r', kind: 'toString' }, /^kind must be one of solve, experiment, sweep$/],
  ]);
  assert.equal(client.started().length, 0);
});

test('regress/run of a solve: runId, solveIndex and bounds are checked before anything runs', async () => {
  const ok = { kind: 'solve', textDocument: { uri }, runId: 'r' };
  await refused(Requests.run.method, [
    [{ kind: 'solve', textDocument: { uri } }, /runId must be a non-empty string of at most 256 characters/],
    [{ ...ok, runId: '' }, /runId must be/],
    [{ ...ok, runId: 42 }, /runId must be/],
    [{ ...ok, runId: 'x'.repeat(257) }, /runId must be/],
    [{ ...ok, solveIndex: -1 }, /solveIndex must be a whole number ≥ 0/],
    [{ ...ok, solveIndex: 0.5 }, /solveIndex must be/],
    [{ ...ok, solveIndex: '0' }, /solveIndex must be/],
    [{ ...ok, bounds: 'yes' }, /bounds must be true or false/],
  ]);
  // Nothing was announced for the refused requests, and a valid one still runs.
  assert.equal(client.started().length, 0);
  const result = await within(
    client.solve({ textDocument: { uri }, runId: 'x'.repeat(256), solveIndex: 0, bounds: false }),
    'a valid solve',
  );
  assert.equal(result.runs.length, 1);
});

test('regress/run of an experiment: runId is checked before anything runs', async () => {
  const experiment = client.open('tiny.regress', TINY_EXPERIMENT);
  await refused(Requests.run.method, [
    [{ kind: 'experiment', textDocument: { uri: experiment } }, /runId must be/],
    [{ kind: 'experiment', textDocument: { uri: experiment }, runId: '' }, /runId must be/],
  ]);
  assert.equal(client.started().filter((e) => e.kind === 'experiment').length, 0);
});

test('regress/run: a runId already running is refused, so two runs never share one stream of events; once ended it is free again', async () => {
  const long = client.open('long.regress', TINY_EXPERIMENT.replace('steps = 20', 'steps = 100000000'));
  const source = client.newToken();
  const first = client.experiment({ textDocument: { uri: long }, runId: 'busy' }, source.token);
  await client.waitFor(() => client.started().some((e) => e.runId === 'busy'), 'the first run started');
  for (const kind of ['experiment', 'solve'] as const) {
    const e = await failure(
      client.connection.sendRequest(Requests.run.method, { kind, textDocument: { uri: kind === 'solve' ? uri : long }, runId: 'busy' }),
      `a second ${kind} run 'busy'`,
    );
    assert.equal(e.code, INVALID_PARAMS, e.message);
    assert.match(e.message, /^runId busy is already in use by a run that has not ended/);
  }
  assert.equal(client.started().filter((e) => e.runId === 'busy').length, 1, 'the second run never started');
  source.cancel();
  assert.equal((await within(first, 'the cancelled first run')).stopReason, 'cancelled');
  const again = await within(client.solve({ textDocument: { uri }, runId: 'busy' }), 'a run reusing the ended run’s id');
  assert.equal(again.runs.length, 1);
});
