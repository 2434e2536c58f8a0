import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IclCheckpoint, IclRepeat, IclResult } from '../../protocol/experiment';
import { REPORT_ELEMENT_ID, type ReportPayload } from '../../protocol/webview';
import { DIST, EXAMPLES } from '../paths';
import { TINY_EXPERIMENT } from '../tinyExperiment';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'regress-cli-experiment-'));

const TINY = join(tmp, 'tiny.regress');
writeFileSync(TINY, TINY_EXPERIMENT);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

function parseResult(stdout: string): IclResult {
  const r = JSON.parse(stdout) as IclResult;
  assert.ok(Array.isArray(r.repeats) && Array.isArray(r.summary), 'an IclResult');
  return r;
}

test('experiment --json: every repeat has checkpoints at 0, every, …, steps, and the summary is their mean ± std', () => {
  const r = cli('experiment', TINY, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = parseResult(r.stdout);
  assert.equal(out.source, TINY);
  assert.equal(out.stopReason, 'done');
  assert.equal(out.repeats.length, 2);
  for (const rep of out.repeats)
    assert.deepEqual(
      rep.checkpoints.map((c) => c.step),
      [0, 10, 20],
    );
  assert.deepEqual(
    out.summary.map((p) => p.step),
    [0, 10, 20],
  );
  for (const p of out.summary) {
    const at = out.repeats.map((rep) => ({ rep, c: rep.checkpoints.find((c) => c.step === p.step)! }));
    assert.equal(p.count, 2);
    // The metrics are O(1) or smaller: agreement to 1e-14 is agreement up to the order of summation.
    const check = (name: string, got: { mean: number; std: number }, values: number[]) => {
      assert.ok(Math.abs(got.mean - mean(values)) <= 1e-14, `${name} mean at step ${p.step}: ${got.mean} vs ${mean(values)}`);
      assert.ok(Math.abs(got.std - std(values)) <= 1e-14, `${name} std at step ${p.step}: ${got.std} vs ${std(values)}`);
    };
    const metric = (f: (c: IclCheckpoint) => number) => at.map((x) => f(x.c));
    check(
      'tfLoss',
      p.tfLoss,
      metric((c) => c.tfLoss),
    );
    check(
      'predsDiff',
      p.predsDiff,
      metric((c) => c.predsDiff),
    );
    check(
      'modelDiff',
      p.modelDiff,
      metric((c) => c.modelDiff),
    );
    check(
      'modelCos',
      p.modelCos,
      metric((c) => c.modelCos),
    );
    check(
      'gdLoss',
      p.gdLoss,
      at.map((x) => x.rep.gdLoss),
    );
  }
  // Progress on stderr: each repeat's start, then its checkpoints (the two repeats may interleave: two threads).
  const lines = r.stderr.trim().split('\n');
  for (const repeat of [1, 2]) {
    assert.deepEqual(
      lines.map((l) => l.replace(/:.*/, '')).filter((l) => l.startsWith(`repeat ${repeat}/2`)),
      [`repeat ${repeat}/2`, `repeat ${repeat}/2 step 0/20`, `repeat ${repeat}/2 step 10/20`, `repeat ${repeat}/2 step 20/20`],
    );
  }
  assert.equal(lines.length, 8);
  assert.match(
    lines.find((l) => l.startsWith('repeat 1/2:'))!,
    /^repeat 1\/2: seed 0, eta = \S+, GD loss = \S+, zero loss = \S+$/,
  );
  assert.equal(cli('experiment', TINY, '--json', '--quiet').stderr, '');
});

test('experiment prints a table per step and each repeat’s eta; the numbers are those of --json', () => {
  const r = cli('experiment', TINY, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const json = parseResult(cli('experiment', TINY, '--json', '--quiet').stdout);
  const lines = r.stdout.split('\n');
  assert.match(lines[0], /experiment icl, n = 4, d = 3, heads = 1, k = 4, batch = 16, steps = 20, repeats = 2/);
  assert.deepEqual(lines[1].split(/\s{2,}/), ['step', 'TF loss', 'GD loss', 'Preds Diff', 'Model Diff', 'Model Cos']);
  const rows = lines.slice(3, 6).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(
    rows.map((row) => row[0]),
    ['0', '10', '20'],
  );
  // The same seeds give the same run: the TF loss mean printed is the JSON's, to the digits shown.
  rows.forEach((row, i) => {
    const [m, s] = row[1].split(' ± ').map(Number);
    const want = json.summary[i].tfLoss;
    assert.ok(
      Math.abs(m - want.mean) <= 1e-4 * want.mean && Math.abs(s - want.std) <= 1e-4 * want.mean + 1e-12,
      `${row[1]} vs ${JSON.stringify(want)}`,
    );
  });
  for (const rep of json.repeats)
    assert.ok(
      lines.some((l) => l.startsWith(`repeat ${rep.repeat + 1}: seed ${rep.seed}, eta = `)),
      `eta line of repeat ${rep.repeat + 1}`,
    );
  assert.match(r.stdout, /^stop: done after \d+ ms$/m);
});

test('experiment --out writes a report replaying the started event, the progress and the finished event', () => {
  const out = join(tmp, 'experiment.html');
  const r = cli('experiment', TINY, '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`report written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const html = readFileSync(out, 'utf8');
  const m = html.match(new RegExp(`<script type="application/json" id="${REPORT_ELEMENT_ID}"[^>]*>([\\s\\S]*?)</script>`));
  assert.ok(m, 'embedded payload');
  const payload = JSON.parse(m[1]) as ReportPayload;
  assert.equal(payload.version, 2);
  const events = payload.messages.flatMap((x) => (x.event === 'snapshot' ? [] : [x]));
  const [started, ...rest] = events;
  const finished = rest.pop();
  assert.ok(started.event === 'started' && started.kind === 'experiment', JSON.stringify(started));
  assert.equal(started.title, 'tiny.regress');
  assert.ok(finished?.event === 'finished' && finished.kind === 'experiment', JSON.stringify(finished));
  const progress = rest.flatMap((x) => (x.event === 'progress' && x.kind === 'experiment' ? [x.data] : []));
  assert.ok(progress.length === rest.length && progress.length > 0, rest.map((x) => x.event).join(', '));
  assert.equal(new Set(events.map((x) => x.runId)).size, 1, 'one runId throughout');
  // The progress events carry exactly the result's repeats: each start once, then its checkpoints.
  const replayed: IclRepeat[] = [];
  for (const p of progress) {
    if (p.start) replayed[p.repeat] = { ...p.start, checkpoints: [] };
    replayed[p.repeat].checkpoints.push(...p.checkpoints);
  }
  assert.deepEqual(replayed, finished.result.repeats);
  // The summary rows streamed last at each step are the result's: the panel shows the server's numbers.
  const rows = new Map(progress.flatMap((p) => p.summary.map((row) => [row.step, row] as const)));
  assert.deepEqual(
    [...rows.values()].sort((a, b) => a.step - b.step),
    finished.result.summary,
  );
});

test('solve and report on an experiment file run the experiment; check validates it like a problem file', () => {
  const solved = cli('solve', TINY, '--json', '--quiet');
  assert.equal(solved.status, 0, solved.stderr);
  assert.equal(parseResult(solved.stdout).repeats.length, 2);
  const out = join(tmp, 'solve-report.html');
  const reported = cli('report', TINY, '-o', out, '--quiet');
  assert.equal(reported.status, 0, reported.stderr);
  assert.match(reported.stdout, /experiment icl, n = 4/);
  assert.match(readFileSync(out, 'utf8'), /"event":"finished","kind":"experiment"/);
  const checked = cli('check', TINY);
  assert.equal(checked.status, 0);
  assert.equal(checked.stdout, '');
});

test('errors: an invalid experiment exits 1 with FILE:line:col; the wrong kind of file or option is refused', () => {
  const bad = join(tmp, 'bad.regress');
  writeFileSync(bad, TINY_EXPERIMENT.replace('batch = 16', 'batch = 0'));
  for (const command of ['experiment', 'solve', 'check']) {
    const r = cli(command, bad);
    assert.equal(r.status, 1, command);
    assert.match(
      command === 'check' ? r.stdout : r.stderr,
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:9: error: batch must be at least 1`, 'm'),
      command,
    );
  }
  const problem = cli('experiment', join(EXAMPLES, 'quickstart.regress'));
  assert.equal(problem.status, 1);
  assert.match(problem.stderr, /this is a problem file, not an experiment: solve it with `regress-lab solve FILE`/);
  const evaluated = cli('eval', TINY);
  assert.equal(evaluated.status, 1);
  assert.match(evaluated.stderr, /eval applies to problem files; this is an experiment/);
  assert.equal(cli('experiment', TINY, '--run', '1').status, 2);
  assert.equal(cli('solve', TINY, '--run', '1').status, 2);
});

test('Ctrl-C stops training and still prints what ran, exiting 130', async () => {
  const long = join(tmp, 'long.regress');
  writeFileSync(long, TINY_EXPERIMENT.replace('steps = 20', 'steps = 100000000').replace('every = 10', 'every = 1000'));
  const child = spawn(process.execPath, [join(DIST, 'cli.js'), 'experiment', long, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  // 'close': the exit code once stdout and stderr are fully read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let trained = false;
  const training = new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += String(d);
      trained ||= /^repeat 1\/2 step [1-9]\d*\//m.test(stderr);
      if (trained) resolve();
    });
  });
  await Promise.race([training, exited]);
  assert.ok(trained, `a checkpoint after training began, before the process exited:\n${stderr}`);
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted: stopping after the current step/);
  const out = parseResult(stdout);
  assert.equal(out.stopReason, 'cancelled');
  // Repeat 1 was training, and repeat 2 too where the two ran on two threads.
  assert.ok(out.repeats.length >= 1 && out.repeats.length <= 2 && out.repeats[0].repeat === 0, `${out.repeats.length} repeats`);
  const steps = out.repeats[0].checkpoints.map((c) => c.step);
  assert.deepEqual(steps.slice(0, 2), [0, 1000]);
  assert.ok(steps.at(-1)! < 100000000);
  const counts = new Map<number, number>();
  for (const r of out.repeats) for (const c of r.checkpoints) counts.set(c.step, (counts.get(c.step) ?? 0) + 1);
  assert.deepEqual(
    out.summary.map((p) => [p.step, p.count]),
    [...counts].sort((a, b) => a[0] - b[0]),
  );
});
