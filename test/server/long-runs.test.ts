/**
 * Long runs over the protocol: a cancel that arrives together with its request is never lost (for solves and
 * experiments), and a long solve streams a thinned trajectory that the final result contains.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Requests } from '../../protocol/lsp';
import { EXAMPLES } from '../paths';
import { TINY_EXPERIMENT } from '../tinyExperiment';
import { TestClient } from './lsp-client';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
const LONG = QUICKSTART.replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 100000000 gradtol = 0');

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ maxConcurrentRuns: 1 });
});
after(() => client.close());

test('a solve cancelled in the same write as its request stops, and the next solve still runs', { timeout: 60_000 }, async () => {
  const uri = client.open('pre-cancelled.regress', LONG);
  await client.diagnosticsFor(uri, 1); // the raw write must not overtake the connection's didOpen
  client.writeRaw(
    { id: 'raw-solve', method: Requests.run.method, params: { kind: 'solve', textDocument: { uri }, runId: 'pre' } },
    { method: '$/cancelRequest', params: { id: 'raw-solve' } },
  );
  // 10⁸ steps take hours: with one run at a time, the next solve answers only if the cancel took effect (the run
  // never started, or stopped).
  await client.idle();
  const quick = client.open('after.regress', QUICKSTART.replace('steps = 2000', 'steps = 5'));
  const result = await client.solve({ textDocument: { uri: quick }, runId: 'after' });
  assert.equal(result.runs[0].final.stopReason, 'steps', 'the queue is free again');
});

test(
  'an experiment cancelled in the same write as its request stops, and the next experiment still runs',
  { timeout: 60_000 },
  async () => {
    const uri = client.open(
      'pre-cancelled-experiment.regress',
      TINY_EXPERIMENT.replace('steps = 20', 'steps = 10000000').replace('repeats = 2', 'repeats = 1000'),
    );
    await client.diagnosticsFor(uri, 1);
    client.writeRaw(
      { id: 'raw-exp', method: Requests.run.method, params: { kind: 'experiment', textDocument: { uri }, runId: 'pre-exp' } },
      { method: '$/cancelRequest', params: { id: 'raw-exp' } },
    );
    // Hours of training unless the cancel took effect: with one run at a time the next experiment would wait for it.
    const tiny = client.open('after-experiment.regress', TINY_EXPERIMENT);
    const result = await client.experiment({ textDocument: { uri: tiny }, runId: 'after-exp' });
    assert.equal(result.stopReason, 'done');
  },
);

test('a long solve streams a thinned trajectory: dense at first, gaps of at most k/512, all in the final result', async () => {
  const uri = client.open('thinned.regress', QUICKSTART.replace(/solve gd .*/, 'solve gd lr = 0.5 steps = 300000 gradtol = 0'));
  const result = await client.solve({ textDocument: { uri }, runId: 'thin' });
  const run = result.runs[0];
  assert.equal(run.final.stopReason, 'steps');
  assert.equal(run.final.iterations, 300_000);
  const streamed = client.solveProgress('thin').flatMap((p) => p.points);
  const kept = new Set(run.iterations.map((p) => p.k));
  assert.ok(
    streamed.every((p) => kept.has(p.k)),
    'every streamed point is in the result',
  );
  const ks = run.iterations.map((p) => p.k);
  for (let k = 0; k < 1024; k++) assert.equal(ks[k], k);
  for (let i = 1; i < ks.length; i++)
    assert.ok(ks[i] > ks[i - 1] && ks[i] - ks[i - 1] <= Math.max(1, ks[i - 1] / 512), `gap ${ks[i - 1]} → ${ks[i]}`);
  assert.equal(ks.at(-1), 300_000);
  // log2(300000 / 1024) ≈ 8.2 octaves of 512 points after the first 1024.
  assert.ok(ks.length < 1024 + 512 * 9 + 2, `${ks.length} points kept of 300,001`);
});

test('a cancel while the document is still being built answers at once, not when the build ends', { timeout: 180_000 }, async () => {
  const heavy =
    'problem attention normalized\nn = 1536\nd = 1536\nseed = 5\nA1 = normal(scale = 0.02)\nA2 = A1\nXstar = normal()\nB = planted(Xstar)\nX0 = zeros()\nsolve gd steps = 1\n';
  const uri = client.open('heavy.regress', heavy);
  const cts = client.newToken();
  const t0 = Date.now();
  const cancelled = client.solve({ textDocument: { uri }, runId: 'heavy-cancelled' }, cts.token);
  const waiting = client.solve({ textDocument: { uri }, runId: 'heavy' });
  await new Promise((r) => setTimeout(r, 100));
  cts.cancel();
  await assert.rejects(cancelled, (e: { code: number }) => e.code === -32800);
  const cancelMs = Date.now() - t0;
  assert.equal((await waiting).runs[0].final.stopReason, 'steps');
  const buildMs = Date.now() - t0;
  console.log(`cancel answered after ${cancelMs} ms; the uncancelled solve of the same document after ${buildMs} ms`);
  assert.ok(cancelMs < 1000 && buildMs > 3 * cancelMs, `cancel ${cancelMs} ms, build and solve ${buildMs} ms`);
});
