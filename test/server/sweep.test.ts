/** Sweeps over stdio: one run streaming each point's experiment, points kept after a cancel, and the wrong-kind data. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { IclRepeat, IclSummaryPoint } from '../../protocol/experiment';
import { RunErrorCodes, type WrongKindData } from '../../protocol/lsp';
import type { SweepProgress } from '../../protocol/runs';
import { EXAMPLES } from '../paths';
import { TINY_EXPERIMENT } from '../tinyExperiment';
import { TestClient } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 20 });
});
after(() => client.close());

/** The tiny experiment without its d (the sweep sets it), swept over d = 2, 3. */
const SWEEP_D = `${TINY_EXPERIMENT.replace('d = 3\n', '')}sweep d = 2, 3\n`;

/** Per point, the repeats as streamed (each starts once, before its checkpoints), and every summary row streamed. */
function replay(batches: SweepProgress[]) {
  interface Streamed {
    repeats: Map<number, IclRepeat>;
    /** Each summary row with the point's repeats as they were when it came. */
    rows: { row: IclSummaryPoint; repeats: IclRepeat[] }[];
  }
  const points = new Map<number, Streamed>();
  for (const p of batches) {
    const point: Streamed = points.get(p.point) ?? { repeats: new Map(), rows: [] };
    points.set(p.point, point);
    if (p.start) {
      assert.ok(!point.repeats.has(p.repeat), `point ${p.point}: repeat ${p.repeat} starts once`);
      point.repeats.set(p.repeat, { ...p.start, checkpoints: [] });
    }
    const r = point.repeats.get(p.repeat);
    assert.ok(r, `point ${p.point}: checkpoints of repeat ${p.repeat} after its start`);
    r.checkpoints.push(...p.checkpoints);
    assert.deepEqual(
      p.summary.map((row) => row.step),
      p.checkpoints.map((c) => c.step),
    );
    // What this point's repeats held when the batch came: its rows must be theirs alone.
    const held = [...point.repeats.values()].map((x) => ({ ...x, checkpoints: [...x.checkpoints] }));
    for (const row of p.summary) point.rows.push({ row, repeats: held });
  }
  return points;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('sweep: announces every point’s settings, streams each point’s experiment, and answers with each point as an experiment of its own', async () => {
  const uri = client.open('sweep-d.regress', SWEEP_D);
  const runId = 'sweep-d';
  const result = await client.sweep({ textDocument: { uri }, runId });
  assert.equal(result.runId, runId);
  assert.equal(result.source, uri);
  assert.equal(result.stopReason, 'done');
  assert.deepEqual(result.sweep, { setting: 'd', values: [2, 3] });

  const started = client.started().filter((e) => e.runId === runId);
  assert.equal(started.length, 1);
  assert.ok(started[0].kind === 'sweep', started[0].kind);
  assert.equal(started[0].title, 'sweep-d.regress');
  const points = started[0].data.points;
  // k and the words' scale follow d at every point.
  assert.deepEqual(
    points.map((s) => [s.d, s.k, s.words]),
    [
      [2, 3, { kind: 'normal', scale: 1 / Math.sqrt(2), mean: 0 }],
      [3, 4, { kind: 'normal', scale: 1 / Math.sqrt(3), mean: 0 }],
    ],
  );
  assert.deepEqual(
    result.points.map((p) => p.result.settings),
    points,
  );

  const streamed = replay(client.sweepProgress(runId));
  assert.deepEqual([...streamed.keys()].sort(), [0, 1]);
  for (const [i, point] of result.points.entries()) {
    assert.equal(point.value, [2, 3][i]);
    assert.equal(point.result.stopReason, 'done');
    const repeats = [...streamed.get(i)!.repeats.values()].sort((a, b) => a.repeat - b.repeat);
    assert.deepEqual(repeats, point.result.repeats, `point ${i}: the result is what streamed`);
    // Each summary row streamed for this point is the mean over this point's repeats, none of the other point's.
    for (const { row, repeats: held } of streamed.get(i)!.rows) {
      const tf = held.flatMap((r) => r.checkpoints.filter((c) => c.step === row.step).map((c) => c.tfLoss));
      assert.equal(row.count, tf.length);
      assert.ok(Math.abs(row.tfLoss.mean - mean(tf)) <= 1e-15, `point ${i} step ${row.step}: ${row.tfLoss.mean} vs ${mean(tf)}`);
    }
  }
  assert.notDeepEqual(result.points[0].result.summary, result.points[1].result.summary);

  // The point d = 3 is the tiny experiment itself (which sets d = 3): the same numbers, bit for bit.
  const alone = await client.experiment({
    textDocument: { uri: client.open('sweep-alone.regress', TINY_EXPERIMENT) },
    runId: 'sweep-alone',
  });
  assert.deepEqual(result.points[1].result.repeats, alone.repeats);
  assert.deepEqual(result.points[1].result.summary, alone.summary);
});

test('sweep cancel: the points that ran are kept, the last one as far as it got', async () => {
  const text = `${TINY_EXPERIMENT.replace('every = 10', 'every = 5')}sweep steps = 20, 100000000\n`;
  const uri = client.open('sweep-long.regress', text);
  const runId = 'sweep-long';
  const cts = client.newToken();
  const pending = client.sweep({ textDocument: { uri }, runId }, cts.token);
  await client.waitFor(
    () => client.sweepProgress(runId).some((p) => p.point === 1 && p.checkpoints.some((c) => c.step > 0)),
    'training at the second point',
  );
  assert.match(client.statuses.at(-1)?.message ?? '', /^1 sweep running$/);
  cts.cancel();
  const result = await pending;
  assert.equal(result.stopReason, 'cancelled');
  assert.equal(result.message, undefined);
  assert.deepEqual(
    result.points.map((p) => [p.value, p.result.stopReason]),
    [
      [20, 'done'],
      [100000000, 'cancelled'],
    ],
  );
  assert.deepEqual(
    result.points[0].result.summary.map((r) => [r.step, r.count]),
    [
      [0, 2],
      [5, 2],
      [10, 2],
      [15, 2],
      [20, 2],
    ],
  );
  const last = result.points[1].result;
  assert.ok(last.repeats.length >= 1 && last.summary.some((r) => r.step > 0), JSON.stringify(last.summary.map((r) => r.step)));
  const streamed = replay(client.sweepProgress(runId));
  for (const [i, point] of result.points.entries())
    assert.deepEqual(
      [...streamed.get(i)!.repeats.values()].sort((a, b) => a.repeat - b.repeat),
      point.result.repeats,
    );
  await client.idle();
});

test('sweep failure: a point whose training loss is not finite stops the sweep, and the message names the point', async () => {
  // Three repeats of 2000 steps on two threads: one thread has a repeat less at each point, and without the wait between
  // points it would reach the failure while the other still trains its second repeat of the first point.
  const text = TINY_EXPERIMENT.replace('repeats = 2', 'repeats = 3')
    .replace('steps = 20', 'steps = 2000')
    .replace('every = 10', 'every = 1000');
  const uri = client.open('sweep-lr.regress', `${text}sweep lr = 0.001, 1e300, 0.002\n`);
  const result = await client.sweep({ textDocument: { uri }, runId: 'sweep-lr' });
  assert.equal(result.stopReason, 'nonFinite');
  assert.match(
    result.message ?? '',
    /^At lr = 1e\+300 \(point 2 of 3\): Repeat \d, Adam step \d+: the training loss is (NaN|Infinity); lower lr$/,
  );
  // The points run in order: the one before the failure is whole, the one after never started.
  assert.deepEqual(
    result.points.map((p) => [p.value, p.result.stopReason]),
    [
      [0.001, 'done'],
      [1e300, 'nonFinite'],
    ],
  );
  assert.deepEqual(
    result.points[0].result.summary.map((r) => [r.step, r.count]),
    [
      [0, 3],
      [1000, 3],
      [2000, 3],
    ],
  );
});

test('wrong kind: each refusal names the kind of run the file needs in its data', async () => {
  const sweep = client.open('kind-sweep.regress', SWEEP_D);
  const experiment = client.open('kind-plain.regress', TINY_EXPERIMENT);
  const problem = client.open('kind-solve.regress', readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8'));
  const refusal = async (run: Promise<unknown>, kind: WrongKindData['kind'], message: RegExp) =>
    assert.rejects(run, (e: { code: number; message: string; data?: unknown }) => {
      assert.equal(e.code, RunErrorCodes.wrongKind);
      assert.deepEqual(e.data, { kind });
      assert.match(e.message, message);
      return true;
    });
  await refusal(client.solve({ textDocument: { uri: sweep }, runId: 'w1' }), 'sweep', /sweep \(line 11\)/);
  await refusal(client.experiment({ textDocument: { uri: sweep }, runId: 'w2' }), 'sweep', /has a sweep \(line 11\)/);
  await refusal(client.sweep({ textDocument: { uri: experiment }, runId: 'w3' }), 'experiment', /no sweep line/);
  await refusal(client.solve({ textDocument: { uri: experiment }, runId: 'w4' }), 'experiment', /Run Experiment/);
  await refusal(client.sweep({ textDocument: { uri: problem }, runId: 'w5' }), 'solve', /problem file/);
  await refusal(client.experiment({ textDocument: { uri: problem }, runId: 'w6' }), 'solve', /problem file/);
  assert.equal(
    client.started().some((e) => /^w\d$/.test(e.runId)),
    false,
    'nothing started',
  );
});

test('a sweep file with errors is refused with its errors; its CodeLens runs the sweep', async () => {
  const bad = client.open('sweep-bad.regress', `${TINY_EXPERIMENT}sweep d = 2, 0\n`);
  await assert.rejects(client.sweep({ textDocument: { uri: bad }, runId: 'sweep-bad' }), (e: { code: number; message: string }) => {
    assert.equal(e.code, RunErrorCodes.invalidDocument);
    assert.equal(e.message, 'The experiment has 1 error:\n12:14: d must be at least 1, not 0');
    return true;
  });
  const uri = client.open('sweep-lens.regress', `# first\n${SWEEP_D}`);
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as {
    range: { start: { line: number } };
    command: { title: string; command: string; arguments: unknown[] };
  }[];
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command.title, l.command.command, l.command.arguments]),
    [[1, '▶ Run sweep', 'regressLab.runExperiment', [uri, 'sweep']]],
  );
});
