import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Methods, SolveErrorCodes, type RunFinishedParams, type ServerStatusParams, type SolveProgressParams, type SolveStartedParams } from '../../protocol/lsp';
import type { SolveResult } from '../../protocol/results';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
/** A solve that takes many seconds (large step budget, tiny tolerance) for the cancel and responsiveness tests. */
const LONG = QUICKSTART.replace('n = 8 ', 'n = 60').replace('d = 4 ', 'd = 12').replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 100000000 gradtol = 0');

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 20 });
});
after(() => client.close());

test('diagnostics: a broken file gets one error at the exact range; fixing it clears it', async () => {
  const broken = QUICKSTART.replace('A2 = normal(scale = 0.5)', 'A2 = nromal(scale = 0.5)');
  const uri = client.open('broken.regress', broken, 1);
  const first = await client.diagnosticsFor(uri, 1);
  const errors = first.diagnostics.filter((d) => d.severity === 1);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].message, /Unknown generator or name 'nromal' \(did you mean 'normal'\?\)/);
  const line = broken.split('\n').findIndex((l) => l.startsWith('A2 ='));
  assert.deepEqual(errors[0].range, { start: { line, character: 5 }, end: { line, character: 11 } });
  client.change(uri, QUICKSTART, 2);
  const fixed = await client.diagnosticsFor(uri, 2);
  assert.deepEqual(fixed.diagnostics, []);
});

test('solve: announces the run, streams progress in batches, and answers with a decreasing trajectory', async () => {
  const uri = client.open('quick.regress', QUICKSTART);
  const runId = 'run-quick';
  const result = (await client.connection.sendRequest(Methods.solve, { textDocument: { uri }, runId })) as SolveResult;
  assert.equal(result.runId, runId);
  assert.equal(result.runs.length, 1);
  const run = result.runs[0];
  assert.equal(run.iterations.length, run.final.iterations + 1);
  assert.ok(run.final.loss < run.iterations[0].loss / 100, `loss ${run.iterations[0].loss} → ${run.final.loss}`);

  const started = client.of<SolveStartedParams>(Methods.solveStarted).filter((p) => p.runId === runId);
  assert.equal(started.length, 1);
  assert.deepEqual(started[0].problem, { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 });
  await client.waitFor(() => client.of<RunFinishedParams>(Methods.runFinished).some((p) => p.runId === runId), 'runFinished');
  const progress = client.of<SolveProgressParams>(Methods.solveProgress).filter((p) => p.runId === runId);
  // Every point arrives exactly once, in order, and batched (far fewer messages than points).
  const ks = progress.flatMap((p) => p.points.map((pt) => pt.k));
  assert.deepEqual(ks, run.iterations.map((p) => p.k));
  assert.ok(progress.length < ks.length / 5, `${progress.length} notifications for ${ks.length} points`);
  assert.ok(progress.every((p) => p.maxSteps === 2000));
});

test('cancel: a long solve stops promptly and returns its partial trajectory', async () => {
  const uri = client.open('long.regress', LONG);
  const runId = 'run-long';
  const cts = client.newToken();
  const pending = client.connection.sendRequest(Methods.solve, { textDocument: { uri }, runId }, cts.token) as Promise<SolveResult>;
  await client.waitFor(() => client.of<SolveProgressParams>(Methods.solveProgress).some((p) => p.runId === runId), 'first progress of the long run');

  // The server stays responsive while the solve runs on its worker thread: a hover is answered.
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 2 } })) as { contents: { value: string } } | null;
  assert.ok(hover && /problem/.test(hover.contents.value));

  const cancelledAt = Date.now();
  cts.cancel();
  const result = await pending;
  const waited = Date.now() - cancelledAt;
  const run = result.runs[0];
  assert.equal(run.final.stopReason, 'cancelled');
  assert.ok(run.final.iterations > 0 && run.final.iterations < 100_000_000);
  assert.ok(waited < 5000, `cancellation took ${waited} ms`);
  await client.waitFor(() => client.of<ServerStatusParams>(Methods.serverStatus).at(-1)?.quiescent === true, 'quiescent status');
});

test('queue: with one run at a time a second solve waits, then runs when the first is cancelled', async () => {
  const uri = client.open('queue.regress', LONG);
  const first = client.newToken();
  const second = client.newToken();
  const status = () => client.of<ServerStatusParams>(Methods.serverStatus).at(-1);
  const a = client.connection.sendRequest(Methods.solve, { textDocument: { uri }, runId: 'q-1' }, first.token) as Promise<SolveResult>;
  await client.waitFor(() => client.of<SolveProgressParams>(Methods.solveProgress).some((p) => p.runId === 'q-1'), 'first run streaming');
  const b = client.connection.sendRequest(Methods.solve, { textDocument: { uri }, runId: 'q-2' }, second.token) as Promise<SolveResult>;
  await client.waitFor(() => status()?.running === 1 && status()?.queued === 1, 'second run queued');
  assert.equal(client.of<SolveProgressParams>(Methods.solveProgress).some((p) => p.runId === 'q-2'), false, 'the queued run has not started');
  first.cancel();
  assert.equal((await a).runs[0].final.stopReason, 'cancelled');
  await client.waitFor(() => client.of<SolveProgressParams>(Methods.solveProgress).some((p) => p.runId === 'q-2'), 'second run streaming after the first ended');
  second.cancel();
  assert.equal((await b).runs[0].final.stopReason, 'cancelled');
});

test('solve errors: a file with errors is refused with the errors listed; an unknown block index too', async () => {
  const uri = client.open('bad.regress', QUICKSTART.replace('lr = 3.0', 'lr = -1'));
  await assert.rejects(client.connection.sendRequest(Methods.solve, { textDocument: { uri }, runId: 'bad' }), (e: { code: number; message: string }) => {
    assert.equal(e.code, SolveErrorCodes.invalidDocument);
    assert.match(e.message, /16:15: lr must be greater than 0, not -1/);
    return true;
  });
  const ok = client.open('ok.regress', QUICKSTART);
  await assert.rejects(client.connection.sendRequest(Methods.solve, { textDocument: { uri: ok }, runId: 'x', solveIndex: 3 }), (e: { code: number }) => e.code === SolveErrorCodes.noSuchSolve);
});

test('CodeLens: one ▶ Solve per solve block, pointing at the block', async () => {
  const text = `${QUICKSTART}solve gd lr = 1.0 steps = 10\n`;
  const uri = client.open('lens.regress', text);
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; arguments: unknown[] } }[];
  const solveLines = text.split('\n').flatMap((l, i) => (l.startsWith('solve') ? [i] : []));
  const perBlock = lenses.filter((l) => l.command.title === '▶ Solve');
  assert.deepEqual(perBlock.map((l) => l.range.start.line), solveLines);
  assert.deepEqual(perBlock.map((l) => l.command.arguments), [[uri, 0], [uri, 1]]);
  assert.ok(lenses.some((l) => l.command.title === '▶ Solve all (2)'));
});
