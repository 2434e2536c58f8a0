import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RunErrorCodes } from '../../protocol/lsp';
import { stopReasonText } from '../../common/verdicts';
import { EXAMPLES } from '../paths';
import { TestClient } from './lsp-client';

const QUICKSTART = readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8');
/** A solve that takes many seconds (large step budget, tiny tolerance) for the cancel and responsiveness tests. */
const LONG = QUICKSTART.replace('n = 8 ', 'n = 60')
  .replace('d = 4 ', 'd = 12')
  .replace(/solve gd .*/, 'solve gd lr = 0.01 steps = 100000000 gradtol = 0');

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
  const result = await client.solve({ textDocument: { uri }, runId });
  assert.equal(result.runId, runId);
  assert.equal(result.runs.length, 1);
  const run = result.runs[0];
  assert.equal(run.iterations.at(-1)!.k, run.final.iterations);
  assert.ok(run.final.loss < run.iterations[0].loss / 100, `loss ${run.iterations[0].loss} → ${run.final.loss}`);

  const started = client.started().filter((e) => e.runId === runId);
  assert.equal(started.length, 1);
  assert.equal(started[0].uri, uri);
  assert.equal(started[0].title, 'quick.regress');
  assert.ok(started[0].kind === 'solve', started[0].kind);
  assert.deepEqual(started[0].data.problem, { kind: 'attention', variant: 'normalized', n: 8, d: 4, reg: 0 });
  assert.deepEqual(
    started[0].data.blocks.map((b) => b.label),
    [run.label],
  );
  const progress = client.solveProgress(runId);
  // Every streamed point arrives exactly once, in order, and batched (far fewer messages than points); the result
  // holds them all, and may add the best and the last point of the thinned trajectory. The block's last batch, and
  // only that one, says how it stopped: the answer comes after every event.
  const ks = progress.flatMap((p) => p.points.map((pt) => pt.k));
  const kept = run.iterations.map((p) => p.k);
  assert.ok(ks.every((k, i) => i === 0 || k > ks[i - 1]));
  assert.ok(ks.every((k) => kept.includes(k)) && kept.length - ks.length <= 2, `${ks.length} streamed, ${kept.length} kept`);
  assert.ok(progress.length < ks.length / 5, `${progress.length} notifications for ${ks.length} points`);
  assert.ok(progress.every((p) => p.maxSteps === 2000 && p.block === 0));
  assert.deepEqual(
    progress.map((p) => p.stop?.reason),
    [...progress.slice(1).map(() => undefined), run.final.stopReason],
  );
  // The server log says the run started and how it ended.
  assert.ok(client.logged(3).includes(`solve ${runId} (quick.regress) started`), client.logged().join('\n'));
  const ended = client.logged(3).find((m) => m.startsWith(`solve ${runId} (quick.regress) ended after `));
  assert.ok(ended?.endsWith(`: #1 ${stopReasonText(run.final.stopReason)}`), client.logged().join('\n'));
});

test('cancel: a long solve stops promptly and returns its partial trajectory', async () => {
  const uri = client.open('long.regress', LONG);
  const runId = 'run-long';
  const cts = client.newToken();
  const pending = client.solve({ textDocument: { uri }, runId }, cts.token);
  // Wait for k ≥ 1, not the first batch (k = 0 only): on a busy machine the cancel could otherwise land before step 1.
  await client.waitFor(
    () => client.solveProgress(runId).some((p) => p.points.some((q) => q.k >= 1)),
    'a progress of the long run past k = 0',
  );

  // The server stays responsive while the solve runs on its worker thread: a hover is answered.
  const hover = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: 2, character: 2 },
  })) as { contents: { value: string } } | null;
  assert.ok(hover && /problem/.test(hover.contents.value));

  const cancelledAt = Date.now();
  cts.cancel();
  const result = await pending;
  const waited = Date.now() - cancelledAt;
  const run = result.runs[0];
  assert.equal(run.final.stopReason, 'cancelled');
  assert.equal(result.cancelled, true);
  assert.ok(run.final.iterations > 0 && run.final.iterations < 100_000_000);
  assert.ok(waited < 5000, `cancellation took ${waited} ms`);
  assert.equal(client.solveProgress(runId).at(-1)?.stop?.reason, 'cancelled', 'the last batch says the block was cancelled');
  await client.idle();
  assert.ok(client.logged(3).includes(`solve ${runId} (long.regress): cancel requested`), client.logged().join('\n'));
});

test('queue: with one run at a time a second solve waits, then runs when the first is cancelled', async () => {
  const uri = client.open('queue.regress', LONG);
  const first = client.newToken();
  const second = client.newToken();
  const status = () => client.statuses.at(-1);
  const a = client.solve({ textDocument: { uri }, runId: 'q-1' }, first.token);
  await client.waitFor(() => client.solveProgress('q-1').length > 0, 'first run streaming');
  const b = client.solve({ textDocument: { uri }, runId: 'q-2' }, second.token);
  await client.waitFor(() => status()?.running === 1 && status()?.queued === 1, 'second run queued');
  assert.equal(status()?.message, '1 solve running, 1 queued');
  assert.equal(client.solveProgress('q-2').length, 0, 'the queued run has not started');
  first.cancel();
  assert.equal((await a).runs[0].final.stopReason, 'cancelled');
  await client.waitFor(() => client.solveProgress('q-2').length > 0, 'second run streaming after the first ended');
  second.cancel();
  assert.equal((await b).runs[0].final.stopReason, 'cancelled');
});

test('solve errors: a file with errors is refused with the errors listed; an unknown block index too', async () => {
  const uri = client.open('bad.regress', QUICKSTART.replace('lr = 3.0', 'lr = -1'));
  await assert.rejects(client.solve({ textDocument: { uri }, runId: 'bad' }), (e: { code: number; message: string }) => {
    assert.equal(e.code, RunErrorCodes.invalidDocument);
    assert.match(e.message, /16:15: lr must be greater than 0, not -1/);
    return true;
  });
  assert.ok(
    client.logged(2).some((m) => m.startsWith('solve bad (bad.regress) refused: The problem has 1 error')),
    client.logged().join('\n'),
  );
  const ok = client.open('ok.regress', QUICKSTART);
  await assert.rejects(
    client.solve({ textDocument: { uri: ok }, runId: 'x', solveIndex: 3 }),
    (e: { code: number }) => e.code === RunErrorCodes.noSuchSolve,
  );
});

test('CodeLens: one ▶ Solve per solve block, pointing at the block', async () => {
  const text = `${QUICKSTART}solve gd lr = 1.0 steps = 10\n`;
  const uri = client.open('lens.regress', text);
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as {
    range: { start: { line: number } };
    command: { title: string; arguments: unknown[] };
  }[];
  const solveLines = text.split('\n').flatMap((l, i) => (l.startsWith('solve') ? [i] : []));
  const perBlock = lenses.filter((l) => l.command.title === '▶ Solve');
  assert.deepEqual(
    perBlock.map((l) => l.range.start.line),
    solveLines,
  );
  assert.deepEqual(
    perBlock.map((l) => l.command.arguments),
    [
      [uri, 0],
      [uri, 1],
    ],
  );
  assert.ok(lenses.some((l) => l.command.title === '▶ Solve all (2)'));
});

test('CodeLens: one ▶ Check bounds per solve block, after its ▶ Solve, running regressLab.checkBounds on the block', async () => {
  const text = `${QUICKSTART}solve lbfgs steps = 10\n`;
  const uri = client.open('lens-bounds.regress', text);
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as {
    range: { start: { line: number } };
    command: { title: string; command: string; arguments: unknown[] };
  }[];
  const solveLines = text.split('\n').flatMap((l, i) => (l.startsWith('solve') ? [i] : []));
  const bounds = lenses.filter((l) => l.command.title === '▶ Check bounds');
  assert.deepEqual(
    bounds.map((l) => l.range.start.line),
    solveLines,
  );
  assert.deepEqual(
    bounds.map((l) => [l.command.command, l.command.arguments]),
    [
      ['regressLab.checkBounds', [uri, 0]],
      ['regressLab.checkBounds', [uri, 1]],
    ],
  );
  // On each block's line the Solve lens comes first.
  for (const line of solveLines)
    assert.deepEqual(
      lenses.filter((l) => l.range.start.line === line).map((l) => l.command.title),
      ['▶ Solve', '▶ Check bounds'],
    );
});

const BOUNDS_FILE = `problem softmax normalized
n = 8
d = 3
seed = 4
A = normal(scale = 0.5)
xstar = normal()
b = planted(xstar)
x0 = normal(scale = 0.5)
check bounds
solve gd lr = 1.0 steps = 40
solve lbfgs steps = 15
`;
const CHECK_LINE = 8;

type HoverResult = { contents: { value: string } } | null;
const hover = async (uri: string, line: number) =>
  ((await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 3 } })) as HoverResult)
    ?.contents.value ?? '';

test('solve with bounds: every step of every run is checked, no sharp bound fails, and no data move without weights', async () => {
  const uri = client.open('bounds-flag.regress', QUICKSTART.replace('steps = 2000', 'steps = 60'));
  const plain = await client.solve({ textDocument: { uri }, runId: 'plain' });
  assert.equal(plain.runs[0].bounds, undefined, 'no bounds unless asked');
  const result = await client.solve({ textDocument: { uri }, runId: 'bounds-flag', bounds: true });
  const run = result.runs[0];
  assert.ok(run.bounds, 'the run carries its bounds');
  // One checked step per iteration: step k goes from x_k to x_k+1.
  assert.equal(run.final.iterations, 60);
  assert.equal(run.bounds.steps.length, run.iterations.length - 1);
  assert.deepEqual(
    run.bounds.steps.map((s) => s.k),
    run.iterations.slice(1).map((p) => p.k - 1),
  );
  assert.equal(run.bounds.sharpViolations, 0, run.bounds.messages.join('\n'));
  assert.ok(run.bounds.summary.every((s) => s.stepsChecked === 60));
  assert.ok(run.bounds.maxExactnessError < 1e-12);
  assert.equal(result.dataMove, undefined);
  assert.equal(result.tensor, undefined);
});

test('hover on `check bounds`: how to run it at first, then the last results per block, marked stale after an edit', async () => {
  const uri = client.open('bounds-hover.regress', BOUNDS_FILE);
  assert.match(await hover(uri, CHECK_LINE), /Not run yet.*▶ Check bounds.*regress-lab check-bounds FILE/s);
  // The `check bounds` line alone turns the checks on (no `bounds` flag).
  const result = await client.solve({ textDocument: { uri }, runId: 'bounds-line' });
  assert.deepEqual(
    result.runs.map((r) => r.bounds?.steps.length),
    result.runs.map((r) => r.final.iterations),
  );
  const text = await hover(uri, CHECK_LINE);
  assert.doesNotMatch(text, /Not run yet/);
  for (const r of result.runs) {
    const block = text.split('\n\n').find((p) => p.startsWith(`**#${r.index + 1} ${r.label}**`));
    assert.ok(block, `a paragraph for block ${r.index + 1} in:\n${text}`);
    assert.match(block, new RegExp(`— ${r.bounds!.steps.length} steps checked\\n`));
    assert.match(block, /sharp violations: \*\*0\*\* \(0 expected\)/);
    assert.match(block, /tightest sharp bound: .*, tightness 0\.\d{3}/);
    assert.match(block, /papers’ bound: worst log10\(observed\/bound\) = -?\d+\.\d; assumptions met on \d+ of \d+ steps/);
  }
  client.change(uri, `${BOUNDS_FILE}# edited\n`, 2);
  await client.diagnosticsFor(uri, 2);
  assert.match(await hover(uri, CHECK_LINE), /\(the file changed since\)/);
});

test('check bounds with the self-attention data move, and check tensor: the result carries both reports', async () => {
  const move =
    'k = 2\nlayers = 3\nWQ = normal(scale = 0.3)\nWK = normal(scale = 0.3)\nWV = normal(scale = 0.3)\nWP = normal(scale = 0.3)\n';
  const uri = client.open('move.regress', `${BOUNDS_FILE}${move}`);
  const result = await client.solve({ textDocument: { uri }, runId: 'move', solveIndex: 0 });
  assert.ok(result.dataMove);
  assert.deepEqual(
    result.dataMove.steps.map((s) => s.layer),
    [1, 2, 3],
  );
  assert.equal(result.dataMove.headDim, 2);
  assert.deepEqual(
    result.dataMove.closeness.map((c) => c.runIndex),
    [0],
  );
  assert.ok(result.dataMove.summary.filter((s) => s.kind === 'sharp').every((s) => s.violations === 0));
  assert.match(await hover(uri, CHECK_LINE), /\*\*Data move\*\* — 3 self-attention layers, head dimension 2/);

  const tensorUri = client.open(
    'tensor.regress',
    QUICKSTART.replace('steps = 2000', 'steps = 5').replace('X0 = zeros', 'X0 = zeros\ncheck tensor'),
  );
  const checked = await client.solve({ textDocument: { uri: tensorUri }, runId: 'tensor' });
  assert.ok(checked.tensor && 'pass' in checked.tensor, JSON.stringify(checked.tensor));
  assert.equal(checked.tensor.pass, true);
  assert.deepEqual([checked.tensor.sizes.rows, checked.tensor.sizes.cols], [64, 16]);
  // 𝖠 = A1⊗A2 over the memory cap is reported, and the runs still come back.
  const big = client.open(
    'tensor-big.regress',
    'problem attention normalized\nn = 200\nd = 40\nA1 = normal(scale = 0.1)\nA2 = A1\nB = simplex()\ncheck tensor\nsolve gd steps = 1\n',
  );
  const refused = await client.solve({ textDocument: { uri: big }, runId: 'tensor-big' });
  assert.ok(refused.tensor && 'error' in refused.tensor);
  assert.match(refused.tensor.error, /^A1⊗A2 would be 40,000 × 1,600 doubles/);
  assert.equal(refused.runs.length, 1);
});
