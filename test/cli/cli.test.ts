import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPORT_ELEMENT_ID, type ReportPayload } from '../../protocol/webview';
import type { SolveResult } from '../../protocol/results';
import { DIST, EXAMPLES } from '../paths';

const QUICKSTART = join(EXAMPLES, 'quickstart.regress');
const cli = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'regress-cli-'));

test('solve --json on the quickstart: the loss decreases and ends near the planted optimum', () => {
  const r = cli('solve', QUICKSTART, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as SolveResult;
  assert.equal(out.runs.length, 1);
  const run = out.runs[0];
  assert.equal(run.method, 'gd');
  assert.deepEqual(
    Object.keys(run.iterations[0]).sort(),
    ['gradNorm', 'k', 'loss', 'stepNorm', 'stepSize', 't'].filter((k) => k in run.iterations[0]).sort(),
  );
  // Every point carries its wall time since the block started, never decreasing.
  run.iterations.forEach((p, i) => {
    assert.ok(p.t !== undefined && p.t >= 0, `k = ${p.k} has a wall time`);
    if (i > 0) assert.ok(p.t >= run.iterations[i - 1].t!, `the wall time goes back at k = ${p.k}`);
  });
  // Fixed-step GD on a smooth loss with a small enough step never increases it.
  for (let i = 1; i < run.iterations.length; i++)
    assert.ok(run.iterations[i].loss <= run.iterations[i - 1].loss + 1e-15, `loss rose at k = ${i}`);
  // B is planted (B = rowsoftmax(A1·X*·A2ᵀ)), so the optimal loss is 0. Starting from X0 = 0 the loss is
  // ~1e-1; 2000 steps must remove at least four orders of magnitude of it — a broken gradient (wrong sign,
  // transposed, missing the softmax Jacobian) stalls orders of magnitude above that.
  assert.ok(run.final.loss < 1e-4 * run.iterations[0].loss, `final ${run.final.loss} vs initial ${run.iterations[0].loss}`);
  assert.equal(run.final.X!.length, 4);
  assert.equal(run.final.X![0].length, 4);
  assert.ok(['steps', 'gradTol', 'lossTol'].includes(run.final.stopReason));
});

test('solve prints a summary table by default', () => {
  const r = cli('solve', QUICKSTART);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /attention normalized, n = 8, d = 4 \(loss = 0\.5·‖·‖²\)/);
  assert.match(r.stdout, /^1\s+gd lr=3\.0 steps=2000\s+\d+\s/m);
});

test('check: diagnostics as file:line:col: severity: message, exit 1 on errors, 0 when clean', () => {
  const bad = join(tmp, 'bad.regress');
  writeFileSync(bad, readFileSync(QUICKSTART, 'utf8').replace('steps = 2000', 'stesp = 2000'));
  const r = cli('check', bad);
  assert.equal(r.status, 1);
  assert.equal(r.stdout.trim(), `${bad}:16:19: error: gd has no option 'stesp' (did you mean 'steps'?)`);
  const ok = cli('check', QUICKSTART);
  assert.equal(ok.status, 0);
  assert.equal(ok.stdout, '');
});

test('eval --json gives the data, loss and gradient, and they recompute independently', () => {
  const r = cli('eval', QUICKSTART, '--json');
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout) as {
    problem: { kind: string; n: number; d: number };
    data: Record<string, number[][]>;
    loss: number;
    gradient: number[][];
  };
  assert.equal(e.problem.kind, 'attention');
  const { A1, A2, B, X0 } = e.data;
  // Recompute the loss from the printed data with plain arrays (an independent implementation).
  const mm = (P: number[][], Q: number[][]) => P.map((row) => Q[0].map((_, j) => row.reduce((s, v, k) => s + v * Q[k][j], 0)));
  const T = (P: number[][]) => P[0].map((_, j) => P.map((row) => row[j]));
  const S = mm(mm(A1, X0), T(A2));
  const P = S.map((row) => {
    const m = Math.max(...row);
    const ex = row.map((v) => Math.exp(v - m));
    const s = ex.reduce((a, b) => a + b, 0);
    return ex.map((v) => v / s);
  });
  const loss = 0.5 * P.reduce((s, row, i) => s + row.reduce((t, v, j) => t + (v - B[i][j]) ** 2, 0), 0);
  assert.ok(Math.abs(loss - e.loss) < 1e-14, `${loss} vs ${e.loss}`);
  assert.equal(e.gradient.length, e.problem.d);
});

test('report writes a standalone HTML page with the panel bundle and the run embedded', () => {
  const out = join(tmp, 'report.html');
  const r = cli('report', QUICKSTART, '-o', out);
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /<script[^>]+src=["']https?:/);
  const m = html.match(new RegExp(`<script type="application/json" id="${REPORT_ELEMENT_ID}"[^>]*>([\\s\\S]*?)</script>`));
  assert.ok(m, 'embedded payload');
  const payload = JSON.parse(m[1]) as ReportPayload;
  assert.equal(payload.version, 2);
  // The events the live panel gets: started, the progress batches as the worker streamed them, then finished.
  const events = payload.messages.flatMap((x) => (x.event === 'snapshot' ? [] : [x]));
  assert.equal(events.length, payload.messages.length);
  const [started, ...rest] = events;
  const finished = rest.pop();
  assert.ok(started.event === 'started' && started.kind === 'solve', JSON.stringify(started));
  assert.equal(started.title, 'quickstart.regress');
  // The fingerprint of the problem's numbers, by which the panel tells a data edit from a rerun.
  assert.match(started.data.fingerprint ?? '', /^[0-9a-f]{8}$/);
  assert.ok(finished?.event === 'finished' && finished.kind === 'solve', JSON.stringify(finished));
  assert.ok(rest.length >= 1);
  const progress = rest.flatMap((x) => (x.event === 'progress' && x.kind === 'solve' ? [x.data] : []));
  assert.equal(progress.length, rest.length, 'only progress between started and finished');
  assert.equal(new Set(events.map((x) => x.runId)).size, 1, 'one runId throughout');
  const run = finished.result.runs[0];
  assert.equal(progress.at(-1)?.stop?.reason, run.final.stopReason);
  const streamed = progress.flatMap((p) => p.points.map((pt) => pt.k));
  assert.ok(streamed.length > 0 && streamed.every((k) => run.iterations.some((pt) => pt.k === k)), 'every streamed point is in the result');
});

test('usage errors exit 2 with the usage text; a missing file is reported, not thrown', () => {
  const u = cli('frobnicate', QUICKSTART);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown command 'frobnicate'/);
  assert.match(u.stderr, /Usage: regress-lab/);
  const missing = cli('solve', join(tmp, 'nope.regress'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*nope\.regress: ENOENT/);
  assert.equal(cli('report', QUICKSTART).status, 2);
});

test('an output that cannot be written exits 2 with a message before any work, for every command that writes one', () => {
  const notAFile = join(tmp, 'a-file.txt');
  writeFileSync(notAFile, 'x');
  for (const [args, out] of [
    [['report', QUICKSTART], tmp],
    [['report', QUICKSTART], join(notAFile, 'r.html')],
    [['experiment', join(EXAMPLES, 'icl-experiment.regress')], tmp],
  ] as const) {
    const r = cli(...args, '-o', out);
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^regress-lab: cannot write ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (it is a directory|ENOTDIR)`),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '', 'nothing was solved');
  }
});

test('a deeply nested value is a diagnostic with its place, not a stack trace', () => {
  const file = join(tmp, 'deep.regress');
  writeFileSync(file, `problem softmax normalized\nA = ${'normal('.repeat(5000)}${')'.repeat(5000)}\nb = simplex\n`);
  for (const command of ['check', 'solve']) {
    const r = cli(command, file);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout + r.stderr, /deep\.regress:2:\d+: error: Values nested too deeply/);
    assert.doesNotMatch(r.stderr, /RangeError|\n\s+at /);
  }
});
