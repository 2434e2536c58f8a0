import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { IclRepeat } from '../../protocol/experiment';
import { RunErrorCodes } from '../../protocol/lsp';
import { EXAMPLES } from '../paths';
import { TestClient, type PublishedDiagnostics } from './lsp-client';
import { TINY_EXPERIMENT } from '../tinyExperiment';

/** Runs for many minutes unless cancelled. */
const LONG = TINY_EXPERIMENT.replace('steps = 20', 'steps = 100000000').replace('every = 10', 'every = 1000');

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize({ diagnosticsDelayMs: 20 });
});
after(() => client.close());

const progressOf = (runId: string) => client.experimentProgress(runId);

/** The repeats as streamed: each starts once, before its own checkpoints (repeats on two threads interleave). */
function streamedRepeats(runId: string): IclRepeat[] {
  const repeats = new Map<number, IclRepeat>();
  for (const p of progressOf(runId)) {
    if (p.start) {
      assert.equal(p.start.repeat, p.repeat);
      assert.ok(!repeats.has(p.repeat), `repeat ${p.repeat} starts once`);
      repeats.set(p.repeat, { ...p.start, checkpoints: [] });
    }
    const r = repeats.get(p.repeat);
    assert.ok(r, `checkpoints of repeat ${p.repeat} after its start`);
    r.checkpoints.push(...p.checkpoints);
  }
  return [...repeats.values()].sort((a, b) => a.repeat - b.repeat);
}

test('experiment: announces the settings, streams each repeat after its start, and answers with what was streamed', async () => {
  const uri = client.open('tiny.regress', TINY_EXPERIMENT);
  const runId = 'exp-tiny';
  const result = await client.experiment({ textDocument: { uri }, runId });
  assert.equal(result.runId, runId);
  assert.equal(result.source, uri);
  assert.equal(result.stopReason, 'done');

  const started = client.started().filter((e) => e.runId === runId);
  assert.equal(started.length, 1);
  assert.equal(started[0].uri, uri);
  assert.equal(started[0].title, 'tiny.regress');
  assert.ok(started[0].kind === 'experiment', started[0].kind);
  const s = started[0].data.settings;
  assert.deepEqual(
    [s.n, s.d, s.seed, s.batch, s.steps, s.every, s.tasks, s.etatasks, s.etacount, s.repeats],
    [4, 3, 0, 16, 20, 10, 20, 20, 10, 2],
  );
  assert.deepEqual(result.settings, s);

  const streamed = streamedRepeats(runId);
  assert.equal(streamed.length, 2);
  for (const r of streamed)
    assert.deepEqual(
      r.checkpoints.map((c) => c.step),
      [0, 10, 20],
    );
  assert.deepEqual(streamed, result.repeats);
  assert.deepEqual(
    result.repeats.map((r) => r.seed),
    [0, 1],
  );
});

test('experiment progress: each batch carries the mean ± std at its steps over every repeat streamed so far', async () => {
  const uri = client.open('summary.regress', TINY_EXPERIMENT.replace('repeats = 2', 'repeats = 3'));
  const runId = 'exp-summary';
  const result = await client.experiment({ textDocument: { uri }, runId });
  assert.equal(result.stopReason, 'done');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  // Replay the stream: after each batch, the repeats so far give each of its steps' rows, written out here.
  const seen = new Map<number, IclRepeat>();
  const batches = progressOf(runId);
  assert.ok(batches.length >= 3, `${batches.length} batches`);
  for (const p of batches) {
    if (p.start) seen.set(p.repeat, { ...p.start, checkpoints: [] });
    seen.get(p.repeat)!.checkpoints.push(...p.checkpoints);
    assert.deepEqual(
      p.summary.map((row) => row.step),
      p.checkpoints.map((c) => c.step),
    );
    for (const row of p.summary) {
      const at = [...seen.values()].flatMap((r) => r.checkpoints.filter((c) => c.step === row.step).map((c) => ({ r, c })));
      assert.equal(row.count, at.length);
      const tf = at.map((x) => x.c.tfLoss);
      const gd = at.map((x) => x.r.gdLoss);
      assert.ok(
        Math.abs(row.tfLoss.mean - mean(tf)) <= 1e-14 && Math.abs(row.tfLoss.std - std(tf)) <= 1e-14,
        `tfLoss at ${row.step}: ${JSON.stringify(row.tfLoss)} vs ${tf}`,
      );
      assert.ok(Math.abs(row.gdLoss.mean - mean(gd)) <= 1e-14 && Math.abs(row.gdLoss.std - std(gd)) <= 1e-14, `gdLoss at ${row.step}`);
    }
  }
  // Once every repeat has streamed, the last rows seen per step are the answer's summary.
  const last = new Map<number, (typeof batches)[number]['summary'][number]>();
  for (const p of batches) for (const row of p.summary) last.set(row.step, row);
  assert.deepEqual(
    [...last.values()].sort((a, b) => a.step - b.step),
    result.summary,
  );
});

test('cancel: a long experiment stops, returns the checkpoints so far, and counted as a running job meanwhile', async () => {
  const uri = client.open('long.regress', LONG);
  const runId = 'exp-long';
  const cts = client.newToken();
  const pending = client.experiment({ textDocument: { uri }, runId }, cts.token);
  await client.waitFor(() => progressOf(runId).some((p) => p.checkpoints.some((c) => c.step > 0)), 'a checkpoint after training began');
  const busy = client.statuses.at(-1)!;
  assert.equal(busy.running, 1);
  assert.equal(busy.quiescent, false);
  assert.match(busy.message ?? '', /^1 experiment running$/);
  cts.cancel();
  const result = await pending;
  assert.equal(result.stopReason, 'cancelled');
  // The first repeat, or the first two on two threads, were still training.
  assert.ok(result.repeats.length >= 1 && result.repeats.length <= 2, `${result.repeats.length} repeats`);
  const steps = [...new Set(result.repeats.flatMap((r) => r.checkpoints.map((c) => c.step)))].sort((a, b) => a - b);
  assert.ok(steps.length >= 2 && steps.at(-1)! < 100000000, `checkpoints at ${steps.join(', ')}`);
  assert.deepEqual(streamedRepeats(runId), result.repeats);
  assert.deepEqual(
    result.summary.map((p) => p.step),
    steps,
  );
  await client.idle();
});

test('wrong kind: solve on an experiment file and experiment on a problem file are refused, naming the right command', async () => {
  const experiment = client.open('kind-experiment.regress', TINY_EXPERIMENT);
  await assert.rejects(client.solve({ textDocument: { uri: experiment }, runId: 'k1' }), (e: { code: number; message: string }) => {
    assert.equal(e.code, RunErrorCodes.wrongKind);
    assert.match(e.message, /experiment file: run it with .*Run Experiment/);
    return true;
  });
  const problem = client.open('kind-problem.regress', readFileSync(join(EXAMPLES, 'quickstart.regress'), 'utf8'));
  await assert.rejects(client.experiment({ textDocument: { uri: problem }, runId: 'k2' }), (e: { code: number; message: string }) => {
    assert.equal(e.code, RunErrorCodes.wrongKind);
    assert.match(e.message, /problem file, not an experiment: solve it with .*Solve/);
    return true;
  });
  assert.equal(
    client.started().some((e) => e.runId === 'k1' || e.runId === 'k2'),
    false,
  );
});

test('experiment errors: a file with errors is refused with each error at its line:col, as published', async () => {
  const text = TINY_EXPERIMENT.replace('batch = 16', 'batch = 0');
  const uri = client.open('bad-experiment.regress', text);
  const published: PublishedDiagnostics = await client.diagnosticsFor(uri, 1);
  const errors = published.diagnostics.filter((d) => d.severity === 1);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  const batchLine = text.split('\n').findIndex((l) => l.startsWith('batch'));
  assert.equal(errors[0].range.start.line, batchLine);
  await assert.rejects(client.experiment({ textDocument: { uri }, runId: 'bad' }), (e: { code: number; message: string }) => {
    assert.equal(e.code, RunErrorCodes.invalidDocument);
    const { line, character } = errors[0].range.start;
    assert.equal(e.message, `The experiment has 1 error:\n${line + 1}:${character + 1}: ${errors[0].message}`);
    return true;
  });
});

test('CodeLens: ▶ Run experiment on the experiment line, running regressLab.runExperiment on the document', async () => {
  const text = `# a comment first\n${TINY_EXPERIMENT}`;
  const uri = client.open('lens-experiment.regress', text);
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as {
    range: { start: { line: number } };
    command: { title: string; command: string; arguments: unknown[] };
  }[];
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command.title, l.command.command, l.command.arguments]),
    [[1, '▶ Run experiment', 'regressLab.runExperiment', [uri]]],
  );
});
